/**
 * `talonc explain`: one `tools/call` decision, decided by the reference interpreter
 * (compiler/interp), with what led to it — the resolved tool, the determining rules with their
 * position and source line, every rule that targets the call with its condition's tri-state value
 * and, for unknown, the first unknown (§5), and the confirm/approval obligations of a pending
 * decision. Pure: the caller prints it as text or JSON.
 */
import type { Decision, Principal } from "../../runtime/hooks.js";
import { evalCond, type EvalEnv, type Tri } from "../interp/eval.js";
import { decideRef, resolveToolRef, targetsHit } from "../interp/decide.js";
import { globMatchRef } from "../interp/glob.js";
import type { AgentIR, BundleIR, RuleIR, TargetsIR } from "../ir/ir.js";
import { rootsSpecOf } from "../ir/roots-spec.js";
import { checkPaths } from "../../runtime/roots/check.js";
import { printExpr, printRule } from "../ir/print.js";
import type { Source } from "../source/source.js";
import { firstUnknown } from "./first-unknown.js";

/** What `explain` is asked. */
export interface ExplainCall {
  readonly agent: string;
  readonly tool: string;
  /** A declared principal id, or "anonymous". */
  readonly as: string;
  readonly args: unknown;
  readonly meta: unknown;
  /** ms since the epoch. */
  readonly now: number;
}

/** A rule as shown: id, kind, where, and its source line. */
export interface RuleRef {
  readonly id: string;
  readonly kind: RuleIR["kind"];
  readonly at: string;
  readonly source: string;
}

/** A condition of a rule that targets the call. */
export interface ConditionTrace extends RuleRef {
  readonly condition: string;
  readonly value: "true" | "false" | "unknown";
  /** For unknown: the first unknown sub-expression (usually a path). */
  readonly firstUnknown: string | null;
}

export interface Explanation {
  readonly call: ExplainCall;
  readonly principal: Principal;
  readonly tool: { readonly upstream: string; readonly class: string; readonly at: string | null } | null;
  readonly decision: Decision;
  readonly determining: readonly RuleRef[];
  readonly conditions: readonly ConditionTrace[];
}

/** A bad request (unknown agent or principal); the message says which. */
export class ExplainError extends Error {
  override readonly name = "ExplainError";
}

/** The runtime principal of a declared id (index into the IR's principals, teams incl. `members`). */
export function principalFromIr(ir: BundleIR, id: string): Principal | undefined {
  if (id === "anonymous") return { id, kind: "anonymous", index: -1, teams: [] };
  const index = ir.principals.findIndex((p) => p.id === id);
  if (index < 0) return undefined;
  const p = ir.principals[index]!;
  const teams = new Set(p.teams);
  for (const t of ir.teams) if (t.members.includes(p.id)) teams.add(t.name);
  return { id: p.id, kind: p.kind, index, teams: [...teams].sort() };
}

/** The source line a `file:line:col` points at, trimmed (empty when unknown). */
function sourceLine(at: string, sources: ReadonlyMap<string, Source>): string {
  const m = /^(.*):(\d+):(\d+)$/.exec(at);
  if (!m) return "";
  const text = sources.get(m[1]!)?.text;
  if (text === undefined) return "";
  return (text.split("\n")[Number(m[2]) - 1] ?? "").trim();
}

function targetsOf(r: RuleIR): TargetsIR | null {
  switch (r.kind) {
    case "forbid":
    case "approve":
    case "confirm":
    case "idempotent":
      return r.targets;
    case "limit":
    case "redact":
    case "block":
      return r.on;
    case "grant":
      return null;
  }
}

/** Does the rule concern this call at all? */
function concerns(r: RuleIR, tool: string, upstream: string, cls: EvalEnv["cls"]): boolean {
  if (r.kind === "grant") return r.on.some((ref) => globMatchRef(ref, tool));
  const t = targetsOf(r);
  return t === null || targetsHit(t, tool, upstream, cls);
}

const TRI: Record<Tri, ConditionTrace["value"]> = { T: "true", F: "false", U: "unknown" };

