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
