/**
 * Invariant: nothing declared is dropped silently. Every feature this compiler carries in the IR
 * but the runtime does not enforce yet gets exactly one TAL1101 note per agent (at its first use),
 * and the notes go into `manifest.json` for operators. `approve`, `confirm`, `limit`, `idempotent`,
 * `block response`, redact conditions, mode `passthrough`, `evidence { capture … }` and
 * `compliance { audit_retention }` are enforced (the bundle exports them
 * and the runtime applies them), so they get no note; mode `shadow` still does.
 * `require_listed` is noted wherever it is in effect, including by default (it is on unless
 * `require_listed false`). Conditions themselves are evaluated (both engines); the parts of them
 * that are not yet are noted by `check-condition-support.ts`.
 * Codes: TAL1101.
 */
import type { AgentItem, Rule } from "../../lower/ast.js";
import type { Span } from "../../source/source.js";
import type { MergedAgent } from "../agents.js";
import type { CheckContext, CheckRule } from "../context.js";

interface Feature {
  readonly feature: string;
  readonly detail: string;
  /** The span of the first item that uses the feature, or undefined. */
  find(agent: MergedAgent): Span | undefined;
}

function firstItem(agent: MergedAgent, pred: (item: AgentItem) => boolean): Span | undefined {
  return agent.items.find((i) => pred(i.node))?.node.span;
}

function firstRule(agent: MergedAgent, pred: (rule: Rule) => boolean): Span | undefined {
  return agent.rules.find((r) => pred(r.node))?.node.span;
}

const item = (kind: AgentItem["kind"]) => (a: MergedAgent) => firstItem(a, (i) => i.kind === kind);
const rule = (kind: Rule["kind"]) => (a: MergedAgent) => firstRule(a, (r) => r.kind === kind);

const REQUIRE_LISTED_DETAIL = "; a call is forwarded whether or not the upstream's `tools/list` names the tool";

/** The features, in the order their notes are reported. */
const FEATURES: readonly Feature[] = [
  {
    feature: "evidence `sink`",
    detail: "; records stay in the local evidence store (export them with `talon audit export`)",
    find: (a) => firstItem(a, (i) => i.kind === "evidence" && i.sink !== undefined),
  },
  { feature: "`tls`", detail: "; the listener does not take its TLS settings from the policy", find: item("tls") },
  {
    feature: "mode `shadow`",
    detail: "; the agent is enforced as in `intercept` mode",
    find: (a) => firstItem(a, (i) => i.kind === "mode" && i.value === "shadow"),
  },
  { feature: "`catalog`", detail: "; globs are not expanded against a tool snapshot", find: item("catalog") },
  {
    feature: "`trust_annotations`",
    detail: "; tools without a declared class are treated as destructive",
    find: (a) => firstItem(a, (i) => i.kind === "flag" && i.name === "trust_annotations" && i.value),
  },
  // `require_listed` (§6, default true) would deny calls to tools the upstream's `tools/list` does
  // not name. Enforcing it needs the runtime to hold each session's upstream list and to deny (with
  // evidence) in the `tools/call` pipeline; until it does, every agent where it is in effect, by
  // default too, gets the note. `require_listed false` states what the runtime does, so no note.
  {
    feature: "`require_listed`",
    detail: REQUIRE_LISTED_DETAIL,
    find: (a) => firstItem(a, (i) => i.kind === "flag" && i.name === "require_listed" && i.value),
  },
  {
    feature: "`require_listed` (on by default)",
    detail: `${REQUIRE_LISTED_DETAIL}; write \`require_listed false\` to state that`,
    find: (a) => (a.scalars.has("require_listed") ? undefined : a.parts[0]!.decl.name.span),
  },
  {
    feature: "`realpath_check`",
    detail: "; path arguments are checked lexically, and the upstream must confine itself (§8.4)",
    find: (a) => firstItem(a, (i) => i.kind === "flag" && i.name === "realpath_check" && i.value),
  },
  { feature: "message `limits`", detail: "; the runtime's own size limits apply", find: item("limits") },
  { feature: "`allow method`", detail: "", find: item("allow_method") },
];

function note(ctx: CheckContext, span: Span, feature: string, detail: string): void {
  ctx.diags.report("TAL1101", span, { args: { feature, detail } });
}

/** The rule described at the top of this file. */
export const checkUnenforced: CheckRule = {
  name: "unenforced",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const f of FEATURES) {
        const span = f.find(agent);
        if (span) note(ctx, span, f.feature, f.detail);
      }
    }
    // Bundle-level declarations with no runtime counterpart yet. (`oidc sub` is enforced by the
    // runtime on `auth oidc` agents; team `claim` membership is not: grants by team are compiled
    // to fixed principal sets.)
    for (const [, decls] of ctx.program.teams) {
      const t = decls[0]!;
      if (t.claims.length > 0) note(ctx, t.claims[0]!.span, "claim-based team membership", "");
    }
  },
};
