/**
 * Build-time analysis for one agent: which names get their own `switch` case, the rule slice of
 * each, and the decision every principal slot gets for it. A slot is a principal index, plus one
 * extra slot (`principals.length`) for anonymous or unknown principals. Everything about an exact
 * name is known at build time, so its per-slot decisions are computed here and emitted as frozen
 * constants; only names that reach the default branch are matched against globs at run time.
 */
import type { Decision } from "../../runtime/hooks.js";
import { CLASS_RANK, decisionText } from "../ir/decision-text.js";
import type { AgentIR, BundleIR, PrincipalIR, RuleIR, TargetsIR, TeamIR, ToolClass } from "../ir/ir.js";
import { isGlob, refMatches, refMatchesIgnoreCase } from "../ir/tool-names.js";
import { approveData, confirmData, mergePending } from "./pending.js";

/** The IR rule of one kind. */
export type RuleOf<K extends RuleIR["kind"]> = Extract<RuleIR, { kind: K }>;

/** Who sits in a slot. */
export interface Slot {
  readonly index: number;
  /** The declared principal; undefined for the anonymous slot. */
  readonly principal: PrincipalIR | undefined;
  readonly teams: ReadonlySet<string>;
}

/** One `case "<name>":` of an agent's switch. */
export interface ExactCase {
  readonly name: string;
  /** Where the name comes from (the exposure, else the forbid naming it). */
  readonly at: string;
  /** Ids of the rules in this name's slice, sorted. */
  readonly ruleIds: readonly string[];
  /** The decision per slot (length = slots); for a `dynamic` case, the decision for all-F conditions is not meaningful and unused. */
  readonly decisions: readonly Decision[];
  /** Some rule of the slice has a condition: the case is decided at run time from `dynamic`. */
  readonly dynamic: DynamicCase | undefined;
}

/** What a case with conditional rules is decided from at run time (§7.1 with conditions). */
export interface DynamicCase {
  readonly cls: ToolClass | null;
  /** Upstream name of an allowed call (null = same as the client name). */
  readonly upstream: string | null;
  /** The upstream name conditions see as `tool.upstream`. */
  readonly toolUpstream: string;
  /** Matching rules of the slice, by id. */
  readonly forbids: readonly RuleOf<"forbid">[];
  readonly grants: readonly RuleOf<"grant">[];
  readonly confirms: readonly RuleOf<"confirm">[];
  readonly approves: readonly RuleOf<"approve">[];
  /** Per slot: `listed` (args-independent, §7.3). */
  readonly listed: readonly boolean[];
  /** Per slot: the decision after forbids when it needs no condition (not exposed, outside the boundary, no grant at all), else null. */
  readonly pre: readonly (Decision | null)[];
}

/** Everything the code for one agent is generated from. */
export interface AgentPlan {
  readonly agent: AgentIR;
  readonly slots: readonly Slot[];
  readonly cases: readonly ExactCase[];
  /** Rules by kind, sorted by id (so ids collected in this order come out sorted). */
  readonly forbids: readonly RuleOf<"forbid">[];
  /** All grants, conditional ones included (a condition must be T to grant). */
  readonly grants: readonly RuleOf<"grant">[];
  readonly confirms: readonly RuleOf<"confirm">[];
  readonly approves: readonly RuleOf<"approve">[];
  /** Some forbid, grant, confirm or approve has a condition (the decide functions then read args). */
  readonly conditional: boolean;
  /** The bundle's teams (approvers of `approve` rules). */
  readonly teams: readonly TeamIR[];
}

const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/** Slots of a bundle: one per declared principal (in IR order = index order), then anonymous. */
export function slotsOf(ir: BundleIR): Slot[] {
  const slots: Slot[] = ir.principals.map((p, index) => {
    const teams = new Set(p.teams);
    for (const t of ir.teams) if (t.members.includes(p.id)) teams.add(t.name);
    return { index, principal: p, teams };
  });
  slots.push({ index: ir.principals.length, principal: undefined, teams: new Set() });
  return slots;
}

/** Does a grant's `who` include the slot? (`anyone` includes anonymous.) */
export function grantIncludes(g: RuleOf<"grant">, s: Slot): boolean {
  const w = g.who;
  if (w.kind === "anyone") return true;
  if (w.kind === "team") return s.teams.has(w.team);
  return s.principal !== undefined && s.principal.kind === w.principalKind && s.principal.id === w.id;
}

/** Does a grant's access cover a class? (`all` covers all; a class covers only itself.) */
export function accessCovers(g: RuleOf<"grant">, cls: ToolClass): boolean {
  return g.access.includes("all") || g.access.includes(cls);
}

/** Is a name inside the slot's boundary (case-sensitive; no boundary = unbounded)? */
export function inBoundary(s: Slot, name: string): boolean {
  const tools = s.principal?.tools;
  return tools === undefined || tools === null || tools.some((ref) => refMatches(ref, name));
}

/** Targets of forbid/confirm/approve: tool refs ignore ASCII case and see client and upstream names. */
export function targetsHit(t: TargetsIR, name: string, upstream: string, cls: ToolClass | null): boolean {
  if (t.kind === "classes") return cls !== null && t.classes.includes(cls);
  return t.refs.some((r) => refMatchesIgnoreCase(r, name) || refMatchesIgnoreCase(r, upstream));
}

