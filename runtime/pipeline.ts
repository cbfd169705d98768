/**
 * The one place where a message meets the policy, the evidence store and the upstream.
 *
 * `tools/call`, in the order of LANGUAGE.md §7.1: decide (pure, compiled; steps 1–4 and which
 * confirm/approve rules apply) → on deny, record and answer with a JSON-RPC error naming the
 * deciding rule → virtual-root path checks (§8.4; they deny like a forbid) → rate limits (5) →
 * idempotency (6) → confirm (7) → approval (8) → redact the arguments, put in host paths and
 * forward under the upstream name (9) → check the answer is a well-formed result → `block
 * response` rules → `blobs drop|block` → host paths back to virtual ones → redact the result →
 * record → answer. The state those steps use is injected (`AgentContext.state`). The record is
 * committed before the answer is written; if it cannot be committed the client gets an error
 * instead of the result (fail closed). In `passthrough` mode every step is evaluated, nothing is
 * blocked or changed, and what intercept would have done is recorded as `would` (§7.2); the
 * virtual-path translation still applies there.
 * `tools/list`: only tools the policy shows this principal, under their client names, with
 * annotations rewritten to the declared class.
 */
import type { AgentMetrics, CallMetrics } from "./admin/proxy-metrics.js";
import type { CompiledAgent, Decision, DecisionReason, Principal, ToolClass } from "./hooks.js";
import type { EvidenceSink } from "./evidence/sink.js";
import { captureOf } from "./evidence/capture.js";
import type { EvidenceInput, EvidenceRecord, ToolRequestInput } from "./evidence/record.js";
import { approvalStep, type ApprovalEvidence } from "./govern/approval.js";
import { blobPointers, dropBlobs } from "./govern/blobs.js";
import { firingBlocks } from "./govern/blocks.js";
import { confirmStep } from "./govern/confirm.js";
import type { CallFacts } from "./govern/facts.js";
import { idempotencyKey } from "./govern/idempotency-key.js";
import { bucketRequests } from "./govern/limits.js";
import { unknownResolutions, type UnknownResolution } from "./govern/unknowns.js";
import type { GovernState } from "./govern/state.js";
import { ERR, type JsonRpcId, type JsonRpcResponse } from "./mcp/jsonrpc.js";
import { checkPaths, rewriteArgs, translatePaths, type ArgRewrite } from "./roots/check.js";
import { toVirtual } from "./roots/rewrite-back.js";
import type { Session } from "./mcp/session.js";
import type { ClientStream } from "./mcp/streams.js";
import { forCall, redactArgs, redactError, redactResult, toolRedaction, type RedactionEntry } from "./redact/plan.js";
import type { StatusCode } from "./server/http.js";
import { callHash } from "./state/call-hash.js";
import { UpstreamError } from "./upstream/peer.js";

/** What the pipeline needs to know about the agent a session belongs to. */
export interface AgentContext {
  readonly agent: CompiledAgent;
  readonly bundleHash: string;
  readonly upstreamLabel: string;
  readonly evidence: EvidenceSink;
  readonly callTimeoutMs: number;
  /** The resolved `secret redaction_key` (keys `hash`); null or absent = plain SHA-256. */
  readonly redactionKey?: string | null;
  /** Limits, idempotency, approvals and confirm tokens (§7.1 steps 5–8). */
  readonly state: GovernState;
  /** Prometheus metrics (runtime/admin/proxy-metrics.ts); absent = not measured. */
  readonly metrics?: AgentMetrics;
}

/** A decision the runtime makes itself when the bundle cannot: malformed params, a throwing bundle. */
function runtimeDecision(reason: "malformed" | "internal", message: string): Decision {
  return { effect: "deny", reason, ruleIds: [], message, upstream: null, toolClass: null, listed: false, confirm: null, approval: null };
}

export interface CallOutcome {
  /** The serialized JSON-RPC answer for the client. */
  readonly json: string;
  /** HTTP status for a plain JSON answer (429 when rate limited); default 200. */
  readonly status?: StatusCode;
  readonly headers?: readonly (readonly [string, string])[];
}

