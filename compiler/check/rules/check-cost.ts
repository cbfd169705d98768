/**
 * Invariant: the work one expression can do for one request is bounded by a budget (§5 "Bounds"):
 * its static worst-case cost under the agent's input caps (`cost.ts`: nodes, elements visited and
 * text traversed, with `max_elements`, `max_scan` and `max_message` from `limits { … }` or the §3
 * defaults) is at most `COST_BUDGET` steps, else TAL0902 at the expression, with the most expensive
 * part named in the help. The node and depth bounds (TAL0901) and the quantifier nesting bound
 * (TAL0408) hold the text small; this holds the data-dependent part: two quantifiers nested over
 * request data visit `max_elements²` elements, which no budget per request allows at the
 * default caps. Every condition (`when`/`unless` of any rule) and every idempotency `key`
 * expression is checked.
 * Codes: TAL0902.
 */
import type { Expr } from "../../lower/ast.js";
import { scalar, type MergedAgent } from "../agents.js";
import { COST_BUDGET, CostModel, DEFAULT_CAPS, fmt, type InputCaps } from "../cost.js";
import type { CheckRule } from "../context.js";
import type { Program } from "../program.js";

/** `limits { name N }` of the agent, else the §3 default. */
function cap(agent: MergedAgent, name: string, dflt: number): number {
  const v = (agent.scalars.get(`limits.${name}`)?.[0]?.value as { value?: unknown } | undefined)?.value;
  return typeof v === "number" && v > 0 ? v : dflt;
}

function capsOf(program: Program, agent: MergedAgent): InputCaps {
  return {
    maxElements: cap(agent, "max_elements", DEFAULT_CAPS.maxElements),
    maxScan: cap(agent, "max_scan", DEFAULT_CAPS.maxScan),
    maxMessage: cap(agent, "max_message", DEFAULT_CAPS.maxMessage),
    teams: program.teams.size,
  };
}

/** The rule described at the top of this file. */
export const checkCost: CheckRule = {
  name: "cost",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const model = new CostModel(ctx.program, capsOf(ctx.program, agent));
      for (const { node: rule } of agent.rules) {
        const exprs: Expr[] = [...("cond" in rule && rule.cond !== undefined ? [rule.cond.expr] : []), ...(rule.kind === "idempotent" ? rule.key : [])];
        for (const e of exprs) {
          const { cost, worst } = model.total(e);
          if (cost <= COST_BUDGET) continue;
          const where = worst ? `the most expensive part is ${worst.what} (${worst.span.line}:${worst.span.col})` : "the request data it reads is large";
          ctx.diags.report("TAL0902", e.span, {
            args: { c: fmt(cost), b: fmt(COST_BUDGET) },
            help: `${where}; compare with a literal list or a const instead of request data, or lower \`limits { max_elements … max_message … }\``,
          });
        }
      }
    }
  },
};
