/**
 * The audit-event REST API (runtime/admin/events-api.ts) on a real uWS app (createApp, with its
 * Host/Origin guard) over a real evidence store, on an ephemeral port: POST → GET round trip with
 * the chain fields, pagination that walks every entry once, the stats window, and the 400s, 401s,
 * 403s, 413 and 415 of bad requests.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { us_listen_socket } from "uWebSockets.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AdminAuth } from "../../runtime/admin/admin-auth.js";
import { registerAuditRoutes } from "../../runtime/admin/audit-routes.js";
import { EvidenceStream } from "../../runtime/admin/stream.js";
import { EvidenceStore, type EvidenceEntry, type EvidenceInput } from "../../runtime/evidence/store.js";
import { createApp, listen } from "../../runtime/server/app.js";
import { guardConfig } from "../../runtime/server/guard.js";
import { loadUws } from "../../runtime/server/uws.js";

const TOKEN = "events-api-admin-token";
const AUTH = { authorization: `Bearer ${TOKEN}` };

let store: EvidenceStore;
const sockets: us_listen_socket[] = [];
const streams: EvidenceStream[] = [];
let base = "";
let offBase = "";

async function serve(auth: AdminAuth): Promise<string> {
  const stream = new EvidenceStream(store, auth);
  streams.push(stream);
  const app = createApp({
    guard: guardConfig("127.0.0.1", [], []),
    endpoints: new Map(),
    routes: (a) => registerAuditRoutes(a, { auth, evidence: store, stream, secrets: () => [] }),
  });
  const { socket, port } = await listen(app, "127.0.0.1", 0);
  sockets.push(socket);
  return `http://127.0.0.1:${port}`;
}

function call(input: EvidenceInput | Partial<EvidenceInput> = {}): EvidenceInput {
  return {
    time: Date.now(),
    kind: "proxy_tool_call",
    agent: "zendesk",
    caller: "vendor-a",
    callerKind: "vendor",
    session: null,
    tool: "search",
    upstreamTool: "ticket_search",
    upstream: "stdio",
    decision: "allow",
    reason: "allow",
    ruleIds: ["g"],
    message: "allowed",
    bundleHash: "sha256:test",
    latencyMs: 1,
    outcome: "ok",
    ...input,
  } as EvidenceInput;
}

async function req(url: string, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {}, headers: res.headers };
}

const post = (body: unknown, headers: Record<string, string> = { ...AUTH, "content-type": "application/json" }) =>
  req(`${base}/api/events`, { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) });
const get = (pathAndQuery: string, headers: Record<string, string> = AUTH) => req(`${base}${pathAndQuery}`, { headers });

beforeAll(async () => {
  store = EvidenceStore.open(fs.mkdtempSync(path.join(os.tmpdir(), "talon-events-api-")));
  base = await serve(AdminAuth.fromToken(TOKEN));
  offBase = await serve(AdminAuth.fromEnv({}));
});
afterAll(async () => {
  for (const s of streams) s.close();
  for (const s of sockets) loadUws().uws.us_listen_socket_close(s);
  await store.close();
});

describe("POST /api/events", () => {
  it("commits an external event into the chain and answers its chain fields; GET returns it chained to the entry before", async () => {
    const before = await store.append(call({ tool: "before-event" }));
    const r = await post({ type: "deployment", actor: "ci@acme.example", action: "deploy", resource: "talon/prod", outcome: "success", data: { version: "1.2.3", n: 3 } });
    expect(r.status).toBe(201);
    expect(Object.keys(r.body).sort()).toEqual(["hash", "id", "prev", "seq", "time"]);
    expect(r.body).toMatchObject({ seq: before.seq + 1, prev: before.hash });
    expect(r.body.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.body.id).toMatch(/^evt_[0-9a-f]{24}$/);

    const list = await get("/api/events?kind=external_event&limit=1");
    expect(list.status).toBe(200);
    const [ev] = list.body.events as EvidenceEntry[];
    expect(ev).toMatchObject({
      id: r.body.id,
      seq: r.body.seq,
      hash: r.body.hash,
      prev: before.hash,
      kind: "external_event",
      source: "admin",
      type: "deployment",
      actor: "ci@acme.example",
      action: "deploy",
      resource: "talon/prod",
      outcome: "success",
      data: { version: "1.2.3", n: 3 },
    });
    // Absent optional fields are stored as null.
    const bare = await post({ type: "access_review" });
    expect(bare.status).toBe(201);
    const [b] = (await get(`/api/events?kind=external_event&limit=1`)).body.events as EvidenceEntry[];
    expect(b).toMatchObject({ type: "access_review", actor: null, action: null, resource: null, outcome: null, data: null, prev: r.body.hash });
  });

  it("refuses bad bodies with 400 naming the field, 413 past 64 KiB and 415 for other media types", async () => {
    const cases: [unknown, RegExp][] = [
      ["not json", /body must be JSON/],
      [[1, 2], /JSON object/],
      [{ type: "x", colour: "red" }, /unknown field "colour"/],
      [{}, /type must be/],
      [{ type: "" }, /type must be/],
      [{ type: "x".repeat(129) }, /type must be/],
      [{ type: "tab\there" }, /type must be/],
      [{ type: 7 }, /type must be/],
      [{ type: "x", actor: 3 }, /actor must be a string/],
      [{ type: "x", resource: "r".repeat(1025) }, /resource is longer than 1024/],
      [{ type: "x", outcome: "ok\u001b[31m" }, /outcome contains a control character/],
      [{ type: "x", data: [1] }, /data must be a JSON object/],
      [{ type: "x", data: "s" }, /data must be a JSON object/],
      [{ type: "x", data: { big: "y".repeat(33 * 1024) } }, /data is \d+ bytes serialized; at most 32768/],
      ['{"type":"x","data":{"n":1e400}}', /data holds a number out of range/],
      ['{"type":"x","data":{"n":9007199254740993}}', /integer beyond 2\^53/],
      [{ type: "x", data: JSON.parse("[".repeat(40) + "]".repeat(40)) }, /data must be a JSON object/],
      [{ type: "x", data: JSON.parse('{"a":'.repeat(40) + "1" + "}".repeat(40)) }, /nested deeper than 32/],
    ];
    const seq = store.stats().lastSeq;
    for (const [body, message] of cases) {
      const r = await post(body);
      expect(r.status, JSON.stringify(body).slice(0, 80)).toBe(400);
      expect(r.body.error).toMatch(message);
    }
    const big = await post({ type: "x", data: { s: "z".repeat(70 * 1024) } });
    expect(big.status).toBe(413);
    const form = await post("type=x", { ...AUTH, "content-type": "application/x-www-form-urlencoded" });
    expect(form.status).toBe(415);
    // Nothing was recorded.
    expect(store.stats().lastSeq).toBe(seq);
  });

  it("answers 503 and records nothing when the store cannot write", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talon-events-closed-"));
    const closed = EvidenceStore.open(dir);
    await closed.close();
    const auth = AdminAuth.fromToken(TOKEN);
    const app = createApp({
      guard: guardConfig("127.0.0.1", [], []),
      endpoints: new Map(),
      routes: (a) => registerAuditRoutes(a, { auth, evidence: closed, stream: new EvidenceStream(closed, auth), secrets: () => [] }),
    });
    const { socket, port } = await listen(app, "127.0.0.1", 0);
    sockets.push(socket);
    const r = await req(`http://127.0.0.1:${port}/api/events`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify({ type: "x" }) });
    expect(r.status).toBe(503);
    expect(r.body.error).toMatch(/evidence store cannot write, the event was not recorded/);
    expect(r.headers.get("retry-after")).toBe("5");
  });
});

describe("authentication and the guard", () => {
  it("401 without or with a wrong token, 403 when the admin API is off, 403 for a foreign Origin", async () => {
    for (const p of ["/api/events", "/api/events/stats"]) {
      const none = await get(p, {});
      expect(none.status).toBe(401);
      expect(none.headers.get("www-authenticate")).toMatch(/^Bearer realm="talon-admin"/);
      expect((await get(p, { authorization: "Bearer wrong-token" })).status).toBe(401);
      expect((await req(`${offBase}${p}`, { headers: AUTH })).status).toBe(403);
    }
    expect((await post({ type: "x" }, { "content-type": "application/json" })).status).toBe(401);
    expect((await post({ type: "x" }, { authorization: "Bearer nope", "content-type": "application/json" })).status).toBe(401);
    expect((await req(`${offBase}/api/events`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: '{"type":"x"}' })).status).toBe(403);
    expect((await get("/api/events", { ...AUTH, origin: "https://evil.example" })).status).toBe(403);
  });
});

describe("GET /api/events", () => {
  it("pages newest first with an opaque cursor and visits every matching entry exactly once", async () => {
    // Interleave kinds so the filter has to skip entries within pages.
    const want: number[] = [];
    for (let i = 0; i < 57; i++) {
      const e = await store.append(call({ agent: "pager", tool: `t${i % 3}`, decision: i % 4 === 0 ? "deny" : "allow", outcome: i % 4 === 0 ? "denied" : "ok" }));
      want.push(e.seq);
      await store.append(call({ agent: "other" }));
    }
    const seen: number[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const r = await get(`/api/events?agent=pager&limit=10${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`);
      expect(r.status).toBe(200);
      const events = r.body.events as EvidenceEntry[];
      expect(events.length).toBeLessThanOrEqual(10);
      for (const e of events) expect(e).toMatchObject({ agent: "pager", kind: "proxy_tool_call" });
      seen.push(...events.map((e) => e.seq));
      cursor = r.body.next_cursor as string | null;
      if (cursor !== null) expect(cursor).not.toMatch(/^\d+$/);
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(6);
    expect(seen).toEqual([...want].reverse());

    // Filters combine: deny decisions of one tool.
    const denied = (await get("/api/events?agent=pager&decision=deny&tool=t0&limit=1000")).body.events as EvidenceEntry[];
    expect(denied.length).toBeGreaterThan(0);
    for (const e of denied) expect(e).toMatchObject({ decision: "deny", tool: "t0" });
    expect(denied.length).toBe(want.filter((_, i) => i % 4 === 0 && i % 3 === 0).length);

    // Default page size is 100, and a last page has no cursor.
    const all = await get("/api/events");
    expect((all.body.events as unknown[]).length).toBe(100);
    expect(typeof all.body.next_cursor).toBe("string");
  });

  it("filters by time: since/until in ms or ISO 8601, and last=<duration>", async () => {
    const old = await store.append(call({ agent: "clock", time: Date.parse("2020-01-01T00:00:00Z") }));
    const recent = await store.append(call({ agent: "clock" }));
    const seqs = async (q: string) => ((await get(`/api/events?agent=clock&${q}`)).body.events as EvidenceEntry[]).map((e) => e.seq);
    expect(await seqs("last=5m")).toEqual([recent.seq]);
    expect(await seqs("until=2021-01-01")).toEqual([old.seq]);
    expect(await seqs(`since=${Date.parse("2019-12-31T23:00:00Z")}&until=2020-01-01T00:00:01Z`)).toEqual([old.seq]);
    expect(await seqs("since=2020-01-01T01:00:00%2B01:00")).toEqual([recent.seq, old.seq]);
  });

  it("refuses bad queries with 400 naming the parameter", async () => {
    const cases: [string, RegExp][] = [
      ["colour=red", /unknown query parameter "colour"/],
      ["agent=a&agent=b", /"agent" given more than once/],
      ["agent=", /agent must be/],
      ["decision=maybe", /decision must be one of allow, deny/],
      ["kind=other", /kind must be one of proxy_tool_call/],
      ["limit=0", /limit must be an integer in 1..1000/],
      ["limit=1001", /limit must be/],
      ["limit=ten", /limit must be/],
      ["since=yesterday", /since must be ms since epoch or ISO 8601/],
      ["until=2025-01-01T10:00:00", /until must be .* with a zone/],
      ["last=5", /last: invalid duration "5"/],
      ["last=0s", /last: /],
      ["last=5m&since=1", /last and since cannot be combined/],
      ["since=2000&until=1000", /until must be later than since/],
      ["cursor=abc", /cursor is not one this server issued/],
      [`cursor=${Buffer.from("v1:-3").toString("base64url")}`, /cursor/],
    ];
    for (const [q, message] of cases) {
      const r = await get(`/api/events?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error, q).toMatch(message);
    }
  });
});

describe("GET /api/events/stats", () => {
  it("counts a window by kind, decision, outcome, agent and tool, with redactions and the seq range", async () => {
    const t0 = Date.now();
    const first = await store.append(call({ agent: "stats", tool: "read", redactions: [{ pointer: "/result/email", scope: "response", method: "mask", rule: "r1" }, { pointer: "/result/phone", scope: "response", method: "mask", rule: "r1" }] }));
    await store.append(call({ agent: "stats", tool: "read", decision: "deny", reason: "forbid", outcome: "denied" }));
    await store.append(call({ agent: "stats", tool: "write", outcome: "tool_error" }));
    const ev = await post({ type: "stats-check", outcome: "success" });
    const last = ev.body.seq as number;

    const r = await get(`/api/events/stats?since=${t0}`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      total: 4,
      byKind: { proxy_tool_call: 3, external_event: 1, proxy_tool_request: 0 },
      byDecision: { allow: 2, deny: 1 },
      byOutcome: { ok: 1, denied: 1, tool_error: 1, success: 1 },
      byAgent: { stats: 3 },
      byTool: { read: 2, write: 1 },
      redactions: 2,
      redactedEntries: 1,
      firstSeq: first.seq,
      lastSeq: last,
    });
    expect((r.body.window as { since: string }).since).toBe(new Date(t0).toISOString());

    // window=1h holds them too; a filter narrows; the 2020 entry is outside any recent window.
    const hour = await get("/api/events/stats?window=1h&agent=stats");
    expect(hour.body).toMatchObject({ total: 3, byAgent: { stats: 3 } });
    const byDefault = await get("/api/events/stats?agent=clock");
    expect(byDefault.body.total).toBe(1);
    const old = await get("/api/events/stats?agent=clock&since=0&until=2021-01-01T00:00:00Z");
    expect(old.body.total).toBe(1);
    const empty = await get("/api/events/stats?agent=nobody&window=1m");
    expect(empty.body).toMatchObject({ total: 0, firstSeq: null, lastSeq: null });

    for (const q of ["window=soon", "window=1h&since=0", "limit=3", "decision=x"]) expect((await get(`/api/events/stats?${q}`)).status, q).toBe(400);
  });
});
