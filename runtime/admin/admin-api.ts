/**
 * The admin API of seed 001 beside approvals (approvals-api.ts) and telemetry (telemetry-api.ts):
 *
 *   GET /admin/v1/me            → {principal: "admin", auth: "bearer", tokenSha256Prefix}
 *   GET /admin/v1/secrets       → {secrets: [...]}: metadata of every secret in use, never a value (secret-inventory.ts)
 *   GET /admin/v1/audit/stats   → the evidence store's own state: lastSeq, headHash, writable,
 *                                 failures, lastError, journalBytes, checkpoints …, the entry count,
 *                                 the newest signed checkpoint, and the live stream's subscribers
 *
 * All need the admin bearer token (401 without or with a wrong one, 403 when the admin API is
 * off). Everything here is answered synchronously.
 */
import type { EvidenceStore } from "../evidence/store.js";
import type { RouteTarget } from "../server/app.js";
import { sendJson } from "../server/http.js";
import type { AdminAuth } from "./admin-auth.js";
import { authorized, fail, freshState } from "./respond.js";
import type { SecretMetadata } from "./secret-inventory.js";

export interface AdminApiDeps {
  readonly auth: AdminAuth;
  readonly evidence: Pick<EvidenceStore, "stats" | "count" | "latestCheckpoint" | "storeId">;
  /** The secret inventory, computed per request (so `resolves` is current). */
  readonly secrets: () => SecretMetadata[];
  /** The live stream's counters, when one is served. */
  readonly stream?: { readonly subscribers: number; readonly dropped: number };
}

export function registerAdminRoutes(target: RouteTarget, deps: AdminApiDeps): void {
  const { auth } = deps;

  target.get("/admin/v1/me", (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    sendJson(res, state, 200, JSON.stringify({ principal: "admin", auth: "bearer", tokenSha256Prefix: auth.tokenSha256Prefix }));
  });

  target.get("/admin/v1/secrets", (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    try {
      sendJson(res, state, 200, JSON.stringify({ secrets: deps.secrets() }));
    } catch (err) {
      fail(res, state, 500, `cannot list secrets: ${(err as Error).message}`);
    }
  });

  target.get("/admin/v1/audit/stats", (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    const { evidence, stream } = deps;
    try {
      const body = {
        storeId: evidence.storeId,
        ...evidence.stats(),
        entries: evidence.count(),
        latestCheckpoint: evidence.latestCheckpoint(),
        stream: stream ? { subscribers: stream.subscribers, dropped: stream.dropped } : null,
      };
      sendJson(res, state, 200, JSON.stringify(body));
    } catch (err) {
      fail(res, state, 503, `cannot read the evidence store: ${(err as Error).message}`);
    }
  });
}
