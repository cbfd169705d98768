/**
 * The evidence record: one per `tools/call` decision, allowed or denied. The runtime builds the
 * record (everything but `id` and `seq`); the store assigns both and commits it before the call
 * proceeds or the response leaves (ARCHITECTURE.md, Invariants).
 */
import { randomFillSync } from "node:crypto";

/**
 * What every entry of the chain carries (chain.ts): its place and its link to the one before.
 * `hash` = SHA-256 of the entry's JSON text without `hash` (which holds `prev`), hex.
 */
export interface ChainFields {
  /** "evt_" + 24 hex chars (random), unique. */
  id: string;
  /** 1, 2, 3 … per store, without gaps (a failed write rolls the chain head back). */
  seq: number;
  /** `hash` of the entry before (64 zeros for the first entry of a store). */
  prev: string;
  hash: string;
}

/** One committed `tools/call` decision. Plain data: stored and exported as one JSON line. */
export interface EvidenceRecord extends ChainFields {
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
  /** Deciding rules that fired because their condition was unknown, with the first absent path (§5). */
  unknowns?: { rule: string; path: string | null }[];
  /** SHA-256 (hex, first 32 chars) of the caller's credential; absent for anonymous calls. */
  tokenHash?: string;
  /** The `proxy_tool_request` entry committed before a write/destructive call was forwarded. */
  request?: string;
  /** `evidence { capture requests }`: the arguments as forwarded (redacted). */
  args?: unknown;
  /** `evidence { capture responses }`: the result as answered (redacted). */
  result?: unknown;
}

/**
 * Committed before a `write` or `destructive` call is forwarded (ARCHITECTURE.md: no call reaches
 * such a tool before its request record is committed); the call's `proxy_tool_call` entry follows
 * with the outcome and names this one in `request`.
 */
export interface ToolRequestRecord extends ChainFields {
  time: number;
  kind: "proxy_tool_request";
  agent: string;
  caller: string | null;
  callerKind: "vendor" | "caller" | "anonymous";
  session: string | null;
  tool: string;
  upstreamTool: string;
  upstream: string;
  toolClass: string;
  ruleIds: string[];
  bundleHash: string;
  tokenHash?: string;
  /** `capture requests`: the arguments about to be forwarded (redacted). */
  args?: unknown;
}

/** An audit event posted by an operator's system (`POST /api/events`), hashed into the same chain. */
export interface ExternalEventRecord extends ChainFields {
  time: number;
  kind: "external_event";
  /** Who posted it (the admin principal). */
  source: string;
  /** Event type, e.g. "deployment", "access_review" (1–128 printable chars). */
  type: string;
  actor: string | null;
  action: string | null;
  resource: string | null;
  outcome: string | null;
  /** Free-form JSON object (bounded size), or null. */
  data: Record<string, unknown> | null;
}

/** Any entry of the evidence chain. */
export type EvidenceEntry = EvidenceRecord | ToolRequestRecord | ExternalEventRecord;
export type EvidenceKind = EvidenceEntry["kind"];
export const EVIDENCE_KINDS: readonly EvidenceKind[] = ["proxy_tool_call", "proxy_tool_request", "external_event"];

/** One redaction: where (RFC 6901 pointer into the MCP message part), scope, method and rule id. */
export interface RedactionReportEntry {
  pointer: string;
  scope: string;
  method: string;
  rule: string;
}

/** What the runtime hands to `EvidenceStore.append`: the store assigns the chain fields. */
export type EvidenceInput = Omit<EvidenceRecord, keyof ChainFields>;
export type ToolRequestInput = Omit<ToolRequestRecord, keyof ChainFields>;
export type ExternalEventInput = Omit<ExternalEventRecord, keyof ChainFields>;
export type EntryInput = EvidenceInput | ToolRequestInput | ExternalEventInput;

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
  if (rec.tokenHash !== undefined && typeof rec.tokenHash !== "string") return "tokenHash must be a string when present";
  if (rec.unknowns !== undefined && (!Array.isArray(rec.unknowns) || rec.unknowns.some((u) => typeof u?.rule !== "string" || (u.path !== null && typeof u.path !== "string"))))
    return "unknowns must be an array of {rule, path}";
  if (rec.request !== undefined && typeof rec.request !== "string") return "request must be an entry id when present";
  return null;
}

