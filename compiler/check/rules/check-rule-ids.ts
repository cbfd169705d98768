/**
 * Invariant: explicit rule ids are unique across the bundle (evidence records and deny messages
 * name rules by id) and each rule has at most one `@id` / `@reason`. Default ids
 * (`<agent>.<kind>.<hash>`) are checked for collisions after lowering, in `ir/from-ast.ts`.
 * Codes: TAL0302, TAL0203.
 */
import type { Span } from "../../source/source.js";
import type { CheckRule } from "../context.js";

/** The rule described at the top of this file. */
export const checkRuleIds: CheckRule = {
  name: "rule-ids",
  run(ctx) {
    const seen = new Map<string, Span>();
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        for (const name of ["id", "reason"]) {
          const anns = rule.annotations.filter((a) => a.name === name);
          for (const dup of anns.slice(1)) {
            ctx.diags.report("TAL0203", dup.span, { args: { clause: `@${name}`, block: `${rule.kind} rule` }, related: [{ span: anns[0]!.span, message: "first set here" }] });
          }
        }
        const id = rule.annotations.find((a) => a.name === "id");
        if (!id) continue;
        const first = seen.get(id.value);
        if (first) {
          ctx.diags.report("TAL0302", id.span, { args: { kind: "rule id", name: id.value }, related: [{ span: first, message: "first defined here" }] });
        } else seen.set(id.value, id.span);
      }
    }
  },
};