/** Explain one call. Throws `ExplainError` for an unknown agent or principal. */
export function explain(ir: BundleIR, call: ExplainCall, sources: ReadonlyMap<string, Source>): Explanation {
  const agent: AgentIR | undefined = ir.agents.find((a) => a.name === call.agent);
  if (!agent) throw new ExplainError(`no agent ${JSON.stringify(call.agent)} in the bundle (agents: ${ir.agents.map((a) => a.name).join(", ") || "none"})`);
  const principal = principalFromIr(ir, call.as);
  if (!principal) throw new ExplainError(`no principal ${JSON.stringify(call.as)} in the bundle (principals: ${ir.principals.map((p) => p.id).join(", ") || "none"}, or anonymous)`);
  let decision = decideRef(ir, agent.name, call.tool, principal, call.args, { meta: call.meta, now: call.now });
  // Virtual roots (§8.4): the runtime's path checks deny like a forbid, right after decide.
  const roots = rootsSpecOf(agent);
  if (roots !== null && decision.effect !== "deny") {
    const pc = checkPaths(roots, call.tool, decision.toolClass, call.args);
    if (!pc.ok) decision = { ...decision, effect: "deny", reason: pc.reason, ruleIds: [], message: pc.message, upstream: null, confirm: null, approval: null };
  }
  const resolved = resolveToolRef(agent, call.tool);
  const upstream = resolved?.upstream ?? call.tool;
  const cls = resolved?.cls ?? null;
  const exposure = agent.tools.find((t) => !t.glob && t.name === call.tool) ?? agent.tools.find((t) => t.glob && globMatchRef(t.name, call.tool));
  const env: EvalEnv = { args: call.args, meta: call.meta, now: call.now, principal, tool: call.tool, upstream, cls, agent: agent.name, detectors: ir.detectors };
  const ref = (r: RuleIR): RuleRef => ({ id: r.id, kind: r.kind, at: r.at, source: sourceLine(r.at, sources) || printRule(r) });
  const conditions: ConditionTrace[] = [];
  for (const r of agent.rules) {
    if (!concerns(r, call.tool, upstream, cls)) continue;
    const when = "when" in r ? r.when : null;
    if (when === null) continue;
    const t = evalCond(when, env);
    conditions.push({ ...ref(r), condition: printExpr(when), value: TRI[t], firstUnknown: t === "U" ? (firstUnknown(when, env) ?? printExpr(when)) : null });
  }
  const byId = new Map(agent.rules.map((r) => [r.id, r]));
  const determining = decision.ruleIds.map((id) => byId.get(id)).filter((r): r is RuleIR => r !== undefined).map(ref);
  return {
    call,
    principal,
    tool: resolved ? { upstream, class: resolved.cls, at: exposure?.at ?? null } : null,
    decision,
    determining,
    conditions,
  };
}

const ms = (n: number) => (n % 3_600_000 === 0 ? `${n / 3_600_000}h` : n % 60_000 === 0 ? `${n / 60_000}m` : n % 1000 === 0 ? `${n / 1000}s` : `${n}ms`);

/** The explanation as text. */
export function explanationText(x: Explanation): string {
  const c = x.call;
  const p = x.principal;
  const lines: string[] = [];
  lines.push(`call ${JSON.stringify(c.tool)} on agent ${JSON.stringify(c.agent)} as ${p.kind} ${JSON.stringify(p.id)}${p.teams.length ? ` (teams ${p.teams.join(", ")})` : ""} at ${new Date(c.now).toISOString()}`);
  lines.push(x.tool ? `tool: upstream ${JSON.stringify(x.tool.upstream)}, class ${x.tool.class}${x.tool.at ? ` (exposed at ${x.tool.at})` : ""}` : "tool: not exposed by this agent");
  const d = x.decision;
  lines.push(`decision: ${d.effect} (${d.reason})`);
  lines.push(`  message: ${d.message}`);
  if (x.determining.length > 0) {
    lines.push("determining:");
    for (const r of x.determining) lines.push(`  ${r.id}  ${r.at}  ${r.source}`);
  } else lines.push(`determining: ${d.reason.startsWith("default:") ? d.reason : "none"}`);
  if (x.conditions.length > 0) {
    lines.push("conditions:");
    for (const t of x.conditions) {
      // `redact`/`block` conditions run again on the response path, where `result`/`response` are known.
      const later = t.kind === "redact" || t.kind === "block" ? "; evaluated again on the response" : "";
      lines.push(`  ${t.id} (${t.kind}) ${t.at}: ${t.condition} = ${t.value}${t.firstUnknown !== null ? ` (first unknown: ${t.firstUnknown})` : ""}${later}`);
    }
  }
  if (d.confirm || d.approval) {
    lines.push("obligations:");
    if (d.confirm) lines.push(`  confirm (step 7): rules ${d.confirm.ruleIds.join(", ")} via ${d.confirm.via}`);
    if (d.approval) {
      const a = d.approval;
      lines.push(`  approval (step 8): rules ${a.ruleIds.join(", ")} by team ${a.teams.join(", ")}; approvers ${a.approvers.join(", ") || "none"}; quorum ${a.quorum}; timeout ${ms(a.timeoutMs)}; ${a.wait}`);
    }
  }
  return lines.join("\n") + "\n";
}
