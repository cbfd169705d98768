/**
 * The reference interpreter for `tools/call` decisions (LANGUAGE.md §7.1, steps 1–4, and the
 * `confirm`/`approve` rules of steps 7–8 as a "pending" decision), conditions evaluated by `eval.ts`. It reads the IR directly and
 * follows the steps one by one, in the most obvious way: it is the oracle the emitted bundle is
 * tested against, and the engine behind `talonc explain`. Speed does not matter here.
 */
import type { ApprovalNeed, ConfirmNeed, DecideContext, Decision, DecisionReason, Principal } from "../../runtime/hooks.js";
import { CLASS_RANK, DEFAULT_APPROVAL_TIMEOUT_MS, decisionText } from "../ir/decision-text.js";
import type { AgentIR, BundleIR, ExprIR, PrincipalIR, RuleIR, TargetsIR, ToolClass } from "../ir/ir.js";
import { evalCond, type EvalEnv } from "./eval.js";
import { globMatchIgnoreCaseRef, globMatchRef, validToolNameRef } from "./glob.js";

type Rule<K extends RuleIR["kind"]> = Extract<RuleIR, { kind: K }>;

/** The exposure a client name resolves to: upstream name (null = same) and effective class. */
export interface ResolvedTool {
  readonly upstream: string | null;
  readonly cls: ToolClass;
}

export function findAgent(ir: BundleIR, name: string): AgentIR {
  const agent = ir.agents.find((a) => a.name === name);
  if (!agent) throw new Error(`no agent named ${JSON.stringify(name)} in the bundle`);
  return agent;
}

/** §3: an exact exposure beats a glob; among globs the most restrictive class wins; no class = destructive. */
export function resolveToolRef(agent: AgentIR, tool: string): ResolvedTool | undefined {
  const exact = agent.tools.find((t) => !t.glob && t.name === tool);
  if (exact) return { upstream: exact.upstream, cls: exact.class ?? "destructive" };
  let best: ToolClass | undefined;
  for (const t of agent.tools) {
    if (!t.glob || !globMatchRef(t.name, tool)) continue;
    const cls = t.class ?? "destructive";
    if (best === undefined || CLASS_RANK[cls] > CLASS_RANK[best]) best = cls;
  }
  return best === undefined ? undefined : { upstream: null, cls: best };
}

/** The declared principal behind a runtime principal, by index; undefined = anonymous. */
function principalOf(ir: BundleIR, p: Principal): PrincipalIR | undefined {
  return Number.isInteger(p.index) && p.index >= 0 && p.index < ir.principals.length ? ir.principals[p.index] : undefined;
}

/** Team names of a declared principal: its own `teams` plus teams whose `members` name it. */
function teamsOf(ir: BundleIR, p: PrincipalIR | undefined): Set<string> {
  const teams = new Set<string>();
  if (!p) return teams;
  for (const t of p.teams) teams.add(t);
  for (const t of ir.teams) if (t.members.includes(p.id)) teams.add(t.name);
  return teams;
}

/** Do forbid/confirm/approve targets hit this call? Tool refs ignore ASCII case and see both names. */
export function targetsHit(t: TargetsIR, tool: string, upstream: string, cls: ToolClass | null): boolean {
  if (t.kind === "classes") return cls !== null && t.classes.includes(cls);
  return t.refs.some((ref) => globMatchIgnoreCaseRef(ref, tool) || globMatchIgnoreCaseRef(ref, upstream));
}

function decision(
  effect: "allow" | "deny",
  reason: DecisionReason,
  ruleIds: readonly string[],
  message: string,
  upstream: string | null,
  toolClass: ToolClass | null,
  listed: boolean,
): Decision {
  return { effect, reason, ruleIds, message, upstream, toolClass, listed, confirm: null, approval: null };
}

/** Sorted, deduplicated. */
const sortedSet = (xs: Iterable<string>) => [...new Set(xs)].sort();

