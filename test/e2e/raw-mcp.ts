/**
 * A bare MCP client over node:http for load in e2e tests: one keep-alive agent, a session opened
 * with two POSTs (initialize, notifications/initialized), then `tools/call`s as single POSTs.
 * Much cheaper than an SDK client per call, and it reports transport failures (a killed server)
 * as values instead of throwing, so load loops can tell "answered" from "cut off".
 */
import http from "node:http";

export const PROTOCOL = "2025-06-18";

export interface RawAnswer {
  /** HTTP status; 0 when the request never got a whole answer (refused, reset, cut off). */
  readonly status: number;
  /** The JSON-RPC message (JSON or the last SSE `data:` line); null when absent or unparsable. */
  readonly message: { result?: unknown; error?: { code: number; message: string; data?: unknown }; id?: unknown } | null;
  readonly headers: http.IncomingHttpHeaders;
  /** Why there is no answer (status 0). */
  readonly failure?: string;
}

/** One JSON-RPC message out of a response body: plain JSON, or the last `data:` line of an SSE stream. */
function parseBody(text: string, contentType: string | undefined): RawAnswer["message"] {
  try {
    if (contentType?.startsWith("text/event-stream")) {
      const data = text.split("\n").filter((l) => l.startsWith("data:")).map((l) => l.slice(5).trim());
      return data.length ? (JSON.parse(data[data.length - 1]!) as RawAnswer["message"]) : null;
    }
    return text === "" ? null : (JSON.parse(text) as RawAnswer["message"]);
  } catch {
    return null;
  }
}

/** POST one JSON-RPC message; never rejects. */
export function post(agent: http.Agent, url: string, body: unknown, headers: Record<string, string> = {}): Promise<RawAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  return new Promise((resolve) => {
    const req = http.request(
      url,
      {
        method: "POST",
        agent,
        headers: {
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
          "content-length": String(payload.length),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          resolve({ status: res.statusCode ?? 0, message: parseBody(text, res.headers["content-type"]), headers: res.headers });
        });
        res.on("error", (err) => resolve({ status: 0, message: null, headers: {}, failure: err.message }));
        res.on("aborted", () => resolve({ status: 0, message: null, headers: {}, failure: "aborted" }));
      },
    );
    req.on("error", (err) => resolve({ status: 0, message: null, headers: {}, failure: err.message }));
    req.end(payload);
  });
}

/** An initialized session on `url`. */
export interface RawSession {
  readonly url: string;
  readonly id: string;
  readonly agent: http.Agent;
  /** tools/call `name` with `args`; the JSON-RPC id is picked here. */
  call(name: string, args: Record<string, unknown>): Promise<RawAnswer>;
}

let nextId = 1;

/** initialize + notifications/initialized; throws when the server does not open a session. */
export async function openSession(url: string, agent: http.Agent, headers: Record<string, string> = {}): Promise<RawSession> {
  const init = await post(
    agent,
    url,
    { jsonrpc: "2.0", id: nextId++, method: "initialize", params: { protocolVersion: PROTOCOL, capabilities: {}, clientInfo: { name: "talon-raw", version: "1" } } },
    headers,
  );
  const id = init.headers["mcp-session-id"];
  if (init.status !== 200 || typeof id !== "string" || init.message?.result === undefined) {
    throw new Error(`initialize failed: HTTP ${init.status} ${init.failure ?? JSON.stringify(init.message)}`);
  }
  const sessionHeaders = { ...headers, "mcp-session-id": id, "mcp-protocol-version": PROTOCOL };
  const note = await post(agent, url, { jsonrpc: "2.0", method: "notifications/initialized" }, sessionHeaders);
  if (note.status !== 202) throw new Error(`notifications/initialized: HTTP ${note.status} ${note.failure ?? ""}`);
  return {
    url,
    id,
    agent,
    call: (name, args) => post(agent, url, { jsonrpc: "2.0", id: nextId++, method: "tools/call", params: { name, arguments: args } }, sessionHeaders),
  };
}

/** The `args` the echo upstream (test/fixtures/echo-upstream.mjs) sent back, when the answer is its result. */
export function echoedArgs(a: RawAnswer): Record<string, unknown> | undefined {
  if (a.status !== 200 || a.message === null || a.message.error !== undefined) return undefined;
  const sc = (a.message.result as { structuredContent?: { args?: Record<string, unknown> } } | undefined)?.structuredContent;
  return sc?.args;
}
