/**
 * The admin HTTP API for approvals (§7.1 step 8), next to the CLI (`talon approvals`):
 *
 *   GET  /admin/v1/approvals[?status=&agent=]   → 200 {approvals: [...]}, oldest first
 *   GET  /admin/v1/approvals/:id                → 200 request | 404
 *   POST /admin/v1/approvals/:id/approve        body {approver, note?} → 200 request
 *   POST /admin/v1/approvals/:id/deny           body {approver, note?} → 200 request
 *
 * Errors are JSON `{error}`: 400 bad query or body, 401 no or wrong admin token, 403 admin API
 * disabled or the approver is not one of the request's, 404 unknown id, 409 already decided or
 * expired. The admin token authenticates the tool that calls the API (a chat bot, a console);
 * that tool vouches for the `approver` it names, like `--as` in the CLI.
 *
 * uWS rules (see server/http.ts): the URL, query, headers and route parameters are copied before
 * any asynchronous work, and `onAborted` is registered before the body is read.
 */
import type { RouteTarget } from "../server/app.js";
import { APPROVAL_STATUSES, ApprovalQueue, MAX_NOTE_LENGTH, type ApprovalFilter, type ApprovalStatus, type VoteError } from "../state/approvals.js";
import { readBody, sendJson, type StatusCode } from "../server/http.js";
import type { AdminAuth } from "./admin-auth.js";
import { authorized, fail, freshState, parseJsonObject } from "./respond.js";

const PREFIX = "/admin/v1/approvals";

/** The largest vote body accepted. */
const MAX_BODY_BYTES = 16 * 1024;

const VOTE_STATUS: Record<VoteError, StatusCode> = { not_found: 404, not_approver: 403, decided: 409, expired: 409 };

export function registerApprovalRoutes(app: RouteTarget, queue: ApprovalQueue, auth: AdminAuth): void {
  app.get(PREFIX, (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    const query = new URLSearchParams(req.getQuery() ?? "");
    const filter: { status?: ApprovalStatus; agent?: string } = {};
    for (const key of query.keys()) {
      if (key !== "status" && key !== "agent") return fail(res, state, 400, `unknown query parameter "${key}"; use status and agent`);
    }
    const status = query.get("status");
    if (status !== null && status !== "all") {
      if (!APPROVAL_STATUSES.includes(status as ApprovalStatus)) return fail(res, state, 400, `status must be one of ${APPROVAL_STATUSES.join(", ")}, all`);
      filter.status = status as ApprovalStatus;
    }
    const agent = query.get("agent");
    if (agent !== null && agent !== "") filter.agent = agent;
    res.onAborted(() => (state.aborted = true));
    // Expire first, so a request nobody waited on does not read as pending past its time.
    queue.expire(Date.now()).then(
      () => sendJson(res, state, 200, JSON.stringify({ approvals: queue.list(filter as ApprovalFilter) })),
      (err: unknown) => fail(res, state, 500, `cannot read approvals: ${(err as Error).message}`),
    );
  });

  app.get(`${PREFIX}/:id`, (res, req) => {
    const state = freshState();
    if (!authorized(res, req, state, auth)) return;
    const id = req.getParameter(0) ?? "";
    try {
      const r = queue.get(id);
      if (!r) return fail(res, state, 404, `no approval request ${JSON.stringify(id)}`);
      sendJson(res, state, 200, JSON.stringify(r));
    } catch (err) {
      fail(res, state, 500, `cannot read approval ${id}: ${(err as Error).message}`);
    }
  });

  for (const decision of ["approve", "deny"] as const) {
    app.post(`${PREFIX}/:id/${decision}`, (res, req) => {
      const state = freshState();
      if (!authorized(res, req, state, auth)) return;
      const id = req.getParameter(0) ?? "";
      res.onAborted(() => (state.aborted = true));
      readBody(
        res,
        MAX_BODY_BYTES,
        (body) => {
          const parsed = parseVote(body);
          if (typeof parsed === "string") return fail(res, state, 400, parsed);
          queue.vote(id, parsed.approver, decision, Date.now(), parsed.note).then(
            (r) => {
              if (r.ok) sendJson(res, state, 200, JSON.stringify(r.request));
              else fail(res, state, VOTE_STATUS[r.error], r.message);
            },
            (err: unknown) => fail(res, state, 500, `cannot record the vote: ${(err as Error).message}`),
          );
        },
        () => fail(res, state, 413, `body larger than ${MAX_BODY_BYTES} bytes`),
      );
    });
  }
}

/** `{approver, note?}`, or what is wrong with the body. */
function parseVote(body: Buffer): { approver: string; note?: string } | string {
  const o = parseJsonObject(body, ["approver", "note"], '{"approver": "…", "note": "…"}');
  if (typeof o === "string") return o;
  if (typeof o.approver !== "string" || o.approver.trim() === "" || o.approver.length > 256) return "approver must be a non-empty string (at most 256 characters)";
  if (o.note === undefined) return { approver: o.approver };
  if (typeof o.note !== "string" || o.note.length > MAX_NOTE_LENGTH) return `note must be a string of at most ${MAX_NOTE_LENGTH} characters`;
  return { approver: o.approver, note: o.note };
}
