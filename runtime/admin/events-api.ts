/**
 * The audit-event REST API of seed 001 (the Talos gateway), over the evidence chain:
 *
 *   POST /api/events          body {type, actor?, action?, resource?, outcome?, data?} (event-input.ts)
 *                             → 201 {id, seq, time, hash, prev}: the entry as committed to the chain
 *   GET  /api/events          ?agent=&tool=&decision=&kind=&caller=&since=&until=|last=5m&limit=&cursor=
 *                             → 200 {events: [...newest first], next_cursor: string | null}
 *   GET  /api/events/stats    ?window=1h | since=&until= (and the entry filters) → 200 counts (event-stats.ts)
 *
 * Every route needs the admin bearer token: evidence names callers, tools and arguments. Errors
 * are JSON `{error}`: 400 bad query or body (naming the parameter or field), 401/403 admin
 * credential, 413 body over 64 KiB, 415 body not JSON, 503 the store cannot write (the event was
 * not recorded; retry later) or read.
 *
 * uWS rules (server/http.ts): the query and headers are read before any asynchronous work;
 * `onAborted` is registered before the body is read; `sendJson` corks its writes.
 */
import type { HttpResponse } from "uWebSockets.js";
import { EvidenceWriteError, type EvidenceStore } from "../evidence/store.js";
import type { ExternalEventInput } from "../evidence/record.js";
import type { RouteTarget } from "../server/app.js";
import { readBody, sendJson, type ResponseState } from "../server/http.js";
import type { AdminAuth } from "./admin-auth.js";
import { MAX_EVENT_BODY_BYTES, parseEventBody } from "./event-input.js";
import { decodeCursor, encodeCursor, entryFilter, FILTER_PARAMS, parseLimit, QueryError, queryParams, timeBounds } from "./event-query.js";
import { windowStats } from "./event-stats.js";
import { authorized, fail, freshState } from "./respond.js";

export const EVENTS_PATH = "/api/events";
export const EVENTS_STATS_PATH = "/api/events/stats";

/** Who posts external events: the admin credential is the only one these routes accept. */
export const ADMIN_PRINCIPAL = "admin";

/** The stats window when the query names none. */
const DEFAULT_WINDOW_MS = 60 * 60 * 1000;

const LIST_PARAMS = [...FILTER_PARAMS, "since", "until", "last", "limit", "cursor"];
const STATS_PARAMS = [...FILTER_PARAMS, "since", "until", "window"];

export type EventStore = Pick<EvidenceStore, "appendEntry" | "page" | "entries">;

export function registerEventRoutes(target: RouteTarget, store: EventStore, auth: AdminAuth): void {
  target.post(EVENTS_PATH, (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    // A form post (or a browser's no-CORS `text/plain`) is not an audit event.
    const type = req.getHeader("content-type");
    if (!/^application\/json\s*(;|$)/i.test(type)) return fail(res, state, 415, "Content-Type must be application/json");
    res.onAborted(() => (state.aborted = true));
    readBody(
      res,
      MAX_EVENT_BODY_BYTES,
      (body) => {
        const ev = parseEventBody(body);
        if (typeof ev === "string") return fail(res, state, 400, ev);
        const input: ExternalEventInput = { kind: "external_event", time: Date.now(), source: ADMIN_PRINCIPAL, ...ev };
        store.appendEntry(input).then(
          (e) => sendJson(res, state, 201, JSON.stringify({ id: e.id, seq: e.seq, time: e.time, hash: e.hash, prev: e.prev })),
          (err: unknown) =>
            err instanceof EvidenceWriteError
              ? fail(res, state, 503, `evidence store cannot write, the event was not recorded: ${err.message}`, [["Retry-After", "5"]])
              : fail(res, state, 500, `the event was not recorded: ${(err as Error).message}`),
        );
      },
      () => fail(res, state, 413, `body larger than ${MAX_EVENT_BODY_BYTES} bytes`),
    );
  });

  target.get(EVENTS_PATH, (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    let page: ReturnType<EventStore["page"]>;
    try {
      const q = queryParams(req.getQuery() ?? "", LIST_PARAMS);
      const filter = { ...entryFilter(q), ...timeBounds(q, "last", Date.now()) };
      const limit = parseLimit(q.get("limit"));
      const cursor = q.get("cursor");
      page = store.page({ filter, limit, ...(cursor !== undefined ? { before: decodeCursor(cursor) } : {}) });
    } catch (err) {
      return answerError(res, state, err);
    }
    const next = page.nextBefore === null ? null : encodeCursor(page.nextBefore);
    sendJson(res, state, 200, JSON.stringify({ events: page.entries, next_cursor: next }));
  });

  target.get(EVENTS_STATS_PATH, (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    try {
      const q = queryParams(req.getQuery() ?? "", STATS_PARAMS);
      const now = Date.now();
      const bounds = q.has("window") || q.has("since") || q.has("until") ? timeBounds(q, "window", now) : { since: now - DEFAULT_WINDOW_MS };
      const entries = store.entries({ ...entryFilter(q), ...bounds });
      sendJson(res, state, 200, JSON.stringify(windowStats(entries, bounds.since, bounds.until)));
    } catch (err) {
      answerError(res, state, err);
    }
  });
}

/** 400 for a bad query, 503 for a store that cannot be read. */
function answerError(res: HttpResponse, state: ResponseState, err: unknown): void {
  if (err instanceof QueryError) return fail(res, state, 400, err.message);
  fail(res, state, 503, `cannot read the evidence store: ${(err as Error).message}`);
}
