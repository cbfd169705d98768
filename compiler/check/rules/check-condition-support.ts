/**
 * Invariant: nothing in a condition is dropped silently. The parts of §5 the bundle cannot
 * evaluate yet are unknown at run time — which fires forbid, approve, confirm, `block response`
 * and `redact` and never grants (fail closed) — and each gets one TAL1101 note per agent:
 * `caller.attrs` / `caller.claims`. Block and redact conditions count too: the bundle evaluates
 * them (`ConditionFn`). Detectors (`matches <detector>`, `detect(…)`), regexes that are not
 * provably backtracking-safe and `args_hash()` are supported: the runtime lends the bundle its
 * linear-time matchers and its argument hash (`CompiledBundle.bind`).
 * Codes: TAL1101.
 */
import type { Expr } from "../../lower/ast.js";
import type { Span } from "../../source/source.js";
import { walk } from "../conditions.js";
import type { CheckRule } from "../context.js";

interface Part {
  readonly feature: string;
  readonly hit: (e: Expr) => boolean;
}

const PARTS: readonly Part[] = [
  {
    feature: "`caller.attrs` / `caller.claims` in a condition",
    hit: (e) => e.kind === "path" && e.root.name === "caller" && e.steps[0]?.kind === "member" && (e.steps[0].name === "attrs" || e.steps[0].name === "claims"),
  },
];

/** The rule described at the top of this file. */
export const checkConditionSupport: CheckRule = {
  name: "condition-support",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const first = new Map<Part, Span>();
      for (const { node: rule } of agent.rules) {
        if (!("cond" in rule) || rule.cond === undefined) continue;
        walk(rule.cond.expr, (e) => {
          for (const p of PARTS) if (!first.has(p) && p.hit(e)) first.set(p, e.span);
        });
      }
      for (const p of PARTS) {
        const span = first.get(p);
        if (span) ctx.diags.report("TAL1101", span, { args: { feature: p.feature, detail: "; it is unknown at run time (fires forbid, approve, confirm, block and redact; never grants)" } });
      }
    }
  },
};
