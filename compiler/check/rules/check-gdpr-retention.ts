/**
 * Invariant (gdpr profile, §8.2): evidence is kept at most 3 years (1095 days) unless someone wrote
 * down why. An agent with `compliance { frameworks gdpr … }` whose `audit_retention` is over
 * 1095d gets TAL1003 at the retention, unless a `@justification("…")` annotation sits on the
 * `compliance` block or on one of the agent's declarations. An empty justification does not count.
 * Codes: TAL1003.
 */
import type { Annotation } from "../../lower/ast.js";
import { scalar } from "../agents.js";
import type { CheckRule } from "../context.js";

const DAY_MS = 86_400_000;
/** 3 years, as the profile counts them. */
export const GDPR_MAX_RETENTION_DAYS = 1095;

function justifies(annotations: readonly Annotation[] | undefined): boolean {
  return (annotations ?? []).some((a) => a.name === "justification" && a.value.trim() !== "");
}

/** The rule described at the top of this file. */
export const checkGdprRetention: CheckRule = {
  name: "gdpr-retention",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      if (!agent.frameworks.some((f) => f.name === "gdpr")) continue;
      const retention = scalar(agent, "audit_retention");
      if (!retention || retention.ms <= GDPR_MAX_RETENTION_DAYS * DAY_MS) continue;
      if (agent.parts.some((p) => justifies(p.decl.annotations))) continue;
      if (agent.items.some(({ node }) => node.kind === "compliance" && justifies(node.annotations))) continue;
      ctx.diags.report("TAL1003", retention.span, {
        args: { n: Math.round((retention.ms / DAY_MS) * 100) / 100 },
        help: `keep audit_retention at ${GDPR_MAX_RETENTION_DAYS}d or less, or write \`@justification("…")\` before the \`compliance\` block saying why evidence is kept longer`,
      });
    }
  },
};