type RecordFields = EvidenceInput;

/** Decide, run the state steps, forward and record one `tools/call`. Never throws: every path ends in an answer. */
export async function governToolCall(
  ctx: AgentContext,
  session: Session,
  clientId: JsonRpcId,
  params: Record<string, unknown> | undefined,
  stream?: ClientStream,
): Promise<CallOutcome> {
  const arrived = Date.now();
  const t0 = performance.now();
  const name = params?.name;
  const args = params?.arguments;
  const meta = params?._meta;

  const toolName = typeof name === "string" ? name : "";
  const metrics = ctx.metrics?.call(session.principal, toolName);
  let decision: Decision;
  if (typeof name !== "string") decision = runtimeDecision("malformed", "tools/call needs params.name as a string");
  else if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args)))
    decision = runtimeDecision("malformed", "tools/call params.arguments must be an object");
  else {
    try {
      // Conditions see the request's _meta and one fixed `now` (the arrival time).
      const d0 = performance.now();
      decision = ctx.agent.decide(name, session.principal, args, { meta, now: arrived });
      metrics?.decided(performance.now() - d0);
    } catch (err) {
      decision = runtimeDecision("internal", `policy evaluation failed: ${(err as Error).message}`);
    }
  }
  const call: Call = { ctx, session, clientId, toolName, arrived, t0, decision, would: [], report: [], metrics };
  if (decision.effect !== "allow" && ctx.agent.conditions !== undefined) {
    try {
      call.unknowns = unknownResolutions(ctx.agent, decision, session.principal, toolName, args, meta, arrived);
    } catch {
      // The decision stands (it was made); only its explanation is missing.
    }
  }
  try {
    return await governDecided(call, params, args, meta, stream);
  } catch (err) {
    // A state step that failed (an LMDB write, a throwing condition in a spec): fail closed, with
    // a record. What was already claimed is released by the step that claimed it.
    return deny(call, "internal", `internal error while governing the call: ${(err as Error).message}`, []);
  }
}

