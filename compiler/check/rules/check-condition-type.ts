/**
 * Invariant: a condition is a boolean. A condition whose type is known at build time and is not
 * `bool` (`when args.n + 1`, `when "yes"`) would always be unknown, which fires forbid, approve
 * and confirm and never grants.
 * Codes: TAL0405.
 */
import { conditions, staticType } from "../conditions.js";
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkConditionType: CheckRule = {
  name: "condition-type",
  run(ctx) {
    for (const { cond } of conditions(ctx.program)) {
      const t = staticType(cond.expr, ctx.program);
      if (t !== undefined && t !== "bool") ctx.diags.report("TAL0405", cond.expr.span, { args: { t } });
    }
  },
};
