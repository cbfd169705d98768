/**
 * `HttpUpstream` on the HTTP/1.1 client, against a scripted Streamable HTTP server: session id
 * capture, JSON and SSE answers (with server→client requests in between), 202, 404 after a
 * session, HTTP errors with and without a JSON-RPC body, the GET stream, and DELETE on close.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import type { JsonRpcNotification, JsonRpcRequest } from "../../runtime/mcp/jsonrpc.js";
import { closeHttpPools, HttpUpstream } from "../../runtime/upstream/http.js";
import { UpstreamError, type UpstreamListener } from "../../runtime/upstream/peer.js";
import { cleanup, httpServer, until } from "./http1-servers.js";

afterEach(cleanup);
afterAll(closeHttpPools);

interface Seen {
  readonly method: string;
  readonly headers: IncomingMessage["headers"];
  readonly msg: { id?: number | string; method?: string; result?: unknown } | null;
}

type Script = (msg: Seen["msg"], res: ServerResponse, req: IncomingMessage) => void;

/** A server that records every request and answers per the JSON-RPC method (or GET/DELETE). */
async function mcpServer(script: Record<string, Script>) {
  const seen: Seen[] = [];
  const { url } = await httpServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const msg = body ? (JSON.parse(body) as Seen["msg"]) : null;
      seen.push({ method: req.method!, headers: req.headers, msg });
      const key = req.method === "POST" ? (msg?.method ?? (msg?.id !== undefined ? "response" : "?")) : req.method!;
      const handler = script[key];
      if (handler) handler(msg, res, req);
      else res.writeHead(500).end();
    });
  });
  return { url, seen };
}

function json(res: ServerResponse, body: unknown, status = 200, extra: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...extra }).end(JSON.stringify(body));
}

const initialize: Script = (msg, res) =>
  json(res, { jsonrpc: "2.0", id: msg!.id, result: { protocolVersion: "2025-06-18", capabilities: {} } }, 200, { "mcp-session-id": "sess-42" });

class Inbox implements UpstreamListener {
  readonly messages: (JsonRpcRequest | JsonRpcNotification)[] = [];
  onMessage(msg: JsonRpcRequest | JsonRpcNotification): void {
    this.messages.push(msg);
  }
}

function upstream(url: string, inbox = new Inbox()): HttpUpstream {
  return new HttpUpstream({ url, auth: ["Authorization", "Bearer up-token"], label: "test" }, inbox);
}

async function failure(p: Promise<unknown>): Promise<UpstreamError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UpstreamError);
  return err as UpstreamError;
}

