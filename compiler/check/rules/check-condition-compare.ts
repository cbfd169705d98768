/**
 * Invariant: an ordering (`<`, `<=`, `>`, `>=`, `x in lo..hi`) whose operand types are known at
 * build time compares types that have an order (§5: numbers, strings, durations, sizes, money of
 * one currency). Otherwise it would always be unknown — almost certainly a mistake such as
 * `args.impact > "500"` written with a const or literal on both sides.
 * Codes: TAL0401.
 */
import { conditions, orderable, staticType, walk } from "../conditions.js";
import type { CheckRule } from "../context.js";

const ORDERING = new Set(["<", "<=", ">", ">="]);

/** The rule described at the top of this file. */
export const checkConditionCompare: CheckRule = {
  name: "condition-compare",
  run(ctx) {
    for (const { cond } of conditions(ctx.program)) {
      walk(cond.expr, (e) => {
        const pairs = e.kind === "binary" && ORDERING.has(e.op) ? [[e.left, e.right] as const] : e.kind === "in_range" ? [[e.value, e.low] as const, [e.value, e.high] as const] : [];
        for (const [l, r] of pairs) {
          const t1 = staticType(l, ctx.program);
          const t2 = staticType(r, ctx.program);
          if (t1 === undefined || t2 === undefined || orderable(t1, t2)) continue;
          const help = (t1 === "number" && t2 === "string") || (t1 === "string" && t2 === "number") ? "write the number without quotes" : "only numbers, strings, durations, sizes and money of one currency have an order";
          ctx.diags.report("TAL0401", e.span, { args: { t1, t2 }, help });
          break;
        }
      });
    }
  },
};