/** Everything after `decide`: path checks, steps 5–9, the response path. */
async function governDecided(
  call: Call,
  params: Record<string, unknown> | undefined,
  args: unknown,
  meta: unknown,
  stream: ClientStream | undefined,
): Promise<CallOutcome> {
  const { ctx, session, decision, toolName, arrived } = call;
  const passthrough = ctx.agent.mode === "passthrough";

  if (decision.effect === "deny") {
    // Passthrough records what intercept would do and changes nothing, except for calls no
    // upstream could take (a malformed frame, a policy that threw).
    if (!passthrough || decision.reason === "malformed" || decision.reason === "internal" || decision.reason === "invalid_tool_name") {
      return deny(call, decision.reason, decision.message, decision.ruleIds);
    }
    call.would.push(`would_block:${decision.reason}`);
  } else if (decision.effect !== "allow" && decision.effect !== "pending") {
    return deny(call, "internal", `policy returned an unknown effect ${JSON.stringify(decision.effect)}`, []);
  }

  const refused = rootsStep(call, args, passthrough);
  if (refused !== undefined) return deny(call, refused.reason, refused.message, []);

  // A deny carries no upstream name; passthrough forwards it under the rename all the same.
  const upstreamTool = decision.upstream ?? (decision.effect === "deny" ? ctx.agent.upstreamName(toolName) : toolName);
  const facts: CallFacts = {
    agent: ctx.agent.name,
    tool: toolName,
    upstream: upstreamTool,
    cls: decision.toolClass,
    principal: session.principal,
    ip: session.remoteIp,
    args,
    meta,
    now: arrived,
  };
  const state = ctx.state;

  // Step 5: rate limits. Tokens are taken only by calls that got this far.
  const buckets = bucketRequests(ctx.agent, facts);
  if (buckets.length > 0) {
    const taken = (passthrough ? state.shadowBuckets : state.buckets).take(buckets, arrived);
    if (!taken.ok) {
      if (passthrough) call.would.push("would_rate_limit");
      else {
        const retryAfterMs = taken.retryAfterMs;
        call.retryAfterMs = retryAfterMs;
        return deny(call, "rate_limited", `rate limited by rule ${taken.ruleId}; retry after ${Math.ceil(retryAfterMs / 1000)} s`, [taken.ruleId], {
          retryAfterMs,
        });
      }
    }
  }

  // Step 6: idempotency. A hit replays the stored (redacted) result or is refused; a concurrent
  // duplicate waits inside `begin` for the first call to finish.
  const idem = idempotencyKey(ctx.agent, facts);
  let claim: string | undefined;
  if (idem !== null) {
    if (idem.kind === "unknown") {
      if (passthrough) call.would.push("would_deny:idempotency_key_unknown");
      else return deny(call, "idempotency_key_unknown", `the idempotency key of rule ${idem.spec.id} is unknown for this call; denied`, [idem.spec.id]);
    } else if (passthrough) {
      if (state.shadowSeen.check(idem.key, idem.spec.windowMs, arrived)) call.would.push("would_duplicate");
    } else {
      const begun = await state.idempotency.begin(idem.key, idem.argsHash, idem.spec.windowMs, arrived);
      if (begun.kind === "conflict") {
        return deny(call, "idempotency_conflict", `idempotency key reused with different arguments within the window of rule ${idem.spec.id}`, [idem.spec.id], undefined, ERR.INVALID_PARAMS);
      }
      if (begun.kind === "replay") {
        if (idem.spec.onDuplicate === "reject") return deny(call, "duplicate", `duplicate of a call made ${Math.round((arrived - begun.at) / 1000)} s ago (rule ${idem.spec.id}); rejected`, [idem.spec.id]);
        return replay(call, upstreamTool, idem.spec.id, begun.resultJson);
      }
      claim = idem.key;
    }
  }

  try {
    const out = await governAllowed(call, facts, passthrough, stream, params, args, upstreamTool);
    if (claim !== undefined) {
      if (out.storeResult !== undefined) await state.idempotency.complete(claim, out.storeResult);
      else await state.idempotency.abandon(claim);
      claim = undefined;
    }
    return out;
  } finally {
    // Any path that did not complete the claim (a throw included) lets a retry run as new.
    if (claim !== undefined) await state.idempotency.abandon(claim).catch(() => undefined);
  }
}

/**
 * Virtual roots (§8.4, runtime/roots/): path checks count as forbids (§7.1 step 2), so they run
 * before any state step; the host paths they give (`call.pathRewrites`) go in after redaction.
 * Passthrough translates paths even for what it would deny (the upstream knows no virtual ones).
 * Returns the denial, if intercept mode refuses the call.
 */
function rootsStep(call: Call, args: unknown, passthrough: boolean): { reason: DecisionReason; message: string } | undefined {
  const roots = call.ctx.agent.roots ?? null;
  if (roots === null) return undefined;
  if (call.decision.effect === "deny") {
    if (passthrough) call.pathRewrites = translatePaths(roots, call.toolName, args);
    return undefined;
  }
  const pc = checkPaths(roots, call.toolName, call.decision.toolClass, args);
  if (pc.ok) {
    call.pathRewrites = pc.rewrites;
    return undefined;
  }
  if (!passthrough) return { reason: pc.reason, message: pc.message };
  call.would.push(`would_block:${pc.reason}`);
  call.pathRewrites = translatePaths(roots, call.toolName, args);
  return undefined;
}

/** One call on its way through the pipeline: what evidence needs, gathered as the steps run. */
interface Call {
  readonly ctx: AgentContext;
  readonly session: Session;
  readonly clientId: JsonRpcId;
  readonly toolName: string;
  readonly arrived: number;
  readonly t0: number;
  readonly decision: Decision;
  readonly metrics: CallMetrics | undefined;
  /** Passthrough: what intercept mode would have done (`would_block:forbid`, `would_redact` …). */
  readonly would: string[];
  readonly report: RedactionEntry[];
  approval?: ApprovalEvidence;
  confirmation?: "token" | "elicitation";
  retryAfterMs?: number;
  /** Virtual roots (§8.4): where the forwarded arguments get host paths. */
  pathRewrites?: readonly ArgRewrite[];
  /** The arguments after redaction (what evidence may hold), once computed. */
  redactedArgs?: unknown;
  /** The result after redaction, for `capture responses`. */
  redactedResult?: unknown;
  /** The `proxy_tool_request` entry committed before forwarding a write or destructive call. */
  requestId?: string;
  /** Deciding rules whose condition was unknown (§5), for the record. */
  unknowns?: UnknownResolution[];
}

