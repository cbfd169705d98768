/**
 * Invariant: grants make sense for the agent. An agent that exposes tools but has no `grant`
 * denies every call (TAL0506); `anyone` granted write, destructive or all is a security warning
 * (TAL0503), since it reaches every client the agent accepts. (The grants a YAML agent lowers to,
 * `grant anyone all on <allowed tools>`, are the seed's own semantics and already noted by the YAML
 * front end as TAL0705, so they are not flagged again.)
 * Codes: TAL0503, TAL0506.
 */
import type { GrantRule } from "../../lower/ast.js";
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkGrants: CheckRule = {
  name: "grants",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const grants = agent.rules.map((r) => r.node).filter((r): r is GrantRule => r.kind === "grant");
      if (agent.tools.length > 0 && grants.length === 0) {
        ctx.diags.report("TAL0506", agent.parts[0]!.decl.name.span, {
          args: { a: agent.name },
          help: 'add a rule such as `grant vendor "<id>" read on "<tool>"`',
        });
      }
      for (const g of grants) {
        if (g.who.kind !== "anyone" || ctx.program.fileOf.get(g)?.origin === "yaml") continue;
        const wide = g.access.filter((a) => a.name !== "read").map((a) => a.name);
        if (wide.length === 0) continue;
        ctx.diags.report("TAL0503", g.span, { args: { access: wide.join(", "), glob: g.on.map((r) => r.name).join(", ") } });
      }
    }
  },
};
