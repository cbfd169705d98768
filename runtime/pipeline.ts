/**
 * The one place where a message meets the policy, the evidence store and the upstream.
 *
 * `tools/call`: decide (pure, compiled) → on deny, record and answer with a JSON-RPC error naming
 * the deciding rule; on allow, forward under the upstream name, check the answer is a well-formed
 * result, record, answer. The record is committed before the answer is written; if it cannot be
 * committed the client gets an error instead of the result (fail closed).
 * `tools/list`: only tools the policy shows this principal, under their client names, with
 * annotations rewritten to the declared class.
 */
import type { CompiledAgent, Decision, Principal, ToolClass } from "./hooks.js";
import type { EvidenceStore } from "./evidence/store.js";
import type { EvidenceRecord } from "./evidence/record.js";
import { ERR, type JsonRpcId, type JsonRpcResponse } from "./mcp/jsonrpc.js";
import { UpstreamError } from "./upstream/peer.js";
import type { Session } from "./mcp/session.js";
import { redactArgs, redactError, redactResult, toolRedaction, type RedactionEntry } from "./redact/plan.js";

/** What the pipeline needs to know about the agent a session belongs to. */
export interface AgentContext {
  readonly agent: CompiledAgent;
  readonly bundleHash: string;
  readonly upstreamLabel: string;
  readonly evidence: EvidenceStore;
  readonly callTimeoutMs: number;
  /** The resolved `secret redaction_key` (keys `hash`); null or absent = plain SHA-256. */
  readonly redactionKey?: string | null;
}

/** A decision the runtime makes itself when the bundle cannot: malformed params, a throwing bundle. */
function runtimeDecision(reason: "malformed" | "internal", message: string): Decision {
  return { effect: "deny", reason, ruleIds: [], message, upstream: null, toolClass: null, listed: false };
}

export interface CallOutcome {
  /** The serialized JSON-RPC answer for the client. */
  readonly json: string;
}

type RecordFields = Omit<EvidenceRecord, "id" | "seq">;

