import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { us_listen_socket } from "uWebSockets.js";
import { AdminAuth } from "../../runtime/admin/admin-auth.js";
import { registerApprovalRoutes } from "../../runtime/admin/approvals-api.js";
import { listen } from "../../runtime/server/app.js";
import { loadUws } from "../../runtime/server/uws.js";
import { ApprovalQueue, type ApprovalRequest } from "../../runtime/state/approvals.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { input, tempDataDir } from "./helpers.js";

const TOKEN = "s3cret-admin-token-for-tests";
let store: StateStore;
let queue: ApprovalQueue;
const sockets: us_listen_socket[] = [];
let base = "";
let offBase = "";

/** A real uWS app with only the approval routes, on an ephemeral port. */
async function serve(auth: AdminAuth): Promise<string> {
  const app = loadUws().uws.App();
  registerApprovalRoutes(app, queue, auth);
  const { socket, port } = await listen(app, "127.0.0.1", 0);
  sockets.push(socket);
  return `http://127.0.0.1:${port}/admin/v1/approvals`;
}

beforeAll(async () => {
  store = StateStore.open(tempDataDir("talon-admin-"));
  queue = new ApprovalQueue(store);
  base = await serve(AdminAuth.fromToken(TOKEN));
  offBase = await serve(AdminAuth.fromEnv({}));
});
afterAll(async () => {
  for (const s of sockets) loadUws().uws.us_listen_socket_close(s);
  await queue.close();
  await store.close();
});

const auth = { Authorization: `Bearer ${TOKEN}` };

async function call(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

function vote(id: string, decision: "approve" | "deny", body: unknown, headers: Record<string, string> = auth) {
  return call(`${base}/${id}/${decision}`, { method: "POST", headers: { ...headers, "Content-Type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

describe("admin approvals API on uWS", () => {
  it("authenticates: 401 with WWW-Authenticate without or with a wrong token; 403 when disabled", async () => {
    const none = await call(base);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="talon-admin"/);
    const wrong = await call(base, { headers: { Authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toContain('error="invalid_token"');
    expect((await call(base, { headers: { Authorization: "Basic abc" } })).status).toBe(401);
    const off = await call(offBase, { headers: auth });
    expect(off).toMatchObject({ status: 403, body: { error: "admin API disabled: set TALON_ADMIN_TOKEN (or TALON_ADMIN_TOKEN_SHA256)" } });
    const offVote = await call(`${offBase}/apr_000000000000000000000000/approve`, { method: "POST", body: "{}" });
    expect(offVote.status).toBe(403);
  });

  it("lists and shows requests, with status and agent filters", async () => {
    const a = await queue.create(input({ agent: "zendesk" }));
    const b = await queue.create(input({ agent: "billing" }));
    const all = await call(base, { headers: auth });
    expect(all.status).toBe(200);
    expect((all.body.approvals as ApprovalRequest[]).map((r) => r.id)).toEqual(expect.arrayContaining([a.id, b.id]));
    const billing = await call(`${base}?agent=billing&status=pending`, { headers: auth });
    expect((billing.body.approvals as ApprovalRequest[]).map((r) => r.id)).toEqual([b.id]);
    expect((await call(`${base}?status=bogus`, { headers: auth })).status).toBe(400);
    expect((await call(`${base}?colour=red`, { headers: auth })).status).toBe(400);
    const one = await call(`${base}/${a.id}`, { headers: auth });
    expect(one).toMatchObject({ status: 200, body: { id: a.id, status: "pending", agent: "zendesk" } });
    expect((await call(`${base}/apr_000000000000000000000000`, { headers: auth })).status).toBe(404);
  });

  it("votes: 200 with the request, quorum approves and wakes a waiter; 403 non-approver; 404; 409 decided", async () => {
    const r = await queue.create(input({ quorum: 2 }));
    const waiting = queue.waitFor(r.id, Date.now() + 30_000);
    expect(await vote(r.id, "approve", { approver: "mallory" })).toMatchObject({ status: 403 });
    const first = await vote(r.id, "approve", { approver: "alice", note: "looks right" });
    expect(first).toMatchObject({ status: 200, body: { id: r.id, status: "pending", votes: [{ approver: "alice", decision: "approve", note: "looks right" }] } });
    const second = await vote(r.id, "approve", { approver: "bob" });
    expect(second).toMatchObject({ status: 200, body: { status: "approved" } });
    expect((await waiting).status).toBe("approved");
    const late = await vote(r.id, "deny", { approver: "carol" });
    expect(late.status).toBe(409);
    expect(late.body.error).toContain("already approved");
    expect((await vote("apr_000000000000000000000000", "approve", { approver: "alice" })).status).toBe(404);
  });

  it("an expired request refuses votes with 409", async () => {
    const r = await queue.create(input({ createdAt: Date.now() - 10_000, expiresAt: Date.now() - 1 }));
    const res = await vote(r.id, "approve", { approver: "alice" });
    expect(res.status).toBe(409);
    expect(res.body.error).toContain("expired");
  });

  it("rejects bad bodies with 400 and oversized ones with 413", async () => {
    const r = await queue.create(input());
    for (const body of ["", "not json", "[]", '{"approver": ""}', '{"approver": 7}', '{"approver": "alice", "extra": 1}', '{"approver": "alice", "note": 5}']) {
      const res = await vote(r.id, "approve", body);
      expect({ body, status: res.status }).toEqual({ body, status: 400 });
    }
    const big = await vote(r.id, "approve", JSON.stringify({ approver: "alice", note: "x".repeat(20_000) }));
    expect(big.status).toBe(413);
    expect(queue.get(r.id)?.votes).toEqual([]);
    // The unauthenticated vote never reaches the queue.
    expect((await vote(r.id, "approve", { approver: "alice" }, {})).status).toBe(401);
    expect(queue.get(r.id)?.votes).toEqual([]);
  });
});

describe("AdminAuth", () => {
  it("keeps no clear token and rejects unusable ones", () => {
    const a = AdminAuth.fromToken(TOKEN);
    expect(a.enabled).toBe(true);
    expect(JSON.stringify(a)).not.toContain(TOKEN);
    expect(a.check(`Bearer ${TOKEN}`)).toEqual({ ok: true });
    expect(a.check(`bearer   ${TOKEN} `)).toEqual({ ok: true });
    expect(AdminAuth.fromEnv({ TALON_ADMIN_TOKEN: "" }).enabled).toBe(false);
    expect(() => AdminAuth.fromToken("has space")).toThrow(/printable ASCII/);
  });
});