/** The answer, plus the result to remember for idempotent replays (set only for a delivered result). */
interface GovernedOutcome extends CallOutcome {
  readonly storeResult?: string;
}

/** Steps 7–9 and the response path, for a call that passed steps 1–6. */
async function governAllowed(
  call: Call,
  facts: CallFacts,
  passthrough: boolean,
  stream: ClientStream | undefined,
  params: Record<string, unknown> | undefined,
  args: unknown,
  upstreamTool: string,
): Promise<GovernedOutcome> {
  const { ctx, session, decision } = call;
  const state = ctx.state;
  // Redaction (§8.1): `args` before forwarding, so the upstream never sees a clear value.
  const rcall = { principal: facts.principal, args, meta: facts.meta, now: facts.now, tool: facts.tool, upstream: upstreamTool, cls: facts.cls };
  const plan = toolRedaction(ctx.agent, call.toolName, decision.toolClass);
  const key = ctx.redactionKey ?? null;
  const argPlan = forCall(plan, rcall, undefined);
  const redactedArgs = redactArgs(argPlan, args, key, call.report);
  call.redactedArgs = redactedArgs;

  if (decision.confirm !== null || decision.approval !== null) {
    const hash = callHash(facts.principal.kind === "anonymous" ? null : facts.principal.id, facts.agent, upstreamTool, args ?? {});
    // Step 7: confirm.
    if (decision.confirm !== null) {
      if (passthrough) call.would.push("would_confirm");
      else {
        const c = await confirmStep(decision.confirm, state, session, stream, facts, hash);
        if (!c.ok) return deny(call, c.reason, c.message, c.ruleIds, c.data, c.code);
        call.confirmation = c.via;
      }
    }
    // Step 8: approval.
    if (decision.approval !== null) {
      if (passthrough) call.would.push("would_approve");
      else {
        const a = await approvalStep(decision.approval, state, session, stream, facts, hash, redactedArgs);
        if (a.approval) call.approval = a.approval;
        if (!a.ok) return deny(call, a.reason, a.message, a.ruleIds, a.data, a.code);
      }
    }
  }

  // Step 9: forward. Passthrough forwards what the client sent; evidence still gets the report.
  // Virtual roots: `/<root>/rel` becomes `<root.path>/rel` (a translation, so passthrough too).
  const sentArgs = call.pathRewrites?.length ? rewriteArgs(passthrough ? args : redactedArgs, call.pathRewrites) : passthrough ? args : redactedArgs;
  if (passthrough && call.report.length > 0) call.would.push("would_redact");
  // One new params object at most; `arguments` and `_meta` are forwarded as parsed unless redacted.
  const forward =
    upstreamTool === call.toolName && sentArgs === args ? params : sentArgs === args ? { ...params, name: upstreamTool } : { ...params, name: upstreamTool, arguments: sentArgs };
  // ARCHITECTURE.md: no call reaches a write or destructive tool before its request record is
  // committed (an unclassified tool counts as destructive, as in tools/list).
  const cls = decision.toolClass ?? "destructive";
  if (cls !== "read") {
    try {
      call.requestId = (await ctx.evidence.appendEntry(requestRecord(call, upstreamTool, cls))).id;
    } catch (err) {
      return evidenceUnavailable(call, err, "so the call was not forwarded");
    }
  }
  let answer: JsonRpcResponse;
  const sent = performance.now();
  try {
    answer = await session.upstream.request("tools/call", forward, ctx.callTimeoutMs, (uid) => session.mapUpstreamId(call.clientId, uid));
  } catch (err) {
    const why = err instanceof UpstreamError ? err.message : `upstream call failed: ${(err as Error).message}`;
    return failed(call, upstreamTool, ERR.UPSTREAM, why, why);
  } finally {
    call.metrics?.upstreamWaited(performance.now() - sent);
  }

  if (answer.error !== undefined) {
    const reported = call.report.length;
    // Virtual roots: host paths in the error back to `/<root>/…`, before redaction.
    const upstreamError = toVirtual(ctx.agent.roots, answer.error) as typeof answer.error;
    const redacted = redactError(forCall(plan, rcall, undefined), upstreamError, key, call.report);
    if (passthrough && call.report.length > reported && !call.would.includes("would_redact")) call.would.push("would_redact");
    const error = passthrough ? upstreamError : redacted;
    const json = JSON.stringify({ jsonrpc: "2.0", id: call.clientId, error });
    return commit(call, json, record(call, upstreamTool, "upstream_error", `upstream error ${redacted.code}: ${redacted.message}`));
  }
  const problem = checkCallToolResult(answer.result);
  if (problem) {
    const why = `upstream returned an invalid tools/call result: ${problem}`;
    return failed(call, upstreamTool, ERR.UPSTREAM, why, why);
  }

  // `block response` (§7.3) sees the response as the upstream sent it.
  const blocks = firingBlocks(ctx.agent, facts, answer.result);
  if (blocks.length > 0) {
    const ids = blocks.map((b) => b.id);
    if (passthrough) call.would.push("would_block_response");
    else {
      const first = blocks[0]!;
      return deny(call, "blocked", `response withheld by rule ${first.id}${first.reason ? `: ${first.reason}` : ""}`, ids, undefined, undefined, upstreamTool);
    }
  }

  // `blobs drop|block` (§8.1): binary content no rule can inspect.
  let answered = answer.result;
  const blobsMode = ctx.agent.blobs ?? "pass";
  if (blobsMode !== "pass") {
    const where = blobPointers(answered);
    if (where.length > 0) {
      if (passthrough) call.would.push(`would_${blobsMode}_blobs`);
      else if (blobsMode === "block") {
        const why = `response withheld: binary content at ${where.join(", ")} cannot be inspected (blobs block)`;
        return deny(call, "blocked", why, [], undefined, undefined, upstreamTool);
      } else answered = dropBlobs(answered, call.report);
    }
  }

  const isError = (answered as { isError?: unknown }).isError === true;
  // Virtual roots: host paths in the result back to `/<root>/…`, before redaction and evidence.
  const upstreamResult = toVirtual(ctx.agent.roots, answered);
  // `result` scope after the structural check (isError results too).
  const reported = call.report.length;
  const redacted = redactResult(forCall(plan, rcall, upstreamResult), upstreamResult, key, call.report);
  if (passthrough && call.report.length > reported && !call.would.includes("would_redact")) call.would.push("would_redact");
  const result = passthrough ? upstreamResult : redacted;
  call.redactedResult = redacted; // evidence holds only redacted data, in passthrough too
  const resultJson = JSON.stringify(result);
  const json = `{"jsonrpc":"2.0","id":${JSON.stringify(call.clientId)},"result":${resultJson}}`;
  const out = await commit(call, json, record(call, upstreamTool, isError ? "tool_error" : "ok"));
  return out.committed ? { json: out.json, storeResult: resultJson } : out;
}