/** Decide, forward and record one `tools/call`. Never throws: every path ends in an answer. */
export async function governToolCall(
  ctx: AgentContext,
  session: Session,
  clientId: JsonRpcId,
  params: Record<string, unknown> | undefined,
): Promise<CallOutcome> {
  const arrived = Date.now();
  const t0 = performance.now();
  const name = params?.name;
  const args = params?.arguments;

  let decision: Decision;
  if (typeof name !== "string") decision = runtimeDecision("malformed", "tools/call needs params.name as a string");
  else if (args !== undefined && (args === null || typeof args !== "object" || Array.isArray(args)))
    decision = runtimeDecision("malformed", "tools/call params.arguments must be an object");
  else {
    try {
      // Conditions see the request's _meta and one fixed `now` (the arrival time).
      decision = ctx.agent.decide(name, session.principal, args, { meta: params?._meta, now: arrived });
    } catch (err) {
      decision = runtimeDecision("internal", `policy evaluation failed: ${(err as Error).message}`);
    }
  }
  const toolName = typeof name === "string" ? name : "";

  if (decision.effect !== "allow") {
    const code = decision.reason === "malformed" ? ERR.INVALID_PARAMS : decision.reason === "internal" ? ERR.INTERNAL : ERR.POLICY_DENIED;
    const json = JSON.stringify({
      jsonrpc: "2.0",
      id: clientId,
      error: { code, message: decision.message, data: { reason: decision.reason, rules: decision.ruleIds, bundle: ctx.bundleHash } },
    });
    return commit(ctx, clientId, json, record(ctx, session, toolName, arrived, t0, decision, null, "denied"));
  }

  const upstreamTool = decision.upstream ?? toolName;
  // Redaction (§8.1): `args` before forwarding, so the upstream never sees a clear value.
  const redaction = toolRedaction(ctx.agent, toolName, decision.toolClass);
  const key = ctx.redactionKey ?? null;
  const report: RedactionEntry[] = [];
  const sentArgs = redactArgs(redaction, args, key, report);
  // One new params object at most; `arguments` and `_meta` are forwarded as parsed unless redacted.
  const forward =
    upstreamTool === toolName && sentArgs === args ? params : sentArgs === args ? { ...params, name: upstreamTool } : { ...params, name: upstreamTool, arguments: sentArgs };
  let answer: JsonRpcResponse;
  try {
    answer = await session.upstream.request("tools/call", forward, ctx.callTimeoutMs, (uid) => session.mapUpstreamId(clientId, uid));
  } catch (err) {
    const why = err instanceof UpstreamError ? err.message : `upstream call failed: ${(err as Error).message}`;
    const json = JSON.stringify({ jsonrpc: "2.0", id: clientId, error: { code: ERR.UPSTREAM, message: why } });
    return commit(ctx, clientId, json, withReport(record(ctx, session, toolName, arrived, t0, decision, upstreamTool, "upstream_error", why), report));
  }

  if (answer.error !== undefined) {
    const error = redactError(redaction, answer.error, key, report);
    const json = JSON.stringify({ jsonrpc: "2.0", id: clientId, error });
    const why = `upstream error ${error.code}: ${error.message}`;
    return commit(ctx, clientId, json, withReport(record(ctx, session, toolName, arrived, t0, decision, upstreamTool, "upstream_error", why), report));
  }
  const problem = checkCallToolResult(answer.result);
  if (problem) {
    const why = `upstream returned an invalid tools/call result: ${problem}`;
    const json = JSON.stringify({ jsonrpc: "2.0", id: clientId, error: { code: ERR.UPSTREAM, message: why } });
    return commit(ctx, clientId, json, withReport(record(ctx, session, toolName, arrived, t0, decision, upstreamTool, "upstream_error", why), report));
  }
  const isError = (answer.result as { isError?: unknown }).isError === true;
  // `result` scope after the structural check (isError results too).
  const result = redactResult(redaction, answer.result, key, report);
  const json = JSON.stringify({ jsonrpc: "2.0", id: clientId, result });
  return commit(ctx, clientId, json, withReport(record(ctx, session, toolName, arrived, t0, decision, upstreamTool, isError ? "tool_error" : "ok"), report));
}

/** Attach the redaction report (pointers, never values) when there is one. */
function withReport(rec: RecordFields, report: RedactionEntry[]): RecordFields {
  if (report.length > 0) rec.redactions = report;
  return rec;
}

/** The evidence input for one call, built in one object (the store copies it once, in its field order). */
function record(
  ctx: AgentContext,
  session: Session,
  tool: string,
  time: number,
  t0: number,
  decision: Decision,
  upstreamTool: string | null,
  outcome: EvidenceRecord["outcome"],
  error?: string,
): RecordFields {
  const principal = session.principal;
  const rec: RecordFields = {
    time,
    kind: "proxy_tool_call",
    agent: ctx.agent.name,
    caller: principal.kind === "anonymous" ? null : principal.id,
    callerKind: principal.kind,
    session: session.id,
    tool,
    upstreamTool,
    upstream: ctx.upstreamLabel,
    decision: decision.effect,
    reason: decision.reason,
    ruleIds: decision.ruleIds as string[],
    message: decision.message,
    bundleHash: ctx.bundleHash,
    latencyMs: elapsed(t0),
    outcome,
  };
  if (error !== undefined) rec.error = error;
  return rec;
}

/** Commit the record, then release the answer; a failed commit turns the answer into an error. */
async function commit(ctx: AgentContext, clientId: JsonRpcId, json: string, rec: RecordFields): Promise<CallOutcome> {
  try {
    await ctx.evidence.append(rec);
    return { json };
  } catch (err) {
    process.stderr.write(`[evidence] cannot commit a record: ${(err as Error).message}\n`);
    return {
      json: JSON.stringify({
        jsonrpc: "2.0",
        id: clientId,
        error: { code: ERR.EVIDENCE, message: "evidence store unavailable: the call's record could not be committed, so its result is withheld" },
      }),
    };
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
