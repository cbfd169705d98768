/**
 * The audit and admin surface of a running bundle (`node <bundle>/server.mjs --admin-port 0`), in
 * front of a real stdio upstream, with the real MCP SDK client and `ws` as the WebSocket client:
 * - the admin listener serves /admin/v1/*, /api/events*, the approvals API and the stream; the
 *   public listener answers 404 for all of them and still serves MCP and the probes;
 * - POST /api/events lands in the same hash chain as the tool-call records (prev = the hash of
 *   the record before), GET finds it, and `talon audit verify` still verifies the chain;
 * - the WebSocket stream delivers tool-call records live, filtered, and refuses upgrades without
 *   the admin token or with a bad filter;
 * - a subscriber that stops reading is dropped with 1013 "slow consumer" while a reading one
 *   keeps receiving every entry.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { buildPolicy, connectV1, eventually, mcpError, ROOT, startTalon, TALON, type RunningTalon } from "./harness.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const ADMIN = "audit-admin-token-for-tests";
const TOKENS = { TOKEN_A: "audit-token-a", TOKEN_B: "audit-token-b", TALON_ADMIN_TOKEN: ADMIN };

const POLICY = `talon 1
vendor "vendor-a" { token env("TOKEN_A") }
vendor "vendor-b" { token env("TOKEN_B") }
agent "echo" {
  upstream stdio ["node", ${JSON.stringify(ECHO)}]
  tool echo { class read }
  tool fail { class read }
  grant vendor "vendor-a" read on echo, fail
}
`;

interface Entry {
  id: string;
  seq: number;
  prev: string;
  hash: string;
  kind: string;
  [k: string]: unknown;
}

let talon: RunningTalon;
let adminPort = 0;
const pub = (p: string) => `http://127.0.0.1:${talon.port}${p}`;
const adm = (p: string) => `http://127.0.0.1:${adminPort}${p}`;

async function http(url: string, init: RequestInit & { token?: string | null } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const { token = ADMIN, ...rest } = init;
  const headers: Record<string, string> = { ...(rest.headers as Record<string, string> | undefined) };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  if (rest.body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(url, { ...rest, headers });
  const text = await res.text();
  return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

const postEvent = (body: unknown) => http(adm("/api/events"), { method: "POST", body: JSON.stringify(body) });

/** A stream subscriber collecting its messages; `closed` settles with the close code and reason. */
interface Sub {
  ws: WebSocket;
  messages: Entry[];
  closed: Promise<{ code: number; reason: string }>;
}

