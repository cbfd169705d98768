/**
 * A Streamable HTTP upstream (MCP 2025-03-26 … 2025-11-25): one upstream session per downstream
 * session. Requests are POSTed over a keep-alive HTTP/1.1 pool (`./http1/`) shared by every
 * session of the same origin; the answer is JSON or an SSE stream (which may carry server→client
 * requests and notifications before the response). After `initialize`, a GET stream carries the
 * upstream's unsolicited messages; `close()` DELETEs the session.
 */
import type { JsonRpcId, JsonRpcResponse } from "../mcp/jsonrpc.js";
import { Http1Pool, RequestHeaders, type BodySink, type ResponseHead, type ResponseHeaders } from "./http1/index.js";
import { Peer, UpstreamError, type Upstream, type UpstreamListener } from "./peer.js";
import { SseDecoder } from "./sse.js";

export interface HttpSpec {
  readonly url: string;
  /** Header carrying upstream credentials (`Authorization: Bearer …`), already resolved. */
  readonly auth: readonly [string, string] | null;
  readonly label: string;
}

const pools = new Map<string, Http1Pool>();

/** One keep-alive pool per upstream origin, shared by all sessions. */
function poolFor(url: URL): Http1Pool {
  let p = pools.get(url.origin);
  if (!p) {
    p = new Http1Pool(url, { maxConnections: 128, idleTimeoutMs: 30_000 });
    pools.set(url.origin, p);
  }
  return p;
}

/** Close every pool (proxy shutdown). */
export async function closeHttpPools(): Promise<void> {
  const all = [...pools.values()];
  pools.clear();
  await Promise.allSettled(all.map((p) => p.close()));
}

/** Feeds one SSE body to the upstream's dispatch: UTF-8 decoded across chunk boundaries, then framed. */
class SseFeed implements BodySink {
  private readonly decoder = new SseDecoder();
  private readonly text = new TextDecoder();

  constructor(private readonly onEvent: (data: string) => void) {}

  data(chunk: Buffer): void {
    for (const data of this.decoder.push(this.text.decode(chunk, { stream: true }))) {
      if (data) this.onEvent(data);
    }
  }
}

export class HttpUpstream extends Peer implements Upstream {
  readonly label: string;
  private readonly pool: Http1Pool;
  private readonly path: string;
  private sessionId: string | undefined;
  private protocolVersion: string | undefined;
  private closed = false;
  private getStream: AbortController | undefined;
  // Header sets, rendered once and rebuilt only when the session id or protocol version changes.
  private postHeaders: RequestHeaders | undefined;
  private plainHeaders: RequestHeaders | undefined;
  // Bound once per upstream, so a request carries no closures of its own.
  private readonly onEvent = (data: string): void => {
    this.receiveText(data);
  };
  /**
   * POST answers: a 2xx event stream is consumed as it arrives (its session id taken first). Other
   * statuses are buffered for `post()` to judge; a 202 acknowledges a notification and is ignored.
   */
  private readonly openPostStream = (head: ResponseHead): BodySink | null => {
    if (head.status < 200 || head.status >= 300 || head.status === 202) return null;
    this.captureSession(head.headers);
    return new SseFeed(this.onEvent);
  };
  /** The GET stream: only a 200 carries unsolicited messages (405 means the upstream has none). */
  private readonly openGetStream = (head: ResponseHead): BodySink | null => (head.status === 200 ? new SseFeed(this.onEvent) : null);

  constructor(
    private readonly spec: HttpSpec,
    listener: UpstreamListener,
  ) {
    super(listener);
    this.label = spec.label;
    const u = new URL(spec.url);
    this.pool = poolFor(u);
    this.path = u.pathname + u.search;
  }

  async start(initParams: Record<string, unknown>, timeoutMs: number): Promise<JsonRpcResponse> {
    const res = await this.newRequest("initialize", initParams, timeoutMs);
    const result = res.result as { protocolVersion?: unknown } | undefined;
    if (result && typeof result.protocolVersion === "string") {
      this.protocolVersion = result.protocolVersion;
      this.postHeaders = this.plainHeaders = undefined;
    }
    return res;
  }

  /** Open the GET stream for unsolicited upstream messages (after `notifications/initialized`). */
  openStream(): void {
    if (this.closed || this.getStream) return;
    const ac = new AbortController();
    this.getStream = ac;
    this.pool
      .request({ method: "GET", path: this.path, headers: this.headers(false, "text/event-stream"), stream: this.openGetStream, signal: ac.signal })
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
      await this.pool.request({ method: "DELETE", path: this.path, headers: this.headers(false) });
    } catch {
      /* the upstream is gone; nothing to release */
    }
  }

  /** `withBody`: the POST set (JSON body, both answer types accepted); else GET/DELETE with `accept`. */
  private headers(withBody: boolean, accept = "application/json, text/event-stream"): RequestHeaders {
    if (withBody) return (this.postHeaders ??= this.buildHeaders(true, accept));
    if (accept === "application/json, text/event-stream") return (this.plainHeaders ??= this.buildHeaders(false, accept));
    return this.buildHeaders(false, accept);
  }

  private buildHeaders(withBody: boolean, accept: string): RequestHeaders {
    const h: Record<string, string> = { accept };
    if (withBody) h["content-type"] = "application/json";
    if (this.sessionId) h["mcp-session-id"] = this.sessionId;
    if (this.protocolVersion) h["mcp-protocol-version"] = this.protocolVersion;
    if (this.spec.auth) h[this.spec.auth[0].toLowerCase()] = this.spec.auth[1];
    return new RequestHeaders(h);
  }

  /** Adopt the upstream's session id from the first response that carries one. */
  private captureSession(headers: ResponseHeaders): void {
    const sid = headers["mcp-session-id"];
    if (sid !== undefined && !this.sessionId) {
      this.sessionId = sid;
      this.postHeaders = this.plainHeaders = undefined;
    }
  }

  protected send(line: string, requestId: number | undefined): void {
    void this.post(line, requestId);
  }

  /** POST one message and route the answer; never rejects (a failure fails the request it carried). */
  private async post(line: string, requestId: number | undefined): Promise<void> {
    try {
      const res = await this.pool.request({ method: "POST", path: this.path, headers: this.headers(true), body: line, stream: this.openPostStream });
      this.captureSession(res.headers);
      if (res.status === 202 || res.status === 204) return;
      if (res.status === 404 && this.sessionId) throw new UpstreamError("upstream session expired (404)", "http_status");
      if (res.status < 200 || res.status >= 300) {
        // An HTTP error may still carry a JSON-RPC error body; use it if it parses.
        if (String(res.headers["content-type"] ?? "").includes("application/json") && this.receiveText(res.body)) return;
        throw new UpstreamError(`upstream answered HTTP ${res.status}`, "http_status");
      }
      if (res.streamed) {
        // The stream ended; a request it never answered will not be answered now.
        if (requestId !== undefined) this.failOne(requestId, new UpstreamError("upstream closed the stream without answering", "garbage"));
        return;
      }
      if (requestId !== undefined && !this.receiveText(res.body)) {
        throw new UpstreamError(`upstream answered with something that is not JSON-RPC: ${JSON.stringify(res.body.slice(0, 80))}`, "garbage");
      }
    } catch (err) {
      const e = err instanceof UpstreamError ? err : new UpstreamError(`upstream unreachable: ${(err as Error).message}`, "unreachable");
      if (requestId !== undefined) this.failOne(requestId, e);
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
}
