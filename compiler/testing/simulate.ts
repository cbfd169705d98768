/**
 * One `call` of a test, through the steps the runtime takes (runtime/pipeline.ts), in process and
 * with the runtime's own modules: the generated `decide` (steps 1–4) → virtual-root path checks
 * (runtime/roots/, §8.4) → rate limits (5,
 * runtime/govern/limits.ts + runtime/state/buckets.ts) → idempotency (6,
 * runtime/govern/idempotency-key.ts) → argument redaction → confirm (7; `confirmed` satisfies it)
 * → approval (8; `approved` satisfies it) → the upstream stub from `returns` → `block response`
 * rules (runtime/govern/blocks.ts) → result redaction (runtime/redact/plan.ts). The outcome keeps
 * what expectations read: the verdict, the determining rule ids, redacted args/result/response and
 * the redaction report.
 */
import type { CompiledAgent, Decision, Principal } from "../../runtime/hooks.js";
import { firingBlocks } from "../../runtime/govern/blocks.js";
import type { CallFacts } from "../../runtime/govern/facts.js";
import { idempotencyKey } from "../../runtime/govern/idempotency-key.js";
import { bucketRequests } from "../../runtime/govern/limits.js";
import { forCall, redactArgs, redactError, redactResult, toolRedaction, type RedactionEntry } from "../../runtime/redact/plan.js";
import { checkPaths, rewriteArgs, type ArgRewrite } from "../../runtime/roots/check.js";
import { toVirtual } from "../../runtime/roots/rewrite-back.js";
import { TEST_REDACTION_KEY, type TestState } from "./test-state.js";

/** What a test's `call` (with its `confirmed`/`approved`/`returns`) asks for. */
export interface CallSpec {
  readonly tool: string;
  readonly principal: Principal;
  readonly args: unknown;
  readonly meta: unknown;
  readonly confirmed: boolean;
  readonly approved: boolean;
  readonly returns: { readonly form: "object" | "error" | "text"; readonly value: unknown } | null;
}

export type OutcomeKind = "allow" | "deny" | "confirm" | "approval" | "rate_limited" | "duplicate" | "blocked";

/** How a call ended, and what it left for expectations. */
export interface CallOutcome {
  readonly kind: OutcomeKind;
  /** The decision reason, or the runtime's (rate_limited, duplicate, blocked, idempotency_*). */
  readonly reason: string;
  /** Determining rule ids of the outcome. */
  readonly ruleIds: readonly string[];
  /** Rule ids that took part without being the outcome (satisfied confirm/approve, redactions): coverage counts them. */
  readonly alsoDetermining: readonly string[];
  /** Teams of the applicable `approve` rules (satisfied or not). */
  readonly teams: readonly string[];
  readonly decision: Decision | null;
  /** Arguments as forwarded (after redaction). */
  readonly args: unknown;
  /** The CallToolResult as the client gets it (after redaction); undefined when none. */
  readonly response: unknown;
  /** The JSON-RPC error from the upstream stub (after redaction), if any. */
  readonly error: unknown;
  readonly report: readonly RedactionEntry[];
}

function outcome(kind: OutcomeKind, reason: string, ruleIds: readonly string[], d: Decision | null, rest: Partial<CallOutcome> = {}): CallOutcome {
  return {
    kind,
    reason,
    ruleIds,
    alsoDetermining: rest.alsoDetermining ?? [],
    teams: d?.approval?.teams ?? [],
    decision: d,
    args: rest.args,
    response: rest.response,
    error: rest.error,
    report: rest.report ?? [],
  };
}

/** The upstream stub (§11): an object is structuredContent plus its mirrored text block. */
function upstreamAnswer(r: CallSpec["returns"]): { result?: unknown; error?: { code: number; message: string; data?: unknown } } {
  if (r === null) return { result: { content: [] } };
  if (r.form === "text") return { result: { content: [{ type: "text", text: String(r.value) }] } };
  if (r.form === "object") return { result: { content: [{ type: "text", text: JSON.stringify(r.value) }], structuredContent: r.value } };
  const e = (r.value ?? {}) as Record<string, unknown>;
  const error: { code: number; message: string; data?: unknown } = {
    code: typeof e.code === "number" ? e.code : -32000,
    message: typeof e.message === "string" ? e.message : "",
  };
  if (e.data !== undefined) error.data = e.data;
  return { error };
}

/**
 * Run one call against `agent` with the test's state, as the runtime would in intercept mode (a
 * test checks what the policy decides, whatever the agent's mode). `keyed`: the bundle has a
 * `secret redaction_key`, which tests replace with `TEST_REDACTION_KEY`.
 */