/** The decision of an exact name for one slot. */
function decideExact(plan: Omit<AgentPlan, "cases">, name: string, slot: Slot): { decision: Decision; slice: string[]; dynamic: boolean; listed: boolean; pre: Decision | null; cls: ToolClass | null; upstream: string; exactUpstream: string | null; rules: { forbids: RuleOf<"forbid">[]; grants: RuleOf<"grant">[]; confirms: RuleOf<"confirm">[]; approves: RuleOf<"approve">[] } } {
  const { agent } = plan;
  const exact = agent.tools.find((t) => !t.glob && t.name === name);
  let cls: ToolClass | null = exact ? (exact.class ?? "destructive") : null;
  if (!exact) {
    for (const t of agent.tools) {
      if (!t.glob || !refMatches(t.name, name)) continue;
      const c = t.class ?? "destructive";
      if (cls === null || CLASS_RANK[c] > CLASS_RANK[cls]) cls = c;
    }
  }
  const upstream = exact?.upstream ?? name;
  const forbids = plan.forbids.filter((f) => targetsHit(f.targets, name, upstream, cls));
  const grantsOn = plan.grants.filter((g) => g.on.some((r) => refMatches(r, name)) && cls !== null && accessCovers(g, cls));
  const confirms = plan.confirms.filter((c) => targetsHit(c.targets, name, upstream, cls));
  const approves = plan.approves.filter((a) => targetsHit(a.targets, name, upstream, cls));
  const slice = [...forbids, ...grantsOn, ...confirms, ...approves].map((r) => r.id);

  const dynamic = [...forbids, ...grantsOn, ...confirms, ...approves].some((r) => r.when !== null);
  // Static decisions use unconditional grants only; listing too (§7.3: args-independent).
  const mineAll = grantsOn.filter((g) => grantIncludes(g, slot));
  const mine = mineAll.filter((g) => g.when === null);
  const boundary = inBoundary(slot, name);
  const listed = cls !== null && !forbids.some((f) => f.when === null) && boundary && mine.length > 0;
  const d = (reason: Decision["reason"], ids: readonly string[], message: string, toolClass: ToolClass | null, lst: boolean, effect: Decision["effect"] = "deny", up: string | null = null) =>
    ({ effect, reason, ruleIds: ids, message, upstream: up, toolClass, listed: lst, confirm: null, approval: null }) satisfies Decision;

  let decision: Decision;
  if (forbids.length > 0) decision = d("forbid", forbids.map((f) => f.id), decisionText.forbid(name, forbids[0]!.id, forbids[0]!.reason), cls, listed);
  else if (cls === null) decision = d("default:not_exposed", [], decisionText.notExposed(agent.name), null, false);
  else if (!boundary) decision = d("default:outside_boundary", [], decisionText.outsideBoundary(), cls, false);
  else if (mine.length === 0) decision = d("default:no_grant", [], decisionText.noGrant(cls), cls, false);
  else if (agent.posture === "read_only" && cls !== "read" && !mine.some((g) => g.access.some((a) => a !== "read"))) {
    decision = d("posture", [], decisionText.posture(cls), cls, listed);
  } else if (confirms.length > 0 || approves.length > 0) {
    // Static slice: every confirm/approve here is unconditional, so all of them apply.
    decision = mergePending(confirms.map(confirmData), approves.map((a) => approveData(a, plan.teams)), exact?.upstream ?? null, cls, listed);
  } else {
    const ids = mine.map((g) => g.id);
    decision = d("allow", ids, decisionText.allow(ids), cls, listed, "allow", exact?.upstream ?? null);
  }
  let pre: Decision | null = null;
  if (cls === null) pre = d("default:not_exposed", [], decisionText.notExposed(agent.name), null, false);
  else if (!boundary) pre = d("default:outside_boundary", [], decisionText.outsideBoundary(), cls, false);
  else if (mineAll.length === 0) pre = d("default:no_grant", [], decisionText.noGrant(cls), cls, false);
  return {
    decision,
    slice: [...new Set(slice)].sort(),
    dynamic,
    listed,
    pre,
    cls,
    upstream,
    exactUpstream: exact?.upstream ?? null,
    rules: { forbids, grants: grantsOn, confirms, approves },
  };
}

/** Plan an agent: rules by kind, the exact names and their per-slot decisions. */
export function planAgent(agent: AgentIR, slots: readonly Slot[], teams: readonly TeamIR[]): AgentPlan {
  const rules = <K extends RuleIR["kind"]>(k: K) => agent.rules.filter((r): r is RuleOf<K> => r.kind === k).sort(byId);
  const base = {
    agent,
    slots,
    forbids: rules("forbid"),
    grants: rules("grant"),
    confirms: rules("confirm"),
    approves: rules("approve"),
    teams,
    conditional: agent.rules.some((r) => (r.kind === "forbid" || r.kind === "grant" || r.kind === "confirm" || r.kind === "approve") && r.when !== null),
  };
  // The switch covers every exact exposure (required: the default branch only knows globs) and
  // every name a forbid writes out exactly (their exact-case calls then need no run-time matching).
  const at = new Map<string, string>();
  for (const t of agent.tools) if (!t.glob && !at.has(t.name)) at.set(t.name, t.at);
  for (const f of base.forbids) {
    if (f.targets.kind !== "tools") continue;
    for (const r of f.targets.refs) if (!isGlob(r) && !at.has(r)) at.set(r, f.at);
  }
  const cases = [...at.keys()].sort().map((name) => {
    const per = slots.map((s) => decideExact(base, name, s));
    const first = per[0]!;
    const dynamic: DynamicCase | undefined = first.dynamic
      ? {
          cls: first.cls,
          upstream: first.exactUpstream,
          toolUpstream: first.upstream,
          ...first.rules,
          listed: per.map((p) => p.listed),
          pre: per.map((p) => p.pre),
        }
      : undefined;
    return { name, at: at.get(name)!, ruleIds: first.slice, decisions: per.map((p) => p.decision), dynamic };
  });
  return { ...base, cases };
}
