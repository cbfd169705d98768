/**
 * Record filters for `EvidenceStore.list` and `talon audit list`.
 */
import type { EvidenceRecord } from "./record.js";

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

/** Whether a record passes every condition of the filter (ignores `limit`). */
export function matchesFilter(rec: EvidenceRecord, f: EvidenceFilter): boolean {
  if (f.agent !== undefined && rec.agent !== f.agent) return false;
  if (f.tool !== undefined && rec.tool !== f.tool) return false;
  if (f.decision !== undefined && rec.decision !== f.decision) return false;
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
