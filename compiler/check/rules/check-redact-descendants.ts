/**
 * Note: a redact path with `**` (any depth, §8.1) walks the whole message, up to `max_depth`
 * levels and `max_elements` nodes per level, on every call the rule applies to. One TAL0606 per
 * rule, at the rule, however many of its paths use `**`: the cost is per rule, and an anchored
 * path (`tickets[*].requester.email`) is the usual fix.
 * Codes: TAL0606.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkRedactDescendants: CheckRule = {
  name: "redact-descendants",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        if (rule.kind !== "redact") continue;
        const deep = rule.paths.find((p) => p.segments.some((s) => s.kind === "descendants"));
        if (!deep) continue;
        ctx.diags.report("TAL0606", rule.span, {
          help: `anchor \`${deep.text}\` where the field's position is known, e.g. \`tickets[*].requester.email\``,
        });
      }
    }
  },
};
