/**
 * Invariant: an `approve` names a team that has someone to approve. An unknown team is TAL0301
 * (`check-references.ts`); a declared team without `approvers` is TAL0508.
 * Codes: TAL0508.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkApprovals: CheckRule = {
  name: "approvals",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        if (rule.kind !== "approve") continue;
        const team = ctx.program.teams.get(rule.team.name)?.[0];
        if (team && team.approvers.length === 0) {
          ctx.diags.report("TAL0508", rule.team.span, {
            args: { T: rule.team.name },
            related: [{ span: team.name.span, message: "team declared here" }],
            help: `add \`approvers "someone@example.com"\` to team ${rule.team.name}`,
          });
        }
      }
    }
  },
};
