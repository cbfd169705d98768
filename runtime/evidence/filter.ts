/**
 * Record filters for `EvidenceStore.list` and `talon audit list`.
 */
import type { EvidenceEntry, EvidenceKind } from "./record.js";

/** Which records to return. All fields are optional and combine with AND. */
export interface EvidenceFilter {
  agent?: string;
  /** Client tool name as called. */
  tool?: string;
  /** "allow" or "deny". */
  decision?: string;
  /** Inclusive lower bound on `time` (ms since epoch). */
  since?: number;
  /** Exclusive upper bound on `time` (ms since epoch). */
  until?: number;
  /** Keep only the newest `limit` matches (still returned oldest first). */
  limit?: number;
}

/** `EvidenceFilter` over every kind of chain entry (`EvidenceStore.entries`, `page`). */
export interface EntryFilter extends EvidenceFilter {
  kind?: EvidenceKind;
  /** Principal id of the caller (tool calls and requests). */
  caller?: string;
}

/**
 * Whether an entry passes every condition of the filter (ignores `limit`). Conditions on fields a
 * kind does not have (an external event's agent) do not match.
 */
export function matchesFilter(rec: EvidenceEntry, f: EntryFilter): boolean {
  if (f.kind !== undefined && rec.kind !== f.kind) return false;
  if (f.agent !== undefined && (rec.kind === "external_event" || rec.agent !== f.agent)) return false;
  if (f.tool !== undefined && (rec.kind === "external_event" || rec.tool !== f.tool)) return false;
  if (f.decision !== undefined && (rec.kind !== "proxy_tool_call" || rec.decision !== f.decision)) return false;
  if (f.caller !== undefined && (rec.kind === "external_event" || rec.caller !== f.caller)) return false;
  if (f.since !== undefined && rec.time < f.since) return false;
  if (f.until !== undefined && rec.time >= f.until) return false;
  return true;
}

/** Throws a clear Error for a limit that is not a non-negative integer. */
export function checkLimit(limit: number | undefined): void {
  if (limit === undefined) return;
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new Error(`evidence filter: limit must be a non-negative integer, got ${limit}`);
  }
}
