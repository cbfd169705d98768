/**
 * Invariant: each scalar setting of an agent (mode, upstream, upstream_auth, auth, posture, flags,
 * catalog, blobs, limits entries, tls entries, audit_retention, evidence sink) has exactly one
 * source. Set twice within one agent declaration → TAL0203; set in two files that declare the same
 * agent (a `.talon` extending a YAML agent) → TAL0509. Collections are unioned and never conflict.
 * Codes: TAL0203, TAL0509.
 */
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkAgentScalars: CheckRule = {
  name: "agent-scalars",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const [key, occs] of agent.scalars) {
        const first = occs[0]!;
        for (const occ of occs.slice(1)) {
          const related = [{ span: first.span, message: "first set here" }];
          if (occ.decl === first.decl) {
            ctx.diags.report("TAL0203", occ.span, { args: { clause: key, block: `agent "${agent.name}"` }, related });
          } else if (occ.file.path !== first.file.path) {
            ctx.diags.report("TAL0509", occ.span, {
              args: { scalar: key, a: agent.name, s1: first.file.path, s2: occ.file.path },
              related,
              help: "remove one of them: a setting of an extended agent comes from exactly one file",
            });
          }
          // Same file, different declaration: the duplicate agent is already TAL0302.
        }
      }
    }
  },
};
