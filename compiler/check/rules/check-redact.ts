/**
 * Invariants of `redact` rules (§8.1): the method is one the runtime knows (TAL0604, with a
 * "did you mean"); every path is one the runtime walker accepts (TAL0601 — the parser's grammar
 * is wider, e.g. it lets `**` end a path); `hash` without `secret redaction_key` is unkeyed
 * SHA-256, which low-entropy PII (phone numbers) cannot survive (TAL0605); and two rules writing
 * the same path in an agent get a TAL0607 note naming the method that applies.
 * A `matching` regex must also compile on the engine that will run it (TAL0103: RE2 limits).
 * Codes: TAL0103, TAL0601, TAL0604, TAL0605, TAL0607.
 */
import { parseRedactPath } from "../../../runtime/redact/path.js";
import { METHOD_STRENGTH } from "../../../runtime/redact/methods.js";
import { compileRegex } from "../../../runtime/helpers/regex.js";
import { didYouMean } from "../../diagnostics/suggest.js";
import type { CheckRule } from "../context.js";
import { REDACT_METHODS } from "../vocabulary.js";

/** The rule described at the top of this file. */
export const checkRedact: CheckRule = {
  name: "redact",
  run(ctx) {
    const keyed = ctx.program.secrets.has("redaction_key");
    for (const agent of ctx.program.agents) {
      const byPath = new Map<string, { id: string; method: string; span: (typeof agent.rules)[number]["node"]["span"] }[]>();
      for (const { node: rule } of agent.rules) {
        if (rule.kind !== "redact") continue;
        const m = rule.method.name;
        if (!(REDACT_METHODS as readonly string[]).includes(m.name)) {
          const help = didYouMean(m.name, REDACT_METHODS) ?? `methods are ${REDACT_METHODS.join(", ")}`;
          ctx.diags.report("TAL0604", m.span, { args: { m: m.name }, help });
        }
        if (m.name === "hash" && !keyed) {
          ctx.diags.report("TAL0605", m.span, {
            help: 'declare `secret redaction_key = env("TALON_REDACTION_KEY")` so hashes are keyed (HMAC-SHA256)',
          });
        }
        for (const m of rule.matching) {
          if ("name" in m) continue; // a detector name (checked by check-references)
          try {
            compileRegex(m.source, m.flags);
          } catch (e) {
            // The parser checked ECMAScript syntax; RE2 has its own limits (repeat counts ≤ 1000).
            ctx.diags.report("TAL0103", m.span, { args: { error: (e as Error).message.replace(/^error parsing regexp: /, "") } });
          }
        }
        for (const p of rule.paths) {
          const parsed = parseRedactPath(p.text);
          if (!Array.isArray(parsed)) {
            ctx.diags.report("TAL0601", p.span, { args: { p: p.text }, help: parsed.message });
            continue;
          }
          if (rule.matching.length > 0) continue;
          const list = byPath.get(p.text) ?? [];
          list.push({ id: rule.annotations.find((a) => a.name === "id")?.value ?? `line ${rule.span.line}`, method: m.name, span: p.span });
          byPath.set(p.text, list);
        }
      }
      for (const [p, list] of byPath) {
        if (list.length < 2) continue;
        const winner = [...list].sort((a, b) => (METHOD_STRENGTH[b.method] ?? 0) - (METHOD_STRENGTH[a.method] ?? 0))[0]!;
        const ids = list.map((r) => r.id).join(", ");
        ctx.diags.report("TAL0607", list[list.length - 1]!.span, { args: { ids, p, method: winner.method } });
      }
    }
  },
};
