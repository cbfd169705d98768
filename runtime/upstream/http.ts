/**
 * A Streamable HTTP upstream (MCP 2025-03-26 … 2025-11-25): one upstream session per downstream
 * session. Requests are POSTed over a keep-alive undici pool shared by every session of the same
 * origin; the answer is JSON or an SSE stream (which may carry server→client requests and
 * notifications before the response). After `initialize`, a GET stream carries the upstream's
 * unsolicited messages; `close()` DELETEs the session.
 */
import { Pool } from "undici";
import type { JsonRpcId, JsonRpcResponse } from "../mcp/jsonrpc.js";
import { Peer, UpstreamError, type Upstream, type UpstreamListener } from "./peer.js";
import { SseDecoder } from "./sse.js";

export interface HttpSpec {
  readonly url: string;
  /** Header carrying upstream credentials (`Authorization: Bearer …`), already resolved. */
  readonly auth: readonly [string, string] | null;
  readonly label: string;
}

const pools = new Map<string, Pool>();

/** One keep-alive pool per upstream origin, shared by all sessions. */
function poolFor(origin: string): Pool {
  let p = pools.get(origin);
  if (!p) {
    p = new Pool(origin, { connections: 128, pipelining: 1, keepAliveTimeout: 30_000 });
    pools.set(origin, p);
  }
  return p;
}

/** Close every pool (proxy shutdown). */
export async function closeHttpPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}

export class HttpUpstream extends Peer implements Upstream {
  readonly label: string;
  private readonly pool: Pool;
  private readonly path: string;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private closed = false;
  private getStream: AbortController | undefined;

  constructor(
    private readonly spec: HttpSpec,
    listener: UpstreamListener,
  ) {
    super(listener);
    this.label = spec.label;
    const u = new URL(spec.url);
    this.pool = poolFor(u.origin);
    this.path = u.pathname + u.search;
  }

  async start(initParams: Record<string, unknown>, timeoutMs: number): Promise<JsonRpcResponse> {
    const res = await this.newRequest("initialize", initParams, timeoutMs);
    const result = res.result as { protocolVersion?: unknown } | undefined;
    if (result && typeof result.protocolVersion === "string") this.protocolVersion = result.protocolVersion;
    return res;
  }

  /** Open the GET stream for unsolicited upstream messages (after `notifications/initialized`). */
  openStream(): void {
    if (this.closed || this.getStream) return;
    const ac = new AbortController();
    this.getStream = ac;
    this.pool
      .request({ path: this.path, method: "GET", headers: this.headers(false, "text/event-stream"), signal: ac.signal })
      .then(async (res) => {
        if (res.statusCode !== 200) {
          await res.body.dump();
          return; // 405: the upstream offers no GET stream, which the spec allows
        }
        await this.consumeSse(res.body);
      })
      .catch(() => {
        /* stream ended or aborted; unsolicited messages then ride on POST streams only */
      });
  }

  async request(method: string, params: Record<string, unknown> | undefined, timeoutMs: number, onSent?: (id: number) => void): Promise<JsonRpcResponse> {
    if (this.closed) throw new UpstreamError("upstream session closed", "closed");
    return this.newRequest(method, params, timeoutMs, onSent);
  }

  notify(method: string, params: Record<string, unknown> | undefined): void {
    if (!this.closed) this.sendNotification(method, params);
  }

  respond(id: JsonRpcId, payload: { result: unknown } | { error: { code: number; message: string; data?: unknown } }): void {
    if (!this.closed) this.sendResponse(id, payload);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.getStream?.abort();
    this.failAll(new UpstreamError("upstream session closed", "closed"));
    if (!this.sessionId) return;
    try {
      const res = await this.pool.request({ path: this.path, method: "DELETE", headers: this.headers(false) });
      await res.body.dump();
    } catch {
      /* the upstream is gone; nothing to release */
    }
  }

  private headers(withBody: boolean, accept = "application/json, text/event-stream"): Record<string, string> {
    const h: Record<string, string> = { accept };
    if (withBody) h["content-type"] = "application/json";
    if (this.sessionId) h["mcp-session-id"] = this.sessionId;
    if (this.protocolVersion) h["mcp-protocol-version"] = this.protocolVersion;
    if (this.spec.auth) h[this.spec.auth[0].toLowerCase()] = this.spec.auth[1];
    return h;
  }

  protected send(line: string, requestId: number | undefined): void {
    this.post(line, requestId).catch((err: unknown) => {
      const e = err instanceof UpstreamError ? err : new UpstreamError(`upstream unreachable: ${(err as Error).message}`, "unreachable");
      if (requestId !== undefined) this.failOne(requestId, e);
    });
  }

  private async post(line: string, requestId: number | undefined): Promise<void> {
    const res = await this.pool.request({ path: this.path, method: "POST", headers: this.headers(true), body: line });
    const sid = res.headers["mcp-session-id"];
    if (typeof sid === "string" && !this.sessionId) this.sessionId = sid;
    if (res.statusCode === 202 || res.statusCode === 204) {
      await res.body.dump();
      return;
    }
    if (res.statusCode === 404 && this.sessionId) {
      await res.body.dump();
      throw new UpstreamError("upstream session expired (404)", "http_status");
    }
    const ctype = String(res.headers["content-type"] ?? "");
    if (res.statusCode < 200 || res.statusCode >= 300) {
      // An HTTP error may still carry a JSON-RPC error body; use it if it parses.
      const text = await res.body.text();
      if (ctype.includes("application/json") && this.receiveText(text)) return;
      throw new UpstreamError(`upstream answered HTTP ${res.statusCode}`, "http_status");
    }
    if (ctype.includes("text/event-stream")) {
      await this.consumeSse(res.body);
      // The stream ended; a request it never answered will not be answered now.
      if (requestId !== undefined) this.failOne(requestId, new UpstreamError("upstream closed the stream without answering", "garbage"));
      return;
    }
    const text = await res.body.text();
    if (requestId !== undefined && !this.receiveText(text)) {
      throw new UpstreamError(`upstream answered with something that is not JSON-RPC: ${JSON.stringify(text.slice(0, 80))}`, "garbage");
    }
  }

  private receiveText(text: string): boolean {
    let msg: unknown;
    try {
      msg = JSON.parse(text);
    } catch {
      return false;
    }
    return this.receive(msg);
  }

  private async consumeSse(body: AsyncIterable<Buffer | string> & { setEncoding?(e: string): void }): Promise<void> {
    const decoder = new SseDecoder();
    const td = new TextDecoder();
    for await (const chunk of body) {
      const text = typeof chunk === "string" ? chunk : td.decode(chunk, { stream: true });
      for (const data of decoder.push(text)) {
        if (data) this.receiveText(data);
      }
    }
  }
}