describe("HttpUpstream over the HTTP/1.1 client", () => {
  it("captures the session id and protocol version and sends them, with credentials, on later requests", async () => {
    const { url, seen } = await mcpServer({
      initialize,
      "notifications/initialized": (_m, res) => res.writeHead(202).end(),
      "tools/list": (msg, res) => json(res, { jsonrpc: "2.0", id: msg!.id, result: { tools: [] } }),
    });
    const up = upstream(url);
    const init = await up.start({ protocolVersion: "2025-06-18" }, 5000);
    expect(init.result).toMatchObject({ protocolVersion: "2025-06-18" });
    up.notify("notifications/initialized", undefined);
    expect((await up.request("tools/list", undefined, 5000)).result).toEqual({ tools: [] });
    expect(seen.map((s) => [s.msg?.method, s.headers["mcp-session-id"], s.headers["mcp-protocol-version"]])).toEqual([
      ["initialize", undefined, undefined],
      ["notifications/initialized", "sess-42", "2025-06-18"],
      ["tools/list", "sess-42", "2025-06-18"],
    ]);
    for (const s of seen) {
      expect(s.headers.authorization).toBe("Bearer up-token");
      expect(s.headers.accept).toBe("application/json, text/event-stream");
      expect(s.headers["content-type"]).toBe("application/json");
    }
    await up.close();
  });

  it("consumes an SSE answer as it arrives: a server→client request first, answered before the response", async () => {
    const inbox = new Inbox();
    let pending: { res: ServerResponse; id: number | string } | undefined;
    const { url, seen } = await mcpServer({
      initialize,
      "tools/call": (msg, res) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`event: message\ndata: ${JSON.stringify({ jsonrpc: "2.0", id: "srv-1", method: "sampling/createMessage", params: {} })}\n\n`);
        pending = { res, id: msg!.id! };
      },
      // The client's answer to srv-1 arrives while the tools/call stream is still open.
      response: (msg, res) => {
        res.writeHead(202).end();
        const { res: stream, id } = pending!;
        stream.end(`data: ${JSON.stringify({ jsonrpc: "2.0", id, result: { answered: msg!.result } })}\n\n`);
      },
    });
    const up = upstream(url, inbox);
    await up.start({}, 5000);
    const call = up.request("tools/call", { name: "t" }, 5000);
    await until(() => inbox.messages.length === 1, "the server→client request");
    expect(inbox.messages[0]).toMatchObject({ id: "srv-1", method: "sampling/createMessage" });
    up.respond("srv-1", { result: { text: "hi" } });
    expect((await call).result).toEqual({ answered: { text: "hi" } });
    expect(seen.map((s) => s.msg?.method ?? "response")).toEqual(["initialize", "tools/call", "response"]);
    await up.close();
  });

  it("fails a request whose SSE stream ends without answering it", async () => {
    const { url } = await mcpServer({
      initialize,
      "tools/call": (_m, res) => res.writeHead(200, { "content-type": "text/event-stream" }).end(": just a comment\n\n"),
    });
    const up = upstream(url);
    await up.start({}, 5000);
    const err = await failure(up.request("tools/call", {}, 5000));
    expect(err.kind).toBe("garbage");
    expect(err.message).toBe("upstream closed the stream without answering");
    await up.close();
  });

  it("maps HTTP errors: 404 after a session is expiry, a JSON-RPC error body is used, anything else is the status", async () => {
    const { url } = await mcpServer({
      initialize,
      "tools/list": (_m, res) => res.writeHead(404).end("gone"),
      "tools/call": (msg, res) => json(res, { jsonrpc: "2.0", id: msg!.id, error: { code: -32602, message: "bad args" } }, 400),
      "prompts/list": (_m, res) => res.writeHead(503, { "content-type": "text/plain" }).end("busy"),
      "resources/list": (_m, res) => res.writeHead(200, { "content-type": "application/json" }).end("not json"),
    });
    const up = upstream(url);
    await up.start({}, 5000);
    expect(await failure(up.request("tools/list", undefined, 5000))).toMatchObject({ kind: "http_status", message: "upstream session expired (404)" });
    expect((await up.request("tools/call", {}, 5000)).error).toEqual({ code: -32602, message: "bad args" });
    expect(await failure(up.request("prompts/list", undefined, 5000))).toMatchObject({ kind: "http_status", message: "upstream answered HTTP 503" });
    expect(await failure(up.request("resources/list", undefined, 5000))).toMatchObject({
      kind: "garbage",
      message: 'upstream answered with something that is not JSON-RPC: "not json"',
    });
    await up.close();
  });

  it("reports an upstream that is not there as unreachable", async () => {
    const { url } = await httpServer(() => undefined);
    await cleanup();
    const err = await failure(upstream(url).start({}, 5000));
    expect(err.kind).toBe("unreachable");
    expect(err.message).toMatch(/^upstream unreachable: connect ECONNREFUSED/);
  });

  it("reads unsolicited messages from the GET stream, aborts it and DELETEs the session on close", async () => {
    const inbox = new Inbox();
    let getClosed = false;
    const { url, seen } = await mcpServer({
      initialize,
      GET: (_m, res, req) => {
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write(`data: ${JSON.stringify({ jsonrpc: "2.0", method: "notifications/tools/list_changed" })}\n\n`);
        req.socket.on("close", () => (getClosed = true));
      },
      DELETE: (_m, res) => res.writeHead(200).end(),
    });
    const up = upstream(url, inbox);
    await up.start({}, 5000);
    up.openStream();
    await until(() => inbox.messages.length === 1, "the GET stream's notification");
    expect(inbox.messages[0]).toEqual({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
    await up.close();
    await until(() => getClosed, "the GET stream to close");
    const get = seen.find((s) => s.method === "GET")!;
    expect(get.headers.accept).toBe("text/event-stream");
    expect(get.headers["mcp-session-id"]).toBe("sess-42");
    const del = seen.find((s) => s.method === "DELETE")!;
    expect(del.headers["mcp-session-id"]).toBe("sess-42");
    expect(del.headers.authorization).toBe("Bearer up-token");
  });

  it("takes a 405 on GET as no stream", async () => {
    const { url, seen } = await mcpServer({
      initialize,
      GET: (_m, res) => res.writeHead(405, { "content-type": "text/event-stream" }).end("data: {\"jsonrpc\":\"2.0\",\"method\":\"x\"}\n\n"),
      "tools/list": (msg, res) => json(res, { jsonrpc: "2.0", id: msg!.id, result: { tools: [] } }),
    });
    const inbox = new Inbox();
    const up = upstream(url, inbox);
    await up.start({}, 5000);
    up.openStream();
    await until(() => seen.some((s) => s.method === "GET"), "the GET");
    // The session goes on over POST; the 405's body was never taken for messages.
    expect((await up.request("tools/list", undefined, 5000)).result).toEqual({ tools: [] });
    expect(inbox.messages).toEqual([]);
    await up.close();
  });
});