/**
 * Builds the stored tool-call record with a fixed key order (chain fields first, so the JSON line
 * reads the same for every record) and without keys for absent options. `latencyMs` is rounded
 * to 3 decimals here, once, so every reader sees the same number.
 */
export function toEvidenceRecord(rec: EvidenceInput, id: string, seq: number, prev: string): EvidenceRecord {
  const out = {
    id,
    seq,
    prev,
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
  } as EvidenceRecord; // `hash` is set by chain.ts `seal`
  if (rec.error !== undefined) out.error = rec.error;
  if (rec.redactions !== undefined && rec.redactions.length > 0)
    out.redactions = rec.redactions; // fresh objects from the walker, checked above; not copied
  if (rec.would !== undefined && rec.would.length > 0) out.would = [...rec.would];
  if (rec.approval !== undefined) out.approval = { id: rec.approval.id, status: rec.approval.status, approvers: [...rec.approval.approvers] };
  if (rec.confirmation !== undefined) out.confirmation = rec.confirmation;
  if (rec.retryAfterMs !== undefined) out.retryAfterMs = rec.retryAfterMs;
  if (rec.unknowns !== undefined && rec.unknowns.length > 0) out.unknowns = rec.unknowns.map((u) => ({ rule: u.rule, path: u.path }));
  if (rec.tokenHash !== undefined) out.tokenHash = rec.tokenHash;
  if (rec.request !== undefined) out.request = rec.request;
  if (rec.args !== undefined) out.args = rec.args;
  if (rec.result !== undefined) out.result = rec.result;
  return out;
}

/** Any entry input's problem as text, or null: `evidenceInputProblem` for tool calls, and the other kinds' checks. */
export function entryInputProblem(input: EntryInput): string | null {
  if (input === null || typeof input !== "object") return "entry is not an object";
  if (!Number.isFinite(input.time)) return "time must be a finite number (ms since epoch)";
  switch (input.kind) {
    case "proxy_tool_call":
      return evidenceInputProblem(input);
    case "proxy_tool_request":
      for (const key of ["agent", "tool", "upstreamTool", "upstream", "toolClass", "bundleHash"] as const) if (typeof input[key] !== "string") return `${key} must be a string`;
      if (!CALLER_KINDS.has(input.callerKind)) return "callerKind must be vendor, caller or anonymous";
      if (!Array.isArray(input.ruleIds) || input.ruleIds.some((id) => typeof id !== "string")) return "ruleIds must be an array of strings";
      return null;
    case "external_event":
      if (typeof input.source !== "string" || typeof input.type !== "string" || input.type === "") return "source and type must be non-empty strings";
      for (const key of ["actor", "action", "resource", "outcome"] as const) if (input[key] !== null && typeof input[key] !== "string") return `${key} must be a string or null`;
      if (input.data !== null && (typeof input.data !== "object" || Array.isArray(input.data))) return "data must be an object or null";
      return null;
    default:
      return `kind must be one of ${EVIDENCE_KINDS.join(", ")}`;
  }
}

/** The stored entry for any input kind, chain fields first (see `toEvidenceRecord`). */
export function toEntry(input: EntryInput, id: string, seq: number, prev: string): EvidenceEntry {
  switch (input.kind) {
    case "proxy_tool_call":
      return toEvidenceRecord(input, id, seq, prev);
    case "proxy_tool_request": {
      const out = {
        id, seq, prev,
        time: input.time, kind: input.kind, agent: input.agent, caller: input.caller, callerKind: input.callerKind, session: input.session,
        tool: input.tool, upstreamTool: input.upstreamTool, upstream: input.upstream, toolClass: input.toolClass, ruleIds: [...input.ruleIds], bundleHash: input.bundleHash,
      } as ToolRequestRecord;
      if (input.tokenHash !== undefined) out.tokenHash = input.tokenHash;
      if (input.args !== undefined) out.args = input.args;
      return out;
    }
    case "external_event":
      return {
        id, seq, prev,
        time: input.time, kind: input.kind, source: input.source, type: input.type, actor: input.actor, action: input.action,
        resource: input.resource, outcome: input.outcome, data: input.data,
      } as ExternalEventRecord;
  }
}
