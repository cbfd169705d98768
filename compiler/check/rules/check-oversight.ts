/**
 * Invariant: under `posture read_only`, a destructive tool that a grant opens (access destructive
 * or all) is reached only through a `confirm` or an `approve` (§7.1 step 4): otherwise TAL0504 at
 * the exposure. A confirm/approve reaches the tool when it targets class destructive or a tool ref
 * that matches the exposed name or its upstream name (ASCII case-insensitively, like forbid); its
 * condition does not matter (a conditional one still reaches the tool on some calls). A tool an
 * unconditional forbid takes away is not reachable. A glob exposure is compared by its pattern
 * text (a ref reaches it when the ref matches the pattern as a name, e.g. `"*"` or the same glob).
 * Exposures without a class are destructive (§3) unless `trust_annotations` is on (then the class
 * is only known at run time, so they are not judged here).
 * Codes: TAL0504.
 */
import type { GrantRule, Rule, Targets } from "../../lower/ast.js";
import { refMatches, refMatchesIgnoreCase } from "../../ir/tool-names.js";
import { scalar } from "../agents.js";
import type { CheckRule } from "../context.js";

/** Do rule targets reach a tool by its client name, upstream name or class? */
export function targetsReach(t: Targets, name: string, upstream: string, cls: string): boolean {
  if (t.kind === "classes") return t.classes.some((c) => c.name === cls);
  return t.refs.some((r) => refMatchesIgnoreCase(r.name, name) || refMatchesIgnoreCase(r.name, upstream));
}

/** The rule described at the top of this file. */
export const checkOversight: CheckRule = {
  name: "oversight",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      if ((scalar(agent, "posture")?.value ?? "read_only") !== "read_only") continue;
      const trust = scalar(agent, "trust_annotations")?.value === true;
      const rules: Rule[] = agent.rules.map((r) => r.node);
      const grants = rules.filter((r): r is GrantRule => r.kind === "grant");
      const overseers = rules.filter((r) => r.kind === "confirm" || r.kind === "approve");
      for (const { node: tool } of agent.tools) {
        const cls = tool.toolClass?.name ?? (trust ? undefined : "destructive");
        if (cls !== "destructive") continue;
        for (const ref of tool.refs) {
          const upstream = tool.upstream?.value ?? ref.name;
          const opened = grants.some((g) => g.access.some((a) => a.name === "destructive" || a.name === "all") && g.on.some((o) => refMatches(o.name, ref.name)));
          if (!opened) continue;
          if (rules.some((r) => r.kind === "forbid" && r.cond === undefined && targetsReach(r.targets, ref.name, upstream, cls))) continue;
          if (overseers.some((r) => (r.kind === "confirm" || r.kind === "approve") && targetsReach(r.targets, ref.name, upstream, cls))) continue;
          ctx.diags.report("TAL0504", ref.span, {
            args: { t: ref.name },
            help: `add \`confirm tool ${ref.name}\` or \`approve tool ${ref.name} by team <team>\`, or grant it as read/write only`,
          });
        }
      }
    }
  },
};
