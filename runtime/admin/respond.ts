/**
 * What every admin and audit route shares: JSON errors `{error}` and the admin bearer check.
 * The uWS rules of server/http.ts apply to callers: `authorized` reads the Authorization header
 * from `req`, so it runs synchronously at the top of a handler, before any await.
 */
import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import { sendJson, type ResponseState, type StatusCode } from "../server/http.js";
import type { AdminAuth } from "./admin-auth.js";

/** A fresh per-request state (nothing sent, client still there). */
export const freshState = (): ResponseState => ({ aborted: false, done: false });

/** Answers `{error: message}` with `status`. */
export function fail(res: HttpResponse, state: ResponseState, status: StatusCode, message: string, headers?: readonly (readonly [string, string])[]): void {
  sendJson(res, state, status, JSON.stringify({ error: message }), headers);
}

/** Authenticates a request with the admin token; false after answering it with 401/403. */
export function authorized(res: HttpResponse, req: HttpRequest, state: ResponseState, auth: AdminAuth): boolean {
  const r = auth.check(req.getHeader("authorization"));
  if (r.ok) return true;
  fail(res, state, r.status, r.message, r.headers);
  return false;
}

/**
 * A request body that must be one JSON object with only `fields`: the object, or the problem as
 * text (400). `shape` shows the expected form in the messages.
 */
export function parseJsonObject(body: Buffer, fields: readonly string[], shape: string): Record<string, unknown> | string {
  let v: unknown;
  try {
    v = JSON.parse(body.toString("utf8"));
  } catch {
    return `body must be JSON: ${shape}`;
  }
  if (v === null || typeof v !== "object" || Array.isArray(v)) return `body must be a JSON object: ${shape}`;
  for (const k of Object.keys(v)) if (!fields.includes(k)) return `unknown field ${JSON.stringify(k)}; allowed: ${fields.join(", ")}`;
  return v as Record<string, unknown>;
}
