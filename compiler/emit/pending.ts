/**
 * Pending decisions in the bundle (LANGUAGE.md §7.1 steps 7–8): when steps 1–4 allow a call and
 * `confirm`/`approve` rules apply, `decide` returns effect "pending" with the merged needs
 * (`ConfirmNeed`, `ApprovalNeed` in `runtime/hooks.ts`). Each such rule becomes a frozen data
 * constant (`ConfirmRule`/`ApproveRule`, with its message and its team's approvers resolved at
 * build time). Where the applicable set is static the merged decision is computed here and
 * preallocated; elsewhere the emitted `pending` helper merges the rules that applied, per call.
 * `mergePending` below and that helper follow the same steps, so both give the same decision.
 */
import type { ApprovalNeed, ConfirmNeed, Decision, ToolClass } from "../../runtime/hooks.js";
import { DEFAULT_APPROVAL_TIMEOUT_MS, decisionText } from "../ir/decision-text.js";
import type { RuleIR, TeamIR } from "../ir/ir.js";
import { Code, Name, frozenArray, frozenObject } from "./code.js";
import type { ModuleBuilder } from "./module.js";

type ConfirmIR = Extract<RuleIR, { kind: "confirm" }>;
type ApproveIR = Extract<RuleIR, { kind: "approve" }>;

/** A `confirm` rule as the bundle holds it; `via` is a channel bit set (1 elicitation, 2 token). */
export interface ConfirmData {
  readonly id: string;
  readonly text: string;
  readonly via: number;
}

/** An `approve` rule as the bundle holds it, its team's approvers resolved. */
export interface ApproveData {
  readonly id: string;
  readonly text: string;
  readonly team: string;
  readonly approvers: readonly string[];
  readonly quorum: number;
  readonly timeoutMs: number;
  readonly defer: boolean;
}

const VIA_BITS = { elicitation: 1, token: 2, elicitation_or_token: 3 } as const;
/** Channel bit set → `ConfirmNeed.via`; the empty intersection is the explicit token. */
const VIA_NAMES = ["token", "elicitation", "token", "elicitation_or_token"] as const;

export function confirmData(r: ConfirmIR): ConfirmData {
  return { id: r.id, text: decisionText.confirmRequired(r.id), via: VIA_BITS[r.via] };
}

export function approveData(r: ApproveIR, teams: readonly TeamIR[]): ApproveData {
  return {
    id: r.id,
    text: decisionText.approvalRequired(r.id, r.team),
    team: r.team,
    approvers: teams.find((t) => t.name === r.team)?.approvers ?? [],
    quorum: r.quorum,
    timeoutMs: r.timeoutMs ?? DEFAULT_APPROVAL_TIMEOUT_MS,
    defer: r.wait === "defer",
  };
}

/** Build-time merge of applicable rules (each list in id order), exactly as the emitted `pending`. */
export function mergePending(cs: readonly ConfirmData[], aps: readonly ApproveData[], upstream: string | null, cls: ToolClass, listed: boolean): Decision {
  let confirm: ConfirmNeed | null = null;
  if (cs.length > 0) {
    const via = cs.reduce((v, c) => v & c.via, 3);
    confirm = { ruleIds: cs.map((c) => c.id), via: VIA_NAMES[via]! };
  }
  let approval: ApprovalNeed | null = null;
  if (aps.length > 0) {
    approval = {
      ruleIds: aps.map((a) => a.id),
      teams: [...new Set(aps.map((a) => a.team))].sort(),
      approvers: [...new Set(aps.flatMap((a) => a.approvers))].sort(),
      quorum: Math.max(...aps.map((a) => a.quorum)),
      timeoutMs: Math.min(...aps.map((a) => a.timeoutMs)),
      wait: aps.every((a) => a.defer) ? "defer" : "hold",
    };
  }
  const ruleIds = [...cs, ...aps].map((r) => r.id).sort();
  const message = cs.length > 0 ? cs[0]!.text : aps[0]!.text;
  return { effect: "pending", reason: cs.length > 0 ? "confirm_required" : "approval_required", ruleIds, message, upstream, toolClass: cls, listed, confirm, approval };
}