/** A call the pipeline refuses: JSON-RPC error naming the reason and rules, and its record. */
function deny(
  call: Call,
  reason: DecisionReason,
  message: string,
  ruleIds: readonly string[],
  extra?: Record<string, unknown>,
  code?: number,
  upstreamTool: string | null = null,
): Promise<CallOutcome> {
  const c = code ?? (reason === "malformed" ? ERR.INVALID_PARAMS : reason === "internal" ? ERR.INTERNAL : ERR.POLICY_DENIED);
  const data: Record<string, unknown> = { reason, rules: ruleIds, bundle: call.ctx.bundleHash, ...extra };
  const json = JSON.stringify({ jsonrpc: "2.0", id: call.clientId, error: { code: c, message, data } });
  const rec = record(call, upstreamTool, reason === "approval_required" && extra?.approvalId !== undefined ? "pending" : "denied");
  rec.decision = "deny";
  rec.reason = reason;
  rec.ruleIds = ruleIds as string[];
  rec.message = message;
  if (reason !== "rate_limited") return commit(call, json, rec);
  // 429 with Retry-After (whole seconds, rounded up) for a plain JSON answer.
  const seconds = String(Math.max(1, Math.ceil((call.retryAfterMs ?? 1000) / 1000)));
  return commit(call, json, rec, 429, [["Retry-After", seconds]]);
}

