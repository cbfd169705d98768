/**
 * Invariant: every agent names its upstream (the MCP server it governs); without one the bundle
 * could not forward anything. Reported with TAL0201 ("expected an `upstream` clause …") at the
 * agent's name, rather than with a new code, because it is a missing clause.
 * Codes: TAL0201.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkAgentUpstream: CheckRule = {
  name: "agent-upstream",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      if (agent.scalars.has("upstream")) continue;
      const first = agent.parts[0]!;
      ctx.diags.report("TAL0201", first.decl.name.span, {
        args: { expected: `an \`upstream\` clause in agent "${agent.name}"`, found: "none" },
        help: 'add `upstream "https://…"`, `upstream stdio ["cmd", …]` or `upstream unix "/path"`',
      });
    }
  },
};
