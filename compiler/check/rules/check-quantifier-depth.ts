/**
 * Invariant: quantifiers (`xs.exists(x, …)`, `xs.all(x, …)`) nest at most two deep (§5), which
 * bounds a condition's work to max_elements² element visits.
 * Codes: TAL0408.
 */
import type { Expr } from "../../lower/ast.js";
import { children, conditions } from "../conditions.js";
import type { CheckRule, CheckContext } from "../context.js";

const isQuantifier = (e: Expr) => e.kind === "call" && e.target !== undefined && (e.callee.name === "exists" || e.callee.name === "all");

function visit(ctx: CheckContext, e: Expr, depth: number): void {
  const d = isQuantifier(e) ? depth + 1 : depth;
  if (d > 2 && isQuantifier(e)) {
    ctx.diags.report("TAL0408", e.span);
    return;
  }
  for (const c of children(e)) visit(ctx, c, d);
}

/** The rule described at the top of this file. */
export const checkQuantifierDepth: CheckRule = {
  name: "quantifier-depth",
  run(ctx) {
    for (const { cond } of conditions(ctx.program)) visit(ctx, cond.expr, 0);
  },
};
