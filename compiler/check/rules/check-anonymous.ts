/**
 * Invariant: an agent that accepts clients without a credential says so loudly. A client needs no
 * credential when the agent says `auth none`, or when it does not say `auth oidc` and no principal
 * of the bundle has a token (`oidc sub` principals log in only on `auth oidc` agents, which never
 * admit anonymous clients). Such an agent gets TAL1005; its anonymous clients match only
 * `grant anyone` rules.
 * Codes: TAL1005.
 */
import type { Program } from "../program.js";
import type { MergedAgent } from "../agents.js";
import { scalar } from "../agents.js";
import type { CheckRule } from "../context.js";
import { diag } from "../../diagnostics/diagnostic.js";

/** True when clients of `agent` may call without a credential (mirrors `CompiledAgent.allowAnonymous`). */
export function allowsAnonymous(program: Program, agent: MergedAgent): boolean {
  const scheme = scalar(agent, "auth")?.scheme;
  if (scheme === "oidc") return false;
  if (scheme === "none") return true;
  for (const [, decls] of program.principals) if (decls[0]!.token) return false;
  return true;
}

/** The rule described at the top of this file. */
export const checkAnonymous: CheckRule = {
  name: "anonymous",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      if (!allowsAnonymous(ctx.program, agent)) continue;
      const d = diag("TAL1005", agent.parts[0]!.decl.name.span, {
        args: { a: agent.name },
        help: 'declare a principal with a token, e.g. `vendor "x" { token env("X_TOKEN") }`',
      });
      // The YAML front end says it already for `proxy.auth.required: false`; once is enough.
      if (!ctx.diags.items.some((o) => o.code === "TAL1005" && o.message === d.message)) ctx.diags.add(d);
    }
  },
};