/** The stored result of an earlier identical call, replayed (the upstream is not called). */
function replay(call: Call, upstreamTool: string, ruleId: string, resultJson: string): Promise<CallOutcome> {
  const json = `{"jsonrpc":"2.0","id":${JSON.stringify(call.clientId)},"result":${resultJson}}`;
  const rec = record(call, upstreamTool, "replayed");
  rec.ruleIds = [ruleId];
  rec.message = `replayed the result of an identical call within the window of rule ${ruleId}`;
  return commit(call, json, rec);
}

/** The upstream failed: a JSON-RPC error and an `upstream_error` record. */
function failed(call: Call, upstreamTool: string, code: number, message: string, why: string): Promise<CallOutcome> {
  const json = JSON.stringify({ jsonrpc: "2.0", id: call.clientId, error: { code, message } });
  return commit(call, json, record(call, upstreamTool, "upstream_error", why));
}

/** The evidence input for one call, built in one object (the store copies it once, in its field order). */
function record(call: Call, upstreamTool: string | null, outcome: EvidenceRecord["outcome"], error?: string): RecordFields {
  const { ctx, session, decision } = call;
  const principal = session.principal;
  // One literal with every field (like requestRecord's): spreading a shared identity object here
  // measured ~8 µs per call under load (V8 builds such objects on a slow path).
  const rec: RecordFields = {
    time: call.arrived,
    kind: "proxy_tool_call",
    agent: ctx.agent.name,
    caller: principal.kind === "anonymous" ? null : principal.id,
    callerKind: principal.kind,
    session: session.id,
    tool: call.toolName,
    upstreamTool,
    upstream: ctx.upstreamLabel,
    // Recorded through here, the call went on: a pending decision got through steps 7–8, and a
    // passthrough deny shows in `would` (deny() overwrites these fields for refused calls).
    decision: "allow",
    reason: "allow",
    ruleIds: decision.ruleIds as string[],
    message: decision.message,
    bundleHash: ctx.bundleHash,
    latencyMs: 0,
    outcome,
  };
  const capture = captureOf(ctx.agent);
  if (error !== undefined) rec.error = error;
  if (call.report.length > 0 && capture.redactions) rec.redactions = call.report;
  if (call.would.length > 0) rec.would = call.would;
  if (call.approval) rec.approval = { id: call.approval.id, status: call.approval.status, approvers: [...call.approval.approvers] };
  if (call.confirmation) rec.confirmation = call.confirmation;
  if (call.retryAfterMs !== undefined) rec.retryAfterMs = call.retryAfterMs;
  if (call.unknowns !== undefined) rec.unknowns = call.unknowns as RecordFields["unknowns"];
  const tokenHash = session.tokenHash;
  if (tokenHash !== undefined) rec.tokenHash = tokenHash;
  if (call.requestId !== undefined) rec.request = call.requestId;
  if (capture.requests && call.redactedArgs !== undefined) rec.args = call.redactedArgs;
  if (capture.responses && call.redactedResult !== undefined && outcome !== "denied") rec.result = call.redactedResult;
  return rec;
}

