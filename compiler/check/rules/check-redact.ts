/**
 * Invariant: a `redact` rule names a redaction method the runtime knows (§8.1).
 * Codes: TAL0604.
 */
import { didYouMean } from "../../diagnostics/suggest.js";
import type { CheckRule } from "../context.js";
import { REDACT_METHODS } from "../vocabulary.js";

/** The rule described at the top of this file. */
export const checkRedact: CheckRule = {
  name: "redact",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        if (rule.kind !== "redact") continue;
        const m = rule.method.name;
        if ((REDACT_METHODS as readonly string[]).includes(m.name)) continue;
        const help = didYouMean(m.name, REDACT_METHODS) ?? `methods are ${REDACT_METHODS.join(", ")}`;
        ctx.diags.report("TAL0604", m.span, { args: { m: m.name }, help });
      }
    }
  },
};
