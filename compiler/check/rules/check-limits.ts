/**
 * Invariant: a token bucket can hold a token. `limit rate N per D [burst B]` needs N ≥ 1, B ≥ 1
 * and a positive period D.
 * Codes: TAL0514.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkLimits: CheckRule = {
  name: "limits",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        if (rule.kind !== "limit") continue;
        if (!(rule.rate >= 1) || (rule.burst !== undefined && !(rule.burst >= 1))) {
          ctx.diags.report("TAL0514", rule.span);
        } else if (!(rule.per.ms > 0)) {
          ctx.diags.report("TAL0514", rule.per.span, { help: "the period must be longer than zero" });
        }
      }
    }
  },
};
