/**
 * Query strings of the audit-event API (`GET /api/events`, `/api/events/stats`, the WebSocket
 * stream): entry filters, time windows, page size and the opaque cursor. Every parser returns
 * the value or a `QueryError` naming the parameter, which the routes answer with 400.
 */
import { EVIDENCE_KINDS, type EvidenceKind } from "../evidence/record.js";
import type { EntryFilter } from "../evidence/filter.js";
import { parseDuration } from "../helpers/duration.js";
import { parseInstant as instant } from "../helpers/instant.js";

export class QueryError extends Error {}

/** Filters on entry fields, shared by the list, the stats and the stream. */
export const FILTER_PARAMS = ["agent", "tool", "decision", "kind", "caller"] as const;

const DECISIONS = ["allow", "deny"];
const MAX_VALUE_LENGTH = 1024;

/** Page size of `GET /api/events`. */
export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1000;

/**
 * The query's parameters as a map, refusing names outside `allowed` and repeated names (a
 * repeated filter would otherwise silently mean its first or last value).
 */
export function queryParams(raw: string, allowed: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(raw)) {
    if (!allowed.includes(k)) throw new QueryError(`unknown query parameter "${k}"; allowed: ${allowed.join(", ")}`);
    if (out.has(k)) throw new QueryError(`query parameter "${k}" given more than once`);
    out.set(k, v);
  }
  return out;
}

/** The entry filter named by `agent`, `tool`, `decision`, `kind`, `caller`. */
export function entryFilter(q: ReadonlyMap<string, string>): EntryFilter {
  const f: EntryFilter = {};
  for (const key of ["agent", "tool", "caller"] as const) {
    const v = q.get(key);
    if (v === undefined) continue;
    if (v === "" || v.length > MAX_VALUE_LENGTH) throw new QueryError(`${key} must be 1–${MAX_VALUE_LENGTH} characters`);
    f[key] = v;
  }
  const decision = q.get("decision");
  if (decision !== undefined) {
    if (!DECISIONS.includes(decision)) throw new QueryError(`decision must be one of ${DECISIONS.join(", ")}`);
    f.decision = decision;
  }
  const kind = q.get("kind");
  if (kind !== undefined) {
    if (!EVIDENCE_KINDS.includes(kind as EvidenceKind)) throw new QueryError(`kind must be one of ${EVIDENCE_KINDS.join(", ")}`);
    f.kind = kind as EvidenceKind;
  }
  return f;
}

/** An instant (helpers/instant.ts), zoned: the client cannot see the server's zone. */
export function parseInstant(name: string, text: string): number {
  const ms = instant(text);
  if (!Number.isFinite(ms)) throw new QueryError(`${name} must be ms since epoch or ISO 8601 with a zone (e.g. 2025-01-31T12:00:00Z), got ${JSON.stringify(text)}`);
  return ms;
}

function duration(name: string, text: string): number {
  try {
    const ms = parseDuration(text);
    if (ms <= 0) throw new Error(`${text} is empty`);
    return ms;
  } catch (err) {
    throw new QueryError(`${name}: ${(err as Error).message}`);
  }
}

/**
 * The time bounds of a query: `since`/`until`, or a duration back from now under `durationName`
 * (`last` for the list, `window` for the stats), which cannot be combined with `since`. Returns
 * what was given; `since` inclusive, `until` exclusive.
 */
export function timeBounds(q: ReadonlyMap<string, string>, durationName: "last" | "window", now: number): { since?: number; until?: number } {
  const out: { since?: number; until?: number } = {};
  const d = q.get(durationName);
  const since = q.get("since");
  const until = q.get("until");
  if (d !== undefined && since !== undefined) throw new QueryError(`${durationName} and since cannot be combined`);
  if (d !== undefined) out.since = now - duration(durationName, d);
  if (since !== undefined) out.since = parseInstant("since", since);
  if (until !== undefined) out.until = parseInstant("until", until);
  if (out.since !== undefined && out.until !== undefined && out.until <= out.since) throw new QueryError("until must be later than since");
  return out;
}

export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_LIMIT;
  const n = /^[0-9]{1,7}$/.test(text) ? Number(text) : NaN;
  if (!(n >= 1 && n <= MAX_LIMIT)) throw new QueryError(`limit must be an integer in 1..${MAX_LIMIT}, got ${JSON.stringify(text)}`);
  return n;
}

/**
 * The cursor is opaque to clients: base64url of `v1:<seq>`, the store's `nextBefore` (the walk
 * continues with entries older than that seq). The version prefix leaves room to change it.
 */
export function encodeCursor(nextBefore: number): string {
  return Buffer.from(`v1:${nextBefore}`, "utf8").toString("base64url");
}

export function decodeCursor(text: string): number {
  const m = /^[A-Za-z0-9_-]{1,40}$/.test(text) ? /^v1:([1-9][0-9]{0,15})$/.exec(Buffer.from(text, "base64url").toString("utf8")) : null;
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isSafeInteger(n)) throw new QueryError("cursor is not one this server issued; pass next_cursor from the previous page unchanged");
  return n;
}