function subscribe(query: string, token: string | null = ADMIN, port = adminPort, origin?: string): Promise<Sub> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/api/events/stream${query}`, { headers: token === null ? {} : { authorization: `Bearer ${token}` }, ...(origin ? { origin } : {}) });
  const messages: Entry[] = [];
  ws.on("message", (data) => messages.push(JSON.parse(String(data)) as Entry));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.on("close", (code, reason) => resolve({ code, reason: String(reason) })));
  return new Promise((resolve, reject) => {
    ws.once("open", () => resolve({ ws, messages, closed }));
    ws.once("unexpected-response", (_req, res) => reject(Object.assign(new Error(`upgrade refused: ${res.statusCode}`), { status: res.statusCode })));
    ws.once("error", reject);
  });
}

/** The HTTP status an upgrade is refused with. */
async function refusedWith(query: string, token: string | null, port = adminPort, origin?: string): Promise<number> {
  const err = await subscribe(query, token, port, origin).then(
    (s) => {
      s.ws.close();
      return undefined;
    },
    (e: { status?: number }) => e,
  );
  if (err?.status === undefined) throw new Error(`the upgrade was accepted or failed without a status: ${String(err)}`);
  return err.status;
}

beforeAll(async () => {
  const { bundle } = buildPolicy({ "echo.talon": POLICY });
  talon = await startTalon(bundle, { env: TOKENS, args: ["--admin-port", "0"] });
  adminPort = await eventually(() => {
    const m = /admin API on http:\/\/127\.0\.0\.1:(\d+)/.exec(talon.stdout());
    return m ? Number(m[1]) : undefined;
  });
});
afterAll(async () => {
  await talon?.stop();
});

describe("the admin listener", () => {
  it("serves the admin and audit routes; the public listener 404s them and keeps MCP and the probes", async () => {
    expect(adminPort).not.toBe(talon.port);
    for (const p of ["/admin/v1/me", "/admin/v1/secrets", "/admin/v1/audit/stats", "/admin/v1/telemetry/stats", "/admin/v1/approvals", "/api/events", "/api/events/stats"]) {
      expect((await http(adm(p))).status, `admin ${p}`).toBe(200);
      expect((await http(pub(p))).status, `public ${p}`).toBe(404);
    }
    expect((await http(pub("/api/events"), { method: "POST", body: '{"type":"x"}' })).status).toBe(404);
    expect(await refusedWith("", ADMIN, talon.port)).toBe(404);
    // Probes and metrics on both; MCP only on the public one.
    for (const p of ["/healthz", "/metrics"]) {
      expect((await fetch(pub(p))).status, `public ${p}`).toBe(200);
      expect((await fetch(adm(p))).status, `admin ${p}`).toBe(200);
    }
    expect((await http(adm("/mcp"), { method: "POST", body: "{}" })).status).toBe(404);
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    expect((await client.callTool({ name: "echo", arguments: { hello: 1 } })).isError).toBeFalsy();
    await client.close();
    // The admin listener has the same Host/Origin guard.
    expect((await http(adm("/admin/v1/me"), { headers: { origin: "https://evil.example" } })).status).toBe(403);
    expect((await http(adm("/admin/v1/me"), { token: null })).status).toBe(401);
    expect((await http(adm("/admin/v1/me"), { token: "wrong" })).status).toBe(401);
  });
});

describe("audit events over REST", () => {
  it("chains a posted event to the tool-call record before it; GET and talon audit verify agree", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    await client.callTool({ name: "echo", arguments: { before: "event" } });
    await client.close();
    const call = (await http(adm("/api/events?kind=proxy_tool_call&limit=1"))).body.events as Entry[];
    const posted = await postEvent({ type: "deployment", actor: "ci", action: "deploy", resource: "talon", outcome: "success", data: { v: 2 } });
    expect(posted.status).toBe(201);
    expect(posted.body).toMatchObject({ seq: call[0]!.seq + 1, prev: call[0]!.hash });
    const [ev] = (await http(adm("/api/events?limit=1"))).body.events as Entry[];
    expect(ev).toMatchObject({ id: posted.body.id, hash: posted.body.hash, kind: "external_event", type: "deployment", source: "admin", data: { v: 2 } });
    const stats = await http(adm("/api/events/stats?window=1h"));
    expect(stats.body).toMatchObject({ byKind: { external_event: expect.any(Number), proxy_tool_call: expect.any(Number) }, lastSeq: posted.body.seq });
    const verify = spawnSync(process.execPath, [TALON, "audit", "verify", "--data", talon.data], { encoding: "utf8" });
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
  });
});

describe("the live evidence stream", () => {
  it("refuses upgrades without the admin token (401) or with a bad filter (400), before accepting them", async () => {
    expect(await refusedWith("", null)).toBe(401);
    expect(await refusedWith("", "wrong-token")).toBe(401);
    expect(await refusedWith("?decision=perhaps", ADMIN)).toBe(400);
    expect(await refusedWith("?colour=red", ADMIN)).toBe(400);
    // A browser page elsewhere cannot open it (cross-site WebSocket hijacking), token or not.
    expect(await refusedWith("", ADMIN, adminPort, "https://evil.example")).toBe(403);
    // Not an upgrade: no such HTTP route.
    expect((await http(adm("/api/events/stream"))).status).toBe(404);
  });

  it("delivers tool-call records live, filtered", async () => {
    const allowed = await subscribe("?agent=echo&tool=echo&decision=allow");
    const denied = await subscribe("?decision=deny");
    const events = await subscribe("?kind=external_event");
    const a = await connectV1(talon.url, TOKENS.TOKEN_A);
    const b = await connectV1(talon.url, TOKENS.TOKEN_B);
    await a.callTool({ name: "echo", arguments: { n: 1 } });
    await a.callTool({ name: "fail", arguments: { email: "x@example.com" } }).catch(() => undefined);
    await mcpError(b.callTool({ name: "echo", arguments: { n: 2 } }));
    await a.callTool({ name: "echo", arguments: { n: 3 } });
    await postEvent({ type: "note" });
    await eventually(() => (allowed.messages.length >= 2 && denied.messages.length >= 1 && events.messages.length >= 1 ? true : undefined));
    // Let anything that should not come have its chance.
    await new Promise((r) => setTimeout(r, 200));
    expect(allowed.messages.map((m) => [m.kind, m.tool, m.decision, m.caller])).toEqual([
      ["proxy_tool_call", "echo", "allow", "vendor-a"],
      ["proxy_tool_call", "echo", "allow", "vendor-a"],
    ]);
    expect(allowed.messages[1]!.seq).toBeGreaterThan(allowed.messages[0]!.seq);
    for (const m of allowed.messages) expect(m.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(denied.messages.map((m) => [m.tool, m.decision, m.caller])).toEqual([["echo", "deny", "vendor-b"]]);
    expect(events.messages.map((m) => [m.kind, m.type])).toEqual([["external_event", "note"]]);
    // Each record is the committed one, chain fields and all.
    const stored = (await http(adm(`/api/events?agent=echo&tool=echo&decision=allow&limit=2`))).body.events as Entry[];
    expect([...stored].reverse()).toEqual(allowed.messages);
    await a.close();
    await b.close();
    for (const s of [allowed, denied, events]) s.ws.close();
    await Promise.all([allowed.closed, denied.closed, events.closed]);
    await eventually(async () => (((await http(adm("/admin/v1/audit/stats"))).body.stream as { subscribers: number }).subscribers === 0 ? true : undefined));
  });

  it("drops a subscriber that stops reading with 1013 'slow consumer'; a reading one keeps every entry", async () => {
    const slow = await subscribe("?kind=external_event");
    const steady = await subscribe("?kind=external_event");
    const streamStats = async () => (await http(adm("/admin/v1/audit/stats"))).body.stream as { subscribers: number; dropped: number };
    const droppedBefore = (await streamStats()).dropped;
    (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();

    // ~30 KiB per event until the server gives up on the paused socket (its kernel buffers first).
    const blob = "x".repeat(30 * 1024);
    const seqs: number[] = [];
    let dropped = false;
    for (let round = 0; round < 250 && !dropped; round++) {
      const batch = await Promise.all(Array.from({ length: 8 }, (_, i) => postEvent({ type: "load", data: { blob, i } })));
      for (const r of batch) {
        expect(r.status).toBe(201);
        seqs.push(r.body.seq as number);
      }
      dropped = (await streamStats()).dropped > droppedBefore;
    }
    expect(dropped).toBe(true);
    expect(await streamStats()).toMatchObject({ subscribers: 1 });
    const metrics = await (await fetch(adm("/metrics"))).text();
    expect(metrics).toMatch(/^talon_evidence_stream_dropped_total [1-9]/m);
    expect(metrics).toMatch(/^talon_evidence_stream_subscribers 1$/m);

    // Once it reads again it gets what was buffered (bounded), then the close frame.
    (slow.ws as unknown as { _socket: { resume(): void } })._socket.resume();
    expect(await slow.closed).toEqual({ code: 1013, reason: "slow consumer" });
    expect(slow.messages.length).toBeLessThan(seqs.length);

    // The reading subscriber got every entry, in order, and is still live.
    const last = await postEvent({ type: "after-drop" });
    await eventually(() => (steady.messages.some((m) => m.seq === last.body.seq) ? true : undefined), 30_000);
    const got = steady.messages.map((m) => m.seq);
    expect(got.slice(0, -1).filter((s) => s >= seqs[0]!).sort((x, y) => x - y)).toEqual([...seqs].sort((x, y) => x - y));
    expect(got).toEqual([...got].sort((x, y) => x - y));
    expect(steady.ws.readyState).toBe(WebSocket.OPEN);
    steady.ws.close();
    await steady.closed;
  }, 180_000);
});
