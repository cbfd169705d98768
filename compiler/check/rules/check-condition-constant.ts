/**
 * Invariant: a condition depends on the request. One that reads no root (only literals and
 * consts) is the same on every call — `when 1 == 1`, `unless true` — and is reported with the
 * value it always has, computed by the reference evaluator.
 * Codes: TAL0406.
 */
import type { Expr } from "../../lower/ast.js";
import { Diagnostics } from "../../diagnostics/diagnostic.js";
import { evalCond } from "../../interp/eval.js";
import { literalScope, lowerCond } from "../../ir/lower-expr.js";
import type { Program } from "../program.js";
import { children, conditions } from "../conditions.js";
import type { CheckRule } from "../context.js";

/** No request data: every path is a const (a quantifier over a literal list binds variables, so it is left out). */
function closed(e: Expr, program: Program): boolean {
  if (e.kind === "path" && !program.consts.has(e.root.name)) return false;
  if (e.kind === "call" && e.target === undefined && e.callee.name !== "size") return false;
  if (e.kind === "call" && (e.callee.name === "exists" || e.callee.name === "all" || e.callee.name === "hour" || e.callee.name === "weekday")) return false;
  if (e.kind === "binary" && e.op === "matches") return false;
  return children(e).every((c) => closed(c, program));
}

const NOBODY = { id: "anonymous", kind: "anonymous", index: -1, teams: [] } as const;

/** The rule described at the top of this file. */
export const checkConditionConstant: CheckRule = {
  name: "condition-constant",
  run(ctx) {
    for (const { cond } of conditions(ctx.program)) {
      if (!closed(cond.expr, ctx.program)) continue;
      const scratch = new Diagnostics(); // lowering problems are reported by the IR stage itself
      const ir = lowerCond(cond, literalScope(ctx.program, scratch));
      if (ir === null || scratch.items.length > 0) continue;
      const v = evalCond(ir, { args: undefined, meta: undefined, now: undefined, principal: NOBODY, tool: "", upstream: "", cls: null, agent: "", detectors: [] });
      if (v === "U") continue; // TAL0401/TAL0405 say why
      ctx.diags.report("TAL0406", cond.span, { args: { value: v === "T" ? "true" : "false" } });
    }
  },
};
