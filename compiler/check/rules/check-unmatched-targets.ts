/**
 * Invariant: a tool ref a rule names (exact name or glob) can reach some tool its agent exposes;
 * otherwise it is most likely a typo (`grant … on t_raed`) and the rule silently does nothing for
 * the tool meant: TAL0502 at the ref, with "did you mean" when an exposed name is close. A warning,
 * an error when the agent declares `catalog "…" strict` (LANGUAGE.md §12).
 *
 * What "reach" means follows how each rule matches at run time (§6):
 * - a grant's `on` refs are case-sensitive and see client names only;
 * - confirm, approve, limit, idempotent, redact and block targets ignore ASCII case and see both
 *   client and upstream names (a rename's upstream name counts);
 * - a glob reaches an exposure when some name matches both (`"t_*"` reaches `tool "*_read"` through
 *   `t_read`), so a glob exposure makes every ref it overlaps count as matched.
 * Not judged: `forbid` targets (forbidding tools that are not exposed is deliberate defence: it
 * still holds when a later exposure, a glob or a rename opens the name), class targets, principal
 * boundaries (bundle-wide, not per agent), and agents without any exposure.
 * Codes: TAL0502.
 */
import { didYouMean } from "../../diagnostics/suggest.js";
import type { Rule, ToolRef } from "../../lower/ast.js";
import { asciiLower, isGlob, refsOverlap } from "../../ir/tool-names.js";
import { scalar, type MergedAgent } from "../agents.js";
import type { CheckContext, CheckRule } from "../context.js";
import { ruleRefs } from "../tool-refs.js";

/** An exposure as rules see it: the client name or glob, and the upstream name of a rename. */
interface Exposed {
  readonly client: string;
  readonly upstream: string | undefined;
}

function exposedOf(agent: MergedAgent): Exposed[] {
  return agent.tools.flatMap(({ node }) => node.refs.map((r) => ({ client: r.name, upstream: node.upstream?.value })));
}

/** Does `ref`, as a target of `rule`, reach any exposure? */
function reaches(rule: Rule, ref: string, exposed: readonly Exposed[]): boolean {
  if (rule.kind === "grant") return exposed.some((e) => refsOverlap(ref, e.client));
  const r = asciiLower(ref);
  return exposed.some((e) => refsOverlap(r, asciiLower(e.client)) || (e.upstream !== undefined && refsOverlap(r, asciiLower(e.upstream))));
}

/** Help for an unmatched ref: a grant naming an upstream name, else the closest exposed name or glob. */
function helpFor(rule: Rule, ref: ToolRef, exposed: readonly Exposed[]): string {
  const renamed = rule.kind === "grant" ? exposed.find((e) => e.upstream === ref.name) : undefined;
  if (renamed) return `\`${ref.name}\` is the upstream name of \`${renamed.client}\`; grants name the client tool`;
  const candidates = exposed.flatMap((e) => [e.client, ...(rule.kind !== "grant" && e.upstream !== undefined ? [e.upstream] : [])]);
  const near = didYouMean(ref.name, isGlob(ref.name) ? candidates : candidates.filter((c) => !isGlob(c)));
  return near ?? `this agent exposes ${[...new Set(exposed.map((e) => `\`${e.client}\``))].slice(0, 6).join(", ")}`;
}

/** The rule described at the top of this file. */
export const checkUnmatchedTargets: CheckRule = {
  name: "unmatched-targets",
  run(ctx: CheckContext) {
    for (const agent of ctx.program.agents) {
      const exposed = exposedOf(agent);
      if (exposed.length === 0) continue;
      const strict = scalar(agent, "catalog")?.strict === true;
      for (const { node: rule } of agent.rules) {
        if (rule.kind === "forbid") continue;
        for (const ref of ruleRefs(rule)) {
          if (reaches(rule, ref.name, exposed)) continue;
          ctx.diags.report("TAL0502", ref.span, { args: { glob: ref.name }, help: helpFor(rule, ref, exposed), ...(strict ? { severity: "error" as const } : {}) });
        }
      }
    }
  },
};