/** The `proxy_tool_request` entry committed before a write or destructive call is forwarded. */
function requestRecord(call: Call, upstreamTool: string, toolClass: ToolClass): ToolRequestInput {
  const { ctx, session, decision } = call;
  const principal = session.principal;
  const rec: ToolRequestInput = {
    time: call.arrived,
    kind: "proxy_tool_request",
    agent: ctx.agent.name,
    caller: principal.kind === "anonymous" ? null : principal.id,
    callerKind: principal.kind,
    session: session.id,
    tool: call.toolName,
    upstreamTool,
    upstream: ctx.upstreamLabel,
    toolClass,
    ruleIds: decision.ruleIds as string[],
    bundleHash: ctx.bundleHash,
  };
  const tokenHash = session.tokenHash;
  if (tokenHash !== undefined) rec.tokenHash = tokenHash;
  if (captureOf(ctx.agent).requests && call.redactedArgs !== undefined) rec.args = call.redactedArgs;
  return rec;
}

/** The answer when a record cannot be committed: the call's result (or the call itself) is withheld. */
function evidenceUnavailable(call: Call, err: unknown, what: string): CallOutcome & { committed: false } {
  process.stderr.write(`[evidence] cannot commit a record: ${(err as Error).message}\n`);
  call.metrics?.unrecorded();
  return {
    committed: false,
    json: JSON.stringify({
      jsonrpc: "2.0",
      id: call.clientId,
      error: { code: ERR.EVIDENCE, message: `evidence store unavailable: the call's record could not be committed, ${what}` },
    }),
  };
}

/** Commit the record, then release the answer; a failed commit turns the answer into an error. */
async function commit(
  call: Call,
  json: string,
  rec: RecordFields,
  status?: StatusCode,
  headers?: readonly (readonly [string, string])[],
): Promise<CallOutcome & { committed: boolean }> {
  rec.latencyMs = elapsed(call.t0);
  try {
    await call.ctx.evidence.append(rec);
    call.metrics?.recorded(rec.outcome, rec.reason, call.report);
    return status === undefined ? { json, committed: true } : { json, status, headers, committed: true };
  } catch (err) {
    return evidenceUnavailable(call, err, "so its result is withheld");
  }
}

function elapsed(t0: number): number {
  return Math.round((performance.now() - t0) * 1000) / 1000;
}

/** Minimal structural check of a CallToolResult; returns what is wrong, or undefined. */
function checkCallToolResult(result: unknown): string | undefined {
  if (result === null || typeof result !== "object" || Array.isArray(result)) return "result is not an object";
  const r = result as Record<string, unknown>;
  if (r.content !== undefined && !Array.isArray(r.content)) return "content is not an array";
  if (r.content === undefined && r.structuredContent === undefined) return "neither content nor structuredContent";
  if (r.structuredContent !== undefined && (r.structuredContent === null || typeof r.structuredContent !== "object"))
    return "structuredContent is not an object";
  return undefined;
}

/** Filter and rename an upstream `tools/list` result for one principal (§7.3). */
export function filterToolList(agent: CompiledAgent, principal: Principal, result: unknown): unknown {
  if (result === null || typeof result !== "object") return result;
  const r = result as { tools?: unknown };
  if (!Array.isArray(r.tools)) return result;
  const tools: unknown[] = [];
  for (const t of r.tools as unknown[]) {
    if (t === null || typeof t !== "object") continue;
    const tool = t as { name?: unknown; annotations?: unknown };
    if (typeof tool.name !== "string") continue;
    const clientName = agent.clientName(tool.name);
    if (clientName === null) continue;
    let d: Decision;
    try {
      d = agent.decide(clientName, principal, undefined);
    } catch {
      continue; // a tool the bundle cannot decide on is not shown
    }
    if (!d.listed) continue;
    tools.push({ ...tool, name: clientName, annotations: rewriteAnnotations(tool.annotations, d.toolClass) });
  }
  return { ...r, tools };
}

/** Annotations from an upstream are untrusted; the declared class replaces the hints. */
function rewriteAnnotations(annotations: unknown, cls: ToolClass | null): Record<string, unknown> {
  const base = annotations !== null && typeof annotations === "object" && !Array.isArray(annotations) ? (annotations as Record<string, unknown>) : {};
  const c = cls ?? "destructive";
  return { ...base, readOnlyHint: c === "read", destructiveHint: c === "destructive" };
}
