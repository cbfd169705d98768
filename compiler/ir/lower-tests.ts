/**
 * Lowering `test` blocks (§11) to `TestIR`: `with`/`meta`/`returns` objects become JSON data
 * (consts inlined; durations in ms, sizes in bytes, money as a decimal number), `at` becomes
 * milliseconds, `expect e` an `ExprIR` that may read `result`/`response`. `check-tests.ts` has
 * already checked names; here `expect … by "id"` is checked against the lowered rule ids (a rule
 * id, or a reason such as `path:denied`, which contains a colon) — TAL0802.
 */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { Expr, TestDecl, TestStmt } from "../lower/ast.js";
import { spanRef, type Span } from "../source/source.js";
import type { Program, ProgramTest } from "../check/program.js";
import { parseTestTime } from "../check/test-time.js";
import type { AgentIR, ExprIR, TestIR, TestStepIR, TestVerdictIR } from "./ir.js";
import { literalScope, lowerExpr, type ExprScope } from "./lower-expr.js";

/** A folded literal expression as JSON data; undefined when it is not a literal. */
function jsonOf(e: ExprIR): { value: unknown } | undefined {
  switch (e.op) {
    case "lit":
      return { value: e.value };
    case "duration":
      return { value: e.ms };
    case "size":
      return { value: e.bytes };
    case "money":
      return { value: e.micros / 1e6 };
    case "neg": {
      const v = jsonOf(e.operand);
      return v && typeof v.value === "number" ? { value: -v.value } : undefined;
    }
    case "list": {
      const out: unknown[] = [];
      for (const item of e.items) {
        const v = jsonOf(item);
        if (!v) return undefined;
        out.push(v.value);
      }
      return { value: out };
    }
    case "object": {
      const out: Record<string, unknown> = {};
      for (const [k, item] of e.entries) {
        const v = jsonOf(item);
        if (!v) return undefined;
        out[k] = v.value;
      }
      return { value: out };
    }
    default:
      return undefined;
  }
}

function data(expr: Expr, span: Span, scope: ExprScope): unknown {
  const v = jsonOf(lowerExpr(expr, scope));
  if (v) return v.value;
  scope.diags.report("TAL0201", span, { args: { expected: "a JSON value (literals and consts only)", found: "an expression" } });
  return null;
}

function lowerStep(stmt: TestStmt, lit: ExprScope, cond: ExprScope): TestStepIR {
  const at = spanRef(stmt.span);
  switch (stmt.kind) {
    case "call":
      return { kind: "call", tool: stmt.tool.name, as: stmt.as.value, args: stmt.with ? data(stmt.with, stmt.with.span, lit) : null, meta: stmt.meta ? data(stmt.meta, stmt.meta.span, lit) : null, at };
    case "chat":
      return { kind: "chat", model: stmt.model.value, as: stmt.as.value, args: stmt.with ? data(stmt.with, stmt.with.span, lit) : null, at };
    case "at":
      return { kind: "clock", time: stmt.time.value, ms: parseTestTime(stmt.time.value) ?? 0, at };
    case "confirmed":
      return { kind: "confirmed", at };
    case "approved":
      return { kind: "approved", at };
    case "returns":
      return { kind: "returns", form: stmt.form, value: "kind" in stmt.value ? data(stmt.value, stmt.value.span, lit) : stmt.value.value, at };
    case "expect_verdicts":
      return {
        kind: "expect_verdicts",
        verdicts: stmt.verdicts.map(
          (v): TestVerdictIR => ({
            verdict: v.verdict,
            by: v.by === undefined ? null : v.by.kind === "rule" ? { kind: "rule", id: v.by.id.value } : v.by.kind === "team" ? { kind: "team", team: v.by.team.name } : { kind: "default" },
          }),
        ),
        at,
      };
    case "expect_redacted":
      return { kind: "expect_redacted", path: stmt.path.text, method: stmt.method.name, at };
    case "expect_expr":
      return { kind: "expect_expr", expr: lowerExpr(stmt.expr, cond), at };
  }
}

function checkRuleRefs(decl: TestDecl, agent: AgentIR, diags: Diagnostics): void {
  const ids = new Set(agent.rules.map((r) => r.id));
  for (const stmt of decl.stmts) {
    if (stmt.kind !== "expect_verdicts") continue;
    for (const v of stmt.verdicts) {
      if (v.by?.kind !== "rule" || ids.has(v.by.id.value) || v.by.id.value.includes(":")) continue;
      diags.report("TAL0802", v.by.id.span, { args: { name: decl.name.value, kind: "rule", x: v.by.id.value } });
    }
  }
}

/** The tests of the lowered agents, sorted by agent then name. */
export function lowerTests(program: Program, agents: readonly AgentIR[], diags: Diagnostics): TestIR[] {
  const lit = literalScope(program, diags);
  const cond: ExprScope = { ...lit, allowRoots: true, allowResponse: true };
  const out: TestIR[] = [];
  for (const t of program.tests as readonly ProgramTest[]) {
    const agent = agents.find((a) => a.name === t.agent);
    if (!agent) continue; // reported by check-tests
    checkRuleRefs(t.decl, agent, diags);
    out.push({ name: t.decl.name.value, agent: agent.name, steps: t.decl.stmts.map((s) => lowerStep(s, lit, cond)), at: spanRef(t.decl.span) });
  }
  return out.sort((a, b) => (a.agent !== b.agent ? (a.agent < b.agent ? -1 : 1) : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
