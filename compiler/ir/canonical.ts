/**
 * Canonical form of IR values: object keys sorted, `at` provenance removed (unless asked to keep
 * it), and every list that is a set sorted, so that two IRs that mean the same thing serialize to
 * the same bytes however their sources were ordered or which front end produced them (§7.4, §9).
 * Rule ids are computed from the canonical form of a rule too (`rule-id.ts`).
 */

/** Keys whose array values are sets (order carries no meaning). */
const SET_KEYS = new Set([
  "agents",
  "principals",
  "teams",
  "secrets",
  "detectors",
  "tools",
  "rules",
  "roots",
  "refs",
  "classes",
  "access",
  "on",
  "by",
  "scopes",
  "paths",
  "capture",
  "frameworks",
  "allowMethods",
  "denyPaths",
  "members",
  "approvers",
  "validators",
  "matching",
  "claims",
]);

/** Keys whose object values are user-keyed records: their keys are data, never provenance. */
const RECORD_KEYS = new Set(["tls", "limits"]);

/** Options of the canonical form. */
export interface CanonicalOptions {
  /** Keep `at` provenance (the bundle hash covers positions too). Default false. */
  readonly withAt?: boolean;
}

function sortKey(v: unknown): string {
  if (v !== null && typeof v === "object" && !Array.isArray(v)) {
    const o = v as Record<string, unknown>;
    const k = o["id"] ?? o["name"];
    if (typeof k === "string") return k;
  }
  return "";
}

function compareCanonical(a: unknown, b: unknown): number {
  const ka = sortKey(a);
  const kb = sortKey(b);
  if (ka !== kb) return ka < kb ? -1 : 1;
  const ja = JSON.stringify(a);
  const jb = JSON.stringify(b);
  return ja < jb ? -1 : ja > jb ? 1 : 0;
}

/** The canonical value (a fresh plain-data tree; the input is not modified). */
export function canonicalize(value: unknown, opts: CanonicalOptions = {}, record = false): unknown {
  if (Array.isArray(value)) return value.map((v) => canonicalize(v, opts));
  if (value === null || typeof value !== "object") return value;
  const src = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(src).sort()) {
    if (key === "at" && !record && !opts.withAt) continue;
    let v = canonicalize(src[key], opts, RECORD_KEYS.has(key) && !record);
    if (!record && SET_KEYS.has(key) && Array.isArray(v)) v = [...v].sort(compareCanonical);
    out[key] = v;
  }
  return out;
}

/** Compact canonical JSON (for hashing). */
export function canonicalJson(value: unknown, opts: CanonicalOptions = {}): string {
  return JSON.stringify(canonicalize(value, opts));
}
