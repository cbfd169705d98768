/**
 * Invariant: exposures are 1:1 and cannot smuggle a forbidden tool (§3, §6).
 * - A client name mapped to two upstream names is TAL0306; an upstream name reachable under two
 *   client names is TAL0306 too (renames are 1:1, so `clientName()` has one answer).
 * - The same client name declared twice with different classes is TAL0302.
 * - A rename whose upstream name an unconditional `forbid` matches while the client name does not
 *   is TAL0511 (the forbid would still deny, but the exposure is a mistake); a forbid that matches
 *   an upstream name in any other way gets the TAL0510 note.
 * Codes: TAL0302, TAL0306, TAL0510, TAL0511.
 */
import type { ForbidRule, ToolItem, ToolRef } from "../../lower/ast.js";
import { isGlob, refMatchesIgnoreCase } from "../../ir/tool-names.js";
import type { MergedAgent } from "../agents.js";
import type { CheckContext, CheckRule } from "../context.js";

interface Exposure {
  readonly ref: ToolRef;
  readonly item: ToolItem;
  /** The upstream name the call goes to (the client name when not renamed). */
  readonly upstream: string;
}

function exposures(agent: MergedAgent): Exposure[] {
  const out: Exposure[] = [];
  for (const { node } of agent.tools) {
    for (const ref of node.refs) {
      if (isGlob(ref.name)) continue;
      out.push({ ref, item: node, upstream: node.upstream?.value ?? ref.name });
    }
  }
  return out;
}

function checkOneToOne(ctx: CheckContext, list: readonly Exposure[]): void {
  const byClient = new Map<string, Exposure>();
  const byUpstream = new Map<string, Exposure>();
  for (const e of list) {
    const related = (first: Exposure) => [{ span: first.ref.span, message: "first defined here" }];
    const prev = byClient.get(e.ref.name);
    if (prev) {
      if (prev.upstream !== e.upstream) {
        ctx.diags.report("TAL0306", e.ref.span, { args: { n: e.ref.name, u1: prev.upstream, u2: e.upstream }, related: related(prev) });
      } else if ((prev.item.toolClass?.name ?? null) !== (e.item.toolClass?.name ?? null)) {
        ctx.diags.report("TAL0302", e.ref.span, {
          args: { kind: "tool", name: e.ref.name },
          related: related(prev),
          help: `declared with class ${prev.item.toolClass?.name ?? "(none)"} and class ${e.item.toolClass?.name ?? "(none)"}`,
        });
      }
      continue;
    }
    byClient.set(e.ref.name, e);
    const other = byUpstream.get(e.upstream);
    if (other && other.ref.name !== e.ref.name) {
      ctx.diags.report("TAL0306", e.ref.span, {
        message: `upstream tool \`${e.upstream}\` is exposed under two client names \`${other.ref.name}\`, \`${e.ref.name}\`; renames are 1:1`,
        related: related(other),
      });
    } else byUpstream.set(e.upstream, e);
  }
}

function checkForbiddenUpstreams(ctx: CheckContext, list: readonly Exposure[], forbids: readonly ForbidRule[]): void {
  for (const e of list) {
    if (e.upstream === e.ref.name) continue;
    for (const f of forbids) {
      if (f.targets.kind !== "tools") continue;
      const hit = f.targets.refs.find((r) => refMatchesIgnoreCase(r.name, e.upstream));
      if (!hit) continue;
      const matchesClient = f.targets.refs.some((r) => refMatchesIgnoreCase(r.name, e.ref.name));
      const related = [{ span: hit.span, message: "forbidden here" }];
      if (!matchesClient && f.cond === undefined) {
        ctx.diags.report("TAL0511", e.ref.span, { args: { n: e.ref.name, u: e.upstream }, related, help: "remove the rename or the exposure" });
      } else {
        ctx.diags.report("TAL0510", hit.span, { args: { p: hit.name, u: e.upstream, n: e.ref.name } });
      }
    }
  }
}

/** The rule described at the top of this file. */
export const checkToolExposures: CheckRule = {
  name: "tool-exposures",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const list = exposures(agent);
      checkOneToOne(ctx, list);
      const forbids = agent.rules.map((r) => r.node).filter((r): r is ForbidRule => r.kind === "forbid");
      checkForbiddenUpstreams(ctx, list, forbids);
    }
  },
};