export function simulateCall(agent: CompiledAgent, keyed: boolean, state: TestState, spec: CallSpec): CallOutcome {
  const now = state.now;
  let d: Decision;
  try {
    d = agent.decide(spec.tool, spec.principal, spec.args, { meta: spec.meta ?? undefined, now });
  } catch (err) {
    return outcome("deny", "internal", [], null, { args: spec.args, error: String(err) });
  }
  if (d.effect === "deny") return outcome("deny", d.reason, d.ruleIds, d, { args: spec.args });
  if (d.effect !== "allow" && d.effect !== "pending") return outcome("deny", "internal", [], d, { args: spec.args });
  // Virtual roots (§8.4, runtime/roots/): path checks deny like a forbid, before limits.
  let rewrites: readonly ArgRewrite[] = [];
  if (agent.roots) {
    const pc = checkPaths(agent.roots, spec.tool, d.toolClass, spec.args);
    if (!pc.ok) return outcome("deny", pc.reason, [], d, { args: spec.args });
    rewrites = pc.rewrites;
  }

  const upstream = d.upstream ?? spec.tool;
  const facts: CallFacts = { agent: agent.name, tool: spec.tool, upstream, cls: d.toolClass, principal: spec.principal, ip: "127.0.0.1", args: spec.args, meta: spec.meta ?? undefined, now };

  // Step 5: rate limits.
  const reqs = bucketRequests(agent, facts);
  if (reqs.length > 0) {
    const taken = state.buckets.take(reqs, now);
    if (!taken.ok) return outcome("rate_limited", "rate_limited", [taken.ruleId], d, { args: spec.args });
  }

  // Step 6: idempotency.
  const idem = idempotencyKey(agent, facts);
  let claim: string | undefined;
  if (idem !== null) {
    if (idem.kind === "unknown") return outcome("deny", "idempotency_key_unknown", [idem.spec.id], d, { args: spec.args });
    const begun = state.idempotency.begin(idem.key, idem.argsHash, idem.spec.windowMs, now);
    if (begun.kind === "conflict") return outcome("deny", "idempotency_conflict", [idem.spec.id], d, { args: spec.args });
    if (begun.kind === "replay") {
      if (idem.spec.onDuplicate === "reject") return outcome("duplicate", "duplicate", [idem.spec.id], d, { args: spec.args });
      const response = JSON.parse(begun.resultJson) as unknown;
      return outcome("duplicate", "duplicate", [idem.spec.id], d, { args: spec.args, response });
    }
    claim = idem.key;
  }
  const out = afterIdempotency(agent, keyed, spec, d, facts, rewrites);
  if (claim !== undefined) {
    if (out.kind === "allow" && out.response !== undefined) state.idempotency.complete(claim, JSON.stringify(out.response));
    else state.idempotency.abandon(claim);
  }
  return out;
}

/** Steps 7–9 and the response path. */
function afterIdempotency(agent: CompiledAgent, keyed: boolean, spec: CallSpec, d: Decision, facts: CallFacts, rewrites: readonly ArgRewrite[]): CallOutcome {
  const key = keyed ? TEST_REDACTION_KEY : null;
  const report: RedactionEntry[] = [];
  const rcall = { principal: facts.principal, args: spec.args, meta: facts.meta, now: facts.now, tool: facts.tool, upstream: facts.upstream, cls: facts.cls };
  const plan = toolRedaction(agent, spec.tool, d.toolClass);
  const redactedArgs = redactArgs(forCall(plan, rcall, undefined), spec.args, key, report);
  // Forwarded arguments carry host paths (virtual roots, §8.4).
  const args = rewrites.length > 0 ? rewriteArgs(redactedArgs, rewrites) : redactedArgs;
  const also: string[] = [];
  if (d.confirm) {
    if (!spec.confirmed) return outcome("confirm", "confirm_required", d.confirm.ruleIds, d, { args, report });
    also.push(...d.confirm.ruleIds);
  }
  if (d.approval) {
    if (!spec.approved) return outcome("approval", "approval_required", d.approval.ruleIds, d, { args, report });
    also.push(...d.approval.ruleIds);
  }
  const answer = upstreamAnswer(spec.returns);
  const redactions = () => report.map((r) => r.rule);
  if (answer.error !== undefined) {
    const upstreamError = toVirtual(agent.roots, answer.error) as typeof answer.error;
    const error = redactError(forCall(plan, rcall, undefined), upstreamError, key, report);
    return outcome("allow", "allow", d.ruleIds, d, { args, error, report, alsoDetermining: [...also, ...redactions()] });
  }
  const blocks = firingBlocks(agent, facts, answer.result);
  if (blocks.length > 0) return outcome("blocked", "blocked", blocks.map((b) => b.id), d, { args, report, alsoDetermining: also });
  const upstreamResult = toVirtual(agent.roots, answer.result);
  const response = redactResult(forCall(plan, rcall, upstreamResult), upstreamResult, key, report);
  return outcome("allow", "allow", d.ruleIds, d, { args, response, report, alsoDetermining: [...also, ...redactions()] });
}
