/**
 * The evidence record: one per `tools/call` decision, allowed or denied. The runtime builds the
 * record (everything but `id` and `seq`); the store assigns both and commits it before the call
 * proceeds or the response leaves (ARCHITECTURE.md, Invariants).
 */
import { randomFillSync } from "node:crypto";

/** One committed `tools/call` decision. Plain data: stored as msgpack, printed as JSON lines. */
export interface EvidenceRecord {
  /** "evt_" + 24 hex chars (random), unique. */
  id: string;
  /** Monotonically increasing per store, starts at 1 (a failed append may leave a gap). */
  seq: number;
  /** ms since epoch when the call arrived. */
  time: number;
  kind: "proxy_tool_call";
  agent: string;
  /** Principal id, null when anonymous. */
  caller: string | null;
  callerKind: "vendor" | "caller" | "anonymous";
  /** Downstream Mcp-Session-Id. */
  session: string | null;
  /** Client tool name as called. */
  tool: string;
  /** Upstream tool name (null when denied before resolution). */
  upstreamTool: string | null;
  /** Upstream label: vendor label, URL host, or stdio command name. */
  upstream: string;
  decision: "allow" | "deny";
  /** DecisionReason from runtime/hooks.ts, or "upstream_error" / "internal". */
  reason: string;
  ruleIds: string[];
  /** Client-visible decision text. */
  message: string;
  bundleHash: string;
  /** Arrival → response ready, ms (float, 3 decimals). */
  latencyMs: number;
  /** `replayed`: an idempotent duplicate answered from the stored result; `pending`: deferred for approval. */
  outcome: "ok" | "tool_error" | "upstream_error" | "denied" | "replayed" | "pending";
  /** Upstream/internal error text when outcome is upstream_error. */
  error?: string;
  /** What redaction changed (§8.1), without original values; absent when nothing was redacted. */
  redactions?: RedactionReportEntry[];
  /** Passthrough mode (§7.2): what intercept would have done (`would_block:forbid`, `would_redact` …). */
  would?: string[];
  /** The approval behind the call (§7.1 step 8): request id, its status, who approved. */
  approval?: { id: string; status: string; approvers: string[] };
  /** How the user confirmed the call (§7.1 step 7). */
  confirmation?: "token" | "elicitation";
  /** A rate-limited call: how long until a token is back, ms. */
  retryAfterMs?: number;
}

/** One redaction: where (RFC 6901 pointer into the MCP message part), scope, method and rule id. */
export interface RedactionReportEntry {
  pointer: string;
  scope: string;
  method: string;
  rule: string;
}

/** What the runtime hands to `EvidenceStore.append`: the store assigns `id` and `seq`. */
export type EvidenceInput = Omit<EvidenceRecord, "id" | "seq">;

/** A fresh record id: "evt_" + 24 hex chars from 12 random bytes. */
export function newEvidenceId(): string {
  // One randomBytes call per 341 ids: each call is a synchronous trip into OpenSSL that showed
  // as 6% of a governed call's CPU when made per record.
  if (poolOffset + 12 > ID_POOL.length) {
    randomFillSync(ID_POOL);
    poolOffset = 0;
  }
  const id = "evt_" + ID_POOL.toString("hex", poolOffset, poolOffset + 12);
  poolOffset += 12;
  return id;
}

const ID_POOL = Buffer.allocUnsafe(4092);
let poolOffset = ID_POOL.length;

const CALLER_KINDS = new Set(["vendor", "caller", "anonymous"]);
const DECISIONS = new Set(["allow", "deny"]);
const OUTCOMES = new Set(["ok", "tool_error", "upstream_error", "denied", "replayed", "pending"]);

/**
 * Checks the shape of an append input and returns the first problem as text, or null when the
 * record is well-formed. The runtime is typed, so this guards against untyped callers (and
 * `NaN` latencies) writing records that `talon audit` could not print; it is a handful of
 * `typeof` checks, cheap enough for every append.
 */