/**
 * Steps 7–8 left to the runtime: the merged `confirm`/`approve` rules that apply to an allowed
 * call, as the `ConfirmNeed`/`ApprovalNeed` doc comments in `runtime/hooks.ts` define them.
 */
function pendingDecision(ir: BundleIR, confirms: readonly Rule<"confirm">[], approves: readonly Rule<"approve">[], upstream: string | null, cls: ToolClass, listed: boolean): Decision {
  let confirm: ConfirmNeed | null = null;
  if (confirms.length > 0) {
    // Channels as sets; the need is their intersection, and an empty one falls back to the token.
    const channels = (v: Rule<"confirm">["via"]) => (v === "elicitation_or_token" ? ["elicitation", "token"] : [v]);
    let common = channels("elicitation_or_token");
    for (const c of confirms) common = common.filter((ch) => channels(c.via).includes(ch));
    const via = common.length === 2 ? "elicitation_or_token" : common.length === 1 ? (common[0] as "elicitation" | "token") : "token";
    confirm = { ruleIds: sortedSet(confirms.map((c) => c.id)), via };
  }
  let approval: ApprovalNeed | null = null;
  if (approves.length > 0) {
    const teams = sortedSet(approves.map((a) => a.team));
    approval = {
      ruleIds: sortedSet(approves.map((a) => a.id)),
      teams,
      approvers: sortedSet(ir.teams.filter((t) => teams.includes(t.name)).flatMap((t) => t.approvers)),
      quorum: Math.max(...approves.map((a) => a.quorum)),
      timeoutMs: Math.min(...approves.map((a) => a.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS)),
      wait: approves.every((a) => a.wait === "defer") ? "defer" : "hold",
    };
  }
  const ruleIds = sortedSet([...confirms, ...approves].map((r) => r.id));
  let message: string;
  let reason: DecisionReason;
  if (confirm !== null) {
    reason = "confirm_required";
    message = decisionText.confirmRequired(confirm.ruleIds[0]!);
  } else {
    reason = "approval_required";
    const first = approves.find((a) => a.id === approval!.ruleIds[0])!;
    message = decisionText.approvalRequired(first.id, first.team);
  }
  return { effect: "pending", reason, ruleIds, message, upstream, toolClass: cls, listed, confirm, approval };
}

const sortIds = (rules: readonly { id: string }[]) => rules.map((r) => r.id).sort();

