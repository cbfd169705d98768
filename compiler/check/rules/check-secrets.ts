/**
 * Invariant: secrets are references, never literals, and the client's token is never sent
 * upstream. A literal token (YAML `token: "abc"`) is TAL1001; `upstream_auth passthrough` is the
 * MCP token-passthrough anti-pattern, TAL1002 (for YAML agents the YAML front end reports it, at
 * the YAML key, so it is not repeated here).
 * Codes: TAL1001, TAL1002.
 */
import type { CheckRule } from "../context.js";
import { scalar } from "../agents.js";

/** The rule described at the top of this file. */
export const checkSecrets: CheckRule = {
  name: "secrets",
  run(ctx) {
    for (const [, decls] of ctx.program.principals) {
      for (const d of decls) {
        if (d.literalToken) {
          ctx.diags.report("TAL1001", d.literalToken.span, { help: 'write `token env("VAR")` (YAML: `token: "${VAR}"`)' });
        }
      }
    }
    for (const agent of ctx.program.agents) {
      const auth = scalar(agent, "upstream_auth");
      if (auth?.scheme === "passthrough" && ctx.program.fileOf.get(auth)?.origin !== "yaml") {
        ctx.diags.report("TAL1002", auth.span, { help: 'give the upstream its own credential: `upstream_auth bearer env("VAR")`' });
      }
    }
  },
};