const N = (s: string) => Name.of(s);

/** The hoisted `ConfirmRule` constant of a rule. */
export function confirmConst(mb: ModuleBuilder, d: ConfirmData): Name {
  return mb.hoist("CONFIRM", Code.trusted("ConfirmRule"), frozenObject([[N("id"), d.id], [N("text"), d.text], [N("via"), d.via]]));
}

/** The hoisted `ApproveRule` constant of a rule. */
export function approveConst(mb: ModuleBuilder, d: ApproveData): Name {
  return mb.hoist(
    "APPROVE",
    Code.trusted("ApproveRule"),
    frozenObject([
      [N("id"), d.id],
      [N("text"), d.text],
      [N("team"), d.team],
      [N("approvers"), frozenArray(d.approvers)],
      [N("quorum"), d.quorum],
      [N("timeoutMs"), d.timeoutMs],
      [N("defer"), d.defer],
    ]),
  );
}

/** The emitted helpers (fixed text; joined into the tree-shaken helper section of `policy.ts`). */
export const PENDING_HELPERS = `/** A \`confirm\` rule as data: id, message, accepted channels (bit 1 = elicitation, bit 2 = token). */
interface ConfirmRule {
  readonly id: string;
  readonly text: string;
  readonly via: number;
}

/** An \`approve\` rule as data, its team's approvers resolved at build time. */
interface ApproveRule {
  readonly id: string;
  readonly text: string;
  readonly team: string;
  readonly approvers: readonly string[];
  readonly quorum: number;
  readonly timeoutMs: number;
  readonly defer: boolean;
}

/** Channel bit set to \`ConfirmNeed.via\`: an empty intersection falls back to the hash-bound token. */
const VIA_NAMES: readonly ConfirmNeed["via"][] = Object.freeze(["token", "elicitation", "token", "elicitation_or_token"] as const);

/**
 * Steps 7-8 for the runtime: the applicable confirm and approve rules (each list in id order,
 * at least one non-empty) merged into a pending decision. via = intersection, teams/approvers =
 * sorted unions, quorum = max, timeout = min, wait = defer only when every rule defers.
 */
function pending(cs: readonly ConfirmRule[], aps: readonly ApproveRule[], upstream: string | null, cls: ToolClass, listed: boolean): Decision {
  const ruleIds: string[] = [];
  let confirm: ConfirmNeed | null = null;
  if (cs.length > 0) {
    let via = 3;
    const ids: string[] = [];
    for (const c of cs) {
      via &= c.via;
      ids.push(c.id);
      ruleIds.push(c.id);
    }
    confirm = Object.freeze({ ruleIds: Object.freeze(ids), via: VIA_NAMES[via]! });
  }
  let approval: ApprovalNeed | null = null;
  if (aps.length > 0) {
    const ids: string[] = [];
    const teams: string[] = [];
    const approvers: string[] = [];
    let quorum = aps[0]!.quorum;
    let timeoutMs = aps[0]!.timeoutMs;
    let defer = true;
    for (const a of aps) {
      ids.push(a.id);
      ruleIds.push(a.id);
      if (!teams.includes(a.team)) teams.push(a.team);
      for (const x of a.approvers) if (!approvers.includes(x)) approvers.push(x);
      if (a.quorum > quorum) quorum = a.quorum;
      if (a.timeoutMs < timeoutMs) timeoutMs = a.timeoutMs;
      if (!a.defer) defer = false;
    }
    approval = Object.freeze({ ruleIds: Object.freeze(ids), teams: Object.freeze(teams.sort()), approvers: Object.freeze(approvers.sort()), quorum, timeoutMs, wait: defer ? "defer" : "hold" });
  }
  const confirming = cs.length > 0;
  return Object.freeze({
    effect: "pending",
    reason: confirming ? "confirm_required" : "approval_required",
    ruleIds: Object.freeze(ruleIds.sort()),
    message: confirming ? cs[0]!.text : aps[0]!.text,
    upstream,
    toolClass: cls,
    listed,
    confirm,
    approval,
  });
}`;