export function evidenceInputProblem(rec: EvidenceInput): string | null {
  if (rec === null || typeof rec !== "object") return "record is not an object";
  if (rec.kind !== "proxy_tool_call") return `kind must be "proxy_tool_call", got ${JSON.stringify(rec.kind)}`;
  if (!Number.isFinite(rec.time)) return "time must be a finite number (ms since epoch)";
  if (!Number.isFinite(rec.latencyMs)) return "latencyMs must be a finite number";
  for (const key of ["agent", "tool", "upstream", "reason", "message", "bundleHash"] as const) {
    if (typeof rec[key] !== "string") return `${key} must be a string`;
  }
  for (const key of ["caller", "session", "upstreamTool"] as const) {
    if (rec[key] !== null && typeof rec[key] !== "string") return `${key} must be a string or null`;
  }
  if (!CALLER_KINDS.has(rec.callerKind)) return `callerKind must be vendor, caller or anonymous`;
  if (!DECISIONS.has(rec.decision)) return `decision must be allow or deny`;
  if (!OUTCOMES.has(rec.outcome)) return `outcome must be one of ${[...OUTCOMES].join(", ")}`;
  if (!Array.isArray(rec.ruleIds) || rec.ruleIds.some((id) => typeof id !== "string")) {
    return "ruleIds must be an array of strings";
  }
  if (rec.error !== undefined && typeof rec.error !== "string") return "error must be a string when present";
  if (rec.redactions !== undefined) {
    if (!Array.isArray(rec.redactions)) return "redactions must be an array when present";
    for (const r of rec.redactions as unknown[]) {
      const e = r as Record<string, unknown> | null;
      if (e === null || typeof e !== "object" || (["pointer", "scope", "method", "rule"] as const).some((k) => typeof e[k] !== "string"))
        return "redactions entries need string pointer, scope, method and rule";
    }
  }
  if (rec.would !== undefined && (!Array.isArray(rec.would) || rec.would.some((w) => typeof w !== "string"))) return "would must be an array of strings when present";
  if (rec.approval !== undefined) {
    const a = rec.approval as { id?: unknown; status?: unknown; approvers?: unknown } | null;
    if (a === null || typeof a !== "object" || typeof a.id !== "string" || typeof a.status !== "string" || !Array.isArray(a.approvers) || a.approvers.some((x) => typeof x !== "string"))
      return "approval needs string id and status and a string array approvers";
  }
  if (rec.confirmation !== undefined && rec.confirmation !== "token" && rec.confirmation !== "elicitation") return "confirmation must be token or elicitation";
  if (rec.retryAfterMs !== undefined && !Number.isFinite(rec.retryAfterMs)) return "retryAfterMs must be a finite number";
  return null;
}

/**
 * Builds the stored record with a fixed key order (so JSON lines read the same for every record)
 * and without an `error` key when there is no error. `latencyMs` is rounded to 3 decimals here,
 * once, so every reader sees the same number.
 */
export function toEvidenceRecord(rec: EvidenceInput, id: string, seq: number): EvidenceRecord {
  const out: EvidenceRecord = {
    id,
    seq,
    time: rec.time,
    kind: rec.kind,
    agent: rec.agent,
    caller: rec.caller,
    callerKind: rec.callerKind,
    session: rec.session,
    tool: rec.tool,
    upstreamTool: rec.upstreamTool,
    upstream: rec.upstream,
    decision: rec.decision,
    reason: rec.reason,
    ruleIds: [...rec.ruleIds],
    message: rec.message,
    bundleHash: rec.bundleHash,
    latencyMs: Math.round(rec.latencyMs * 1000) / 1000,
    outcome: rec.outcome,
  };
  if (rec.error !== undefined) out.error = rec.error;
  if (rec.redactions !== undefined && rec.redactions.length > 0)
    out.redactions = rec.redactions; // fresh objects from the walker, checked above; not copied
  if (rec.would !== undefined && rec.would.length > 0) out.would = [...rec.would];
  if (rec.approval !== undefined) out.approval = { id: rec.approval.id, status: rec.approval.status, approvers: [...rec.approval.approvers] };
  if (rec.confirmation !== undefined) out.confirmation = rec.confirmation;
  if (rec.retryAfterMs !== undefined) out.retryAfterMs = rec.retryAfterMs;
  return out;
}
