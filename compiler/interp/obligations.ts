/**
 * The reference side of the agent specs the runtime enforces itself (LANGUAGE.md §7.3, §8.1,
 * §8.3): `limit`, `idempotent`, `block response` and the `when` of `redact`, read straight from
 * the IR. The emitted bundle exports the same as `CompiledAgent.limits` / `idempotency` /
 * `blocks` / `redactions[].when`; the differential tests compare the two.
 */
import type { LimitSpec, Principal, TargetsSpec, ToolClass } from "../../runtime/hooks.js";
import type { ExprIR, RuleIR, TargetsIR } from "../ir/ir.js";
import type { BundleIR } from "../ir/ir.js";
import { findAgent } from "./decide.js";
import { U, Typed, evalCond, evalExpr, type EvalEnv } from "./eval.js";

type Rule<K extends RuleIR["kind"]> = Extract<RuleIR, { kind: K }>;

/** What a spec's condition or key reads: the call, and on the response path the CallToolResult. */
export interface CallEnvRef {
  readonly principal: Principal;
  readonly args: unknown;
  readonly meta: unknown;
  readonly now: number | undefined;
  readonly tool: string;
  readonly upstream: string;
  readonly cls: ToolClass | null;
  readonly response?: unknown;
}

const LIMIT_BY = ["caller", "vendor", "team", "tool", "ip", "agent"] as const;

function targetsSpec(t: TargetsIR): TargetsSpec {
  return t.kind === "tools" ? { tools: [...t.refs] } : { classes: [...t.classes] };
}

function rulesOf<K extends RuleIR["kind"]>(ir: BundleIR, agentName: string, kind: K): Rule<K>[] {
  return findAgent(ir, agentName)
    .rules.filter((r): r is Rule<K> => r.kind === kind)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function ruleOf<K extends RuleIR["kind"]>(ir: BundleIR, agentName: string, kind: K, id: string): Rule<K> {
  const r = rulesOf(ir, agentName, kind).find((x) => x.id === id);
  if (!r) throw new Error(`no ${kind} rule ${JSON.stringify(id)} in agent ${JSON.stringify(agentName)}`);
  return r;
}

function evalEnv(ir: BundleIR, agentName: string, env: CallEnvRef): EvalEnv {
  return { ...env, agent: agentName, detectors: ir.detectors };
}

const triNum = (e: ExprIR, env: EvalEnv): 0 | 1 | 2 => {
  const t = evalCond(e, env);
  return t === "F" ? 0 : t === "T" ? 1 : 2;
};

/** The agent's `limit` rules as `LimitSpec` data, in id order. */
export function limitsRef(ir: BundleIR, agentName: string): LimitSpec[] {
  return rulesOf(ir, agentName, "limit").map((r) => ({
    id: r.id,
    rate: r.rate,
    perMs: r.perMs,
    burst: r.burst,
    by: r.by.filter((b): b is (typeof LIMIT_BY)[number] => (LIMIT_BY as readonly string[]).includes(b)),
    on: r.on === null ? null : targetsSpec(r.on),
    principal: r.principal,
  }));
}

/** The agent's `idempotent` rules as data (the key as "has a key clause"), in id order. */
export function idempotencyRef(ir: BundleIR, agentName: string): { id: string; on: TargetsSpec; windowMs: number; onDuplicate: "replay" | "reject"; hasKey: boolean }[] {
  return rulesOf(ir, agentName, "idempotent").map((r) => ({ id: r.id, on: targetsSpec(r.targets), windowMs: r.windowMs, onDuplicate: r.onDuplicate, hasKey: r.key.length > 0 }));
}

/** The key values of `idempotent` rule `id` for a call; null when one is unknown (or not JSON data). */
export function idempotencyKeyRef(ir: BundleIR, agentName: string, id: string, env: CallEnvRef): unknown[] | null {
  const r = ruleOf(ir, agentName, "idempotent", id);
  const e = evalEnv(ir, agentName, env);
  const values = r.key.map((k) => evalExpr(k, e));
  return values.some((v) => v === U || v instanceof Typed) ? null : values;
}

/** The agent's `block response` rules as data (without the condition), in id order. */
export function blocksRef(ir: BundleIR, agentName: string): { id: string; on: TargetsSpec | null; reason: string | null }[] {
  return rulesOf(ir, agentName, "block").map((r) => ({ id: r.id, on: r.on === null ? null : targetsSpec(r.on), reason: r.reason }));
}

/** The `when` of block rule `id` for a response: 0 false, 1 true, 2 unknown (the block fires unless 0). */
export function blockWhenRef(ir: BundleIR, agentName: string, id: string, env: CallEnvRef): 0 | 1 | 2 {
  return triNum(ruleOf(ir, agentName, "block", id).when, evalEnv(ir, agentName, env));
}

/** The `when`/`unless` of redact rule `id` (0/1/2), or null when it has none. */
export function redactWhenRef(ir: BundleIR, agentName: string, id: string, env: CallEnvRef): 0 | 1 | 2 | null {
  const w = ruleOf(ir, agentName, "redact", id).when;
  return w === null ? null : triNum(w, evalEnv(ir, agentName, env));
}