/** Decide a `tools/call` of client tool name `tool` by `principal` on agent `agentName`. */
export function decideRef(ir: BundleIR, agentName: string, tool: string, principal: Principal, args: unknown, ctx?: DecideContext): Decision {
  const agent = findAgent(ir, agentName);

  // Step 1: frame. The name must be in the MCP alphabet before any rule looks at it.
  if (!validToolNameRef(tool)) return decision("deny", "invalid_tool_name", [], decisionText.invalidToolName(), null, null, false);
  const resolved = resolveToolRef(agent, tool);
  const upstream = resolved?.upstream ?? tool;
  const cls = resolved?.cls ?? null;
  const env: EvalEnv = { args, meta: ctx?.meta, now: ctx?.now, principal, tool, upstream, cls, agent: agent.name, detectors: ir.detectors };
  /** Rule boundary (§5): U fires forbid, approve and confirm … */
  const fires = (when: ExprIR | null) => when === null || evalCond(when, env) !== "F";
  /** … and never grants. */
  const grantsNow = (when: ExprIR | null) => when === null || evalCond(when, env) === "T";

  // Who is calling: a declared principal (by index) or anonymous.
  const me = principalOf(ir, principal);
  const myTeams = teamsOf(ir, me);
  const inBoundary = me === undefined || me.tools === null || me.tools.some((ref) => globMatchRef(ref, tool));
  const grantsMe = (g: Rule<"grant">) =>
    g.who.kind === "anyone" ||
    (g.who.kind === "team" && myTeams.has(g.who.team)) ||
    (g.who.kind === "principal" && me !== undefined && me.kind === g.who.principalKind && me.id === g.who.id);
  // Grants to me, on this name, covering the class; `listing` are the unconditional ones (§7.3 is
  // args-independent, and an unknown condition never grants), `grants` those that hold for this call.
  const covering = agent.rules.filter(
    (r): r is Rule<"grant"> =>
      r.kind === "grant" &&
      grantsMe(r) &&
      r.on.some((ref) => globMatchRef(ref, tool)) &&
      cls !== null &&
      (r.access.includes("all") || r.access.includes(cls)),
  );
  const listing = covering.filter((g) => g.when === null);

  // Step 2: forbid. A condition that is not F fires.
  const forbids = agent.rules.filter((r): r is Rule<"forbid"> => r.kind === "forbid" && targetsHit(r.targets, tool, upstream, cls));
  const unconditionallyForbidden = forbids.some((f) => f.when === null);
  // §7.3: listed = exposed ∧ not unconditionally forbidden ∧ inside the boundary ∧ some unconditional grant covers it.
  const listed = resolved !== undefined && !unconditionallyForbidden && inBoundary && listing.length > 0;
  const firing = forbids.filter((f) => fires(f.when));
  if (firing.length > 0) {
    const ids = sortIds(firing);
    const first = firing.find((f) => f.id === ids[0])!;
    return decision("deny", "forbid", ids, decisionText.forbid(tool, first.id, first.reason), null, cls, listed);
  }
  const grants = covering.filter((g) => grantsNow(g.when));


  // Step 3: default deny, in order.
  if (!resolved) return decision("deny", "default:not_exposed", [], decisionText.notExposed(agent.name), null, null, false);
  if (!inBoundary) return decision("deny", "default:outside_boundary", [], decisionText.outsideBoundary(), null, resolved.cls, false);
  if (grants.length === 0) return decision("deny", "default:no_grant", [], decisionText.noGrant(resolved.cls), null, resolved.cls, false);

  // Step 4: posture. Under read_only, a class above read needs a grant naming write, destructive or all.
  if (agent.posture === "read_only" && resolved.cls !== "read" && !grants.some((g) => g.access.some((a) => a !== "read"))) {
    return decision("deny", "posture", [], decisionText.posture(resolved.cls), null, resolved.cls, listed);
  }

  // Steps 7–8 are the runtime's: applicable `confirm`/`approve` rules (condition T or U) make the
  // decision "pending", carrying what the runtime must collect before it forwards.
  const confirms = agent.rules.filter((r): r is Rule<"confirm"> => r.kind === "confirm" && targetsHit(r.targets, tool, upstream, cls) && fires(r.when));
  const approves = agent.rules.filter((r): r is Rule<"approve"> => r.kind === "approve" && targetsHit(r.targets, tool, upstream, cls) && fires(r.when));
  if (confirms.length > 0 || approves.length > 0) return pendingDecision(ir, confirms, approves, resolved.upstream, resolved.cls, listed);

  const ids = sortIds(grants);
  return decision("allow", "allow", ids, decisionText.allow(ids), resolved.upstream, resolved.cls, listed);
}

/** The upstream tool a client name is forwarded under: the rename of an exact exposure, else the name. */
export function upstreamNameRef(ir: BundleIR, agentName: string, tool: string): string {
  const exact = findAgent(ir, agentName).tools.find((t) => !t.glob && t.name === tool);
  return exact?.upstream ?? tool;
}

/** The client name an upstream tool is listed under, or null when the policy does not expose it. */
export function clientNameRef(ir: BundleIR, agentName: string, upstreamName: string): string | null {
  const agent = findAgent(ir, agentName);
  const renamed = agent.tools.find((t) => !t.glob && (t.upstream ?? t.name) === upstreamName);
  if (renamed) return renamed.name;
  // An exact client name that is renamed to something else shadows the upstream tool of that name.
  if (agent.tools.some((t) => !t.glob && t.name === upstreamName)) return null;
  if (!validToolNameRef(upstreamName)) return null;
  return agent.tools.some((t) => t.glob && globMatchRef(t.name, upstreamName)) ? upstreamName : null;
}
