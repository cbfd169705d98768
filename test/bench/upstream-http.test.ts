import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningServer } from "../../bench/e2e/processes.js";
import { startFastUpstream } from "./dist.js";

// The upstream runs as its own process: vitest may run on a Node without the native uWS addon.
let upstream: RunningServer;
let url: string;

beforeAll(async () => {
  ({ server: upstream, url } = await startFastUpstream());
});
afterAll(() => upstream.stop());

async function post(body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

// Replies are checked field by field below; `any` keeps those checks short.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test-only JSON access
async function json(res: Response): Promise<any> {
  return res.json();
}

async function openSession(protocolVersion = "2025-11-25"): Promise<{ sid: string; result: any }> {
  const res = await post({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion, capabilities: {} } });
  expect(res.status).toBe(200);
  const sid = res.headers.get("mcp-session-id");
  expect(sid).toMatch(/^[0-9a-f-]{36}$/);
  return { sid: sid!, result: (await json(res)).result };
}

describe("fast upstream over HTTP", () => {
  it("echoes a supported protocol version and answers the latest for an unknown one", async () => {
    for (const v of ["2025-03-26", "2025-06-18", "2025-11-25"]) {
      const { result } = await openSession(v);
      expect(result.protocolVersion).toBe(v);
      expect(result.capabilities).toEqual({ tools: {} });
      expect(result.serverInfo.name).toBe("talon-bench-fast-upstream");
    }
    expect((await openSession("1999-01-01")).result.protocolVersion).toBe("2025-11-25");
  });

  it("accepts notifications/initialized with 202 and an empty body", async () => {
    const { sid } = await openSession();
    const res = await post({ jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": sid });
    expect(res.status).toBe(202);
    expect(await res.text()).toBe("");
  });

  it("lists ticket_search with an input schema", async () => {
    const { sid } = await openSession();
    const res = await post({ jsonrpc: "2.0", id: "l", method: "tools/list" }, { "mcp-session-id": sid });
    expect(res.headers.get("content-type")).toBe("application/json");
    const body = await json(res);
    expect(body.id).toBe("l");
    expect(body.result.tools).toHaveLength(1);
    expect(body.result.tools[0].name).toBe("ticket_search");
    expect(body.result.tools[0].inputSchema.type).toBe("object");
  });

  it("answers tools/call with ~1 KiB: 3 tickets with PII, mirrored as text", async () => {
    const { sid } = await openSession();
    const res = await post(
      { jsonrpc: "2.0", id: 42, method: "tools/call", params: { name: "ticket_search", arguments: { query: "x" } } },
      { "mcp-session-id": sid },
    );
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(text.length).toBeGreaterThan(900);
    expect(text.length).toBeLessThan(1600);
    const body = JSON.parse(text);
    expect(body).toMatchObject({ jsonrpc: "2.0", id: 42 });
    const { structuredContent, content, isError } = body.result;
    expect(isError).toBe(false);
    expect(structuredContent.tickets).toHaveLength(3);
    for (const t of structuredContent.tickets) {
      expect(t.requester.email).toMatch(/@example\./);
      expect(t.requester.phone).toMatch(/^\+\d/);
    }
    expect(JSON.parse(content[0].text)).toEqual(structuredContent);
  });

  it("rejects an unknown tool with -32602 and an unknown method with -32601", async () => {
    const { sid } = await openSession();
    const h = { "mcp-session-id": sid };
    const a = await json(await post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "nope" } }, h));
    expect(a.error.code).toBe(-32602);
    const b = await json(await post({ jsonrpc: "2.0", id: 2, method: "resources/list" }, h));
    expect(b.error.code).toBe(-32601);
  });

  it("answers a batch in one array", async () => {
    const { sid } = await openSession();
    const res = await post(
      [
        { jsonrpc: "2.0", id: 1, method: "ping" },
        { jsonrpc: "2.0", method: "notifications/progress" },
        { jsonrpc: "2.0", id: 2, method: "tools/list" },
      ],
      { "mcp-session-id": sid },
    );
    const body = await json(res);
    expect(body.map((m: any) => m.id)).toEqual([1, 2]);
  });

  it("enforces sessions: missing id 400, unknown id 404, DELETE ends a session", async () => {
    const call = { jsonrpc: "2.0", id: 1, method: "tools/list" };
    expect((await post(call)).status).toBe(400);
    expect((await post(call, { "mcp-session-id": "not-a-session" })).status).toBe(404);
    const { sid } = await openSession();
    expect((await post(call, { "mcp-session-id": sid })).status).toBe(200);
    const del = await fetch(url, { method: "DELETE", headers: { "mcp-session-id": sid } });
    expect(del.status).toBe(200);
    expect((await post(call, { "mcp-session-id": sid })).status).toBe(404);
  });

  it("rejects bad JSON with 400 / -32700, GET with 405 and other paths with 404", async () => {
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect((await json(bad)).error.code).toBe(-32700);
    expect((await fetch(url)).status).toBe(405);
    expect((await fetch(url.replace("/mcp", "/other"), { method: "POST", body: "{}" })).status).toBe(404);
  });

  it("reassembles a body that arrives in many chunks", async () => {
    const { sid } = await openSession();
    const big = JSON.stringify({ jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "ticket_search", arguments: { query: "q".repeat(300_000) } } });
    const res = await post(big, { "mcp-session-id": sid });
    expect((await json(res)).id).toBe(9);
  });
});
