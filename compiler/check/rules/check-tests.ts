/**
 * Invariant: every `test` block (§11) can run. It names an agent (its enclosing one, or `on "…"`
 * at top level — never both), every `call` names a tool the agent knows of (exposed, or named by
 * a `forbid`, so a test of a forbidden tool is fine while a typo is not) and a declared
 * principal (or "anonymous"), `expect … by team T` names a declared team, `at` is an ISO 8601
 * time with a zone, and each `expect` follows a `call`. Test names are unique per agent.
 * Codes: TAL0802 (unknown agent, tool, principal or team), TAL0201 (bad `at`, `expect` before any
 * `call`), TAL0302 (duplicate test name).
 */
import { didYouMean } from "../../diagnostics/suggest.js";
import type { TestDecl } from "../../lower/ast.js";
import { spanRef } from "../../source/source.js";
import { globMatchIgnoreCaseRef, globMatchRef } from "../../interp/glob.js";
import type { MergedAgent } from "../agents.js";
import type { CheckContext, CheckRule } from "../context.js";
import { parseTestTime } from "../test-time.js";

/**
 * Does the agent know `tool`: an exposure, or a `forbid` that names it (ignoring case, as forbid
 * does)? Grants and other rules do not count: `grant … on "*"` would make every typo known.
 */
function knowsTool(agent: MergedAgent, tool: string): boolean {
  for (const { node } of agent.tools) if (node.refs.some((r) => globMatchRef(r.name, tool))) return true;
  for (const { node } of agent.rules) {
    if (node.kind === "forbid" && node.targets.kind === "tools" && node.targets.refs.some((r) => globMatchIgnoreCaseRef(r.name, tool))) return true;
  }
  return false;
}

function checkTest(ctx: CheckContext, decl: TestDecl, agent: MergedAgent): void {
  const p = ctx.program;
  const name = decl.name.value;
  let calls = 0;
  for (const stmt of decl.stmts) {
    switch (stmt.kind) {
      case "call": {
        calls++;
        if (!knowsTool(agent, stmt.tool.name)) {
          const names = agent.tools.flatMap((t) => t.node.refs.map((r) => r.name)).filter((n) => !n.includes("*"));
          const help = didYouMean(stmt.tool.name, names);
          ctx.diags.report("TAL0802", stmt.tool.span, { args: { name, kind: "tool", x: stmt.tool.name }, ...(help !== undefined ? { help } : {}) });
        }
        const as = stmt.as.value;
        if (as !== "anonymous" && !p.principals.has(as)) {
          const help = didYouMean(as, p.principals.keys());
          ctx.diags.report("TAL0802", stmt.as.span, { args: { name, kind: "principal", x: as }, ...(help !== undefined ? { help } : {}) });
        }
        break;
      }
      case "chat":
        calls++;
        break;
      case "at":
        if (parseTestTime(stmt.time.value) === undefined) {
          ctx.diags.report("TAL0201", stmt.time.span, { args: { expected: "an ISO 8601 time with a zone (2026-03-02T09:30:00Z)", found: JSON.stringify(stmt.time.value) } });
        }
        break;
      case "expect_verdicts":
      case "expect_redacted":
      case "expect_expr":
        if (stmt.kind === "expect_verdicts") {
          for (const v of stmt.verdicts) {
            if (v.by?.kind === "team" && !p.teams.has(v.by.team.name)) {
              ctx.diags.report("TAL0802", v.by.team.span, { args: { name, kind: "team", x: v.by.team.name } });
            }
          }
        }
        if (calls === 0) ctx.diags.report("TAL0201", stmt.span, { args: { expected: "a `call` before `expect`", found: "`expect`" } });
        break;
      default:
        break;
    }
  }
}

/** The rule described at the top of this file. */
export const checkTests: CheckRule = {
  name: "tests",
  run(ctx) {
    const agents = new Map(ctx.program.agents.map((a) => [a.name, a]));
    const seen = new Map<string, string>();
    for (const t of ctx.program.tests) {
      const decl = t.decl;
      const name = decl.name.value;
      if (t.agent === undefined) {
        ctx.diags.report("TAL0802", decl.name.span, { args: { name, kind: "agent", x: "" }, message: `test \`${name}\` names no agent; write \`test "${name}" on "<agent>"\` at top level` });
        continue;
      }
      if (decl.on !== undefined && t.inAgent) {
        ctx.diags.report("TAL0802", decl.on.span, { args: { name, kind: "agent", x: decl.on.value }, message: `test \`${name}\` inside agent \`${t.agent}\` cannot name another agent with \`on\`` });
        continue;
      }
      const agent = agents.get(t.agent);
      if (!agent) {
        const help = didYouMean(t.agent, agents.keys());
        ctx.diags.report("TAL0802", decl.on?.span ?? decl.name.span, { args: { name, kind: "agent", x: t.agent }, ...(help !== undefined ? { help } : {}) });
        continue;
      }
      const key = `${t.agent}\u0000${name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        ctx.diags.report("TAL0302", decl.name.span, { args: { kind: "test", name }, related: [{ span: ctx.program.tests.find((x) => spanRef(x.decl.span) === first)!.decl.name.span, message: "first defined here" }] });
        continue;
      }
      seen.set(key, spanRef(decl.span));
      checkTest(ctx, decl, agent);
    }
  },
};
