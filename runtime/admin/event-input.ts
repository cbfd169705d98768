/**
 * The body of `POST /api/events`, checked strictly before anything touches the evidence chain:
 *
 *   {type, actor?, action?, resource?, outcome?, data?}
 *
 * `type` is 1–128 printable ASCII characters; the other strings at most 1024 characters; `data`
 * a JSON object of at most 32 KiB serialized, 32 levels deep. Control characters are refused in
 * every string field, since `talon audit` prints these fields on a terminal. Numbers JSON cannot
 * carry exactly (`1e400` → Infinity, integers past 2^53) are refused instead of being stored as
 * something the client did not send.
 */
import type { ExternalEventRecord } from "../evidence/record.js";
import { parseJsonObject } from "./respond.js";

export const MAX_EVENT_BODY_BYTES = 64 * 1024;
export const MAX_TYPE_LENGTH = 128;
export const MAX_FIELD_LENGTH = 1024;
export const MAX_DATA_BYTES = 32 * 1024;
export const MAX_DATA_DEPTH = 32;

const FIELDS = ["type", "actor", "action", "resource", "outcome", "data"] as const;
const STRING_FIELDS = ["actor", "action", "resource", "outcome"] as const;

/** The fields a client posts: an external event without what the store and the route add. */
export type EventBody = Pick<ExternalEventRecord, "type" | "actor" | "action" | "resource" | "outcome" | "data">;

/** C0 and C1 controls, DEL, and the bidi overrides that can disguise text on a terminal. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

/** The event, or what is wrong with the body (one problem, naming the field). */
export function parseEventBody(body: Buffer): EventBody | string {
  const o = parseJsonObject(body, FIELDS, '{"type": "…", "actor": "…", "action": "…", "resource": "…", "outcome": "…", "data": {…}}');
  if (typeof o === "string") return o;
  const type = o.type;
  if (typeof type !== "string" || !/^[\x20-\x7e]+$/.test(type) || type.length > MAX_TYPE_LENGTH || type.trim() === "") {
    return `type must be a string of 1–${MAX_TYPE_LENGTH} printable ASCII characters`;
  }
  const out: EventBody = { type, actor: null, action: null, resource: null, outcome: null, data: null };
  for (const k of STRING_FIELDS) {
    const s = o[k];
    if (s === undefined || s === null) continue;
    if (typeof s !== "string") return `${k} must be a string or null`;
    if (s.length > MAX_FIELD_LENGTH) return `${k} is longer than ${MAX_FIELD_LENGTH} characters`;
    if (CONTROL.test(s)) return `${k} contains a control character`;
    out[k] = s;
  }
  if (o.data !== undefined && o.data !== null) {
    if (typeof o.data !== "object" || Array.isArray(o.data)) return "data must be a JSON object or null";
    const problem = dataProblem(o.data, 1);
    if (problem) return `data ${problem}`;
    const size = Buffer.byteLength(JSON.stringify(o.data), "utf8");
    if (size > MAX_DATA_BYTES) return `data is ${size} bytes serialized; at most ${MAX_DATA_BYTES}`;
    out.data = o.data as Record<string, unknown>;
  }
  return out;
}

/** Depth and number checks over a parsed JSON value; the recursion stops past MAX_DATA_DEPTH. */
function dataProblem(v: unknown, depth: number): string | null {
  if (typeof v === "number") {
    if (!Number.isFinite(v)) return "holds a number out of range";
    if (Number.isInteger(v) && !Number.isSafeInteger(v)) return "holds an integer beyond 2^53, which JSON numbers lose; send it as a string";
    return null;
  }
  if (v === null || typeof v !== "object") return null;
  if (depth > MAX_DATA_DEPTH) return `is nested deeper than ${MAX_DATA_DEPTH} levels`;
  for (const x of Array.isArray(v) ? v : Object.values(v)) {
    const p = dataProblem(x, depth + 1);
    if (p) return p;
  }
  return null;
}
