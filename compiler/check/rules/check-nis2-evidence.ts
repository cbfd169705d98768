/**
 * Invariant (nis2 profile, §8.2): an agent under `compliance { frameworks nis2 }` records what
 * clients asked for. Decisions are always captured, so the evidence must also capture `requests`;
 * an agent with nis2 and no `evidence` block at all fails too. TAL1004 at the `evidence` block
 * (the first one, when the agent is split across files), else at the `nis2` framework name.
 * YAML agents map `evidence.capture_requests: true` to `capture requests`.
 * Codes: TAL1004.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkNis2Evidence: CheckRule = {
  name: "nis2-evidence",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const nis2 = agent.frameworks.find((f) => f.name === "nis2");
      if (!nis2) continue;
      if (agent.capture.some((c) => c.name === "requests")) continue;
      const evidence = agent.items.find(({ node }) => node.kind === "evidence")?.node;
      ctx.diags.report("TAL1004", evidence?.span ?? nis2.span, {
        help: evidence ? "add `requests` to `capture`" : "add `evidence { capture requests, decisions }` to the agent",
      });
    }
  },
};
