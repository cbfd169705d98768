/**
 * The load generator's raw client: Talon's own keep-alive HTTP/1.1 client (`runtime/upstream/
 * http1/`, `net` sockets, one request in flight per socket, one write per request) instead of
 * undici's general stream machinery. One implementation serves both the proxy's upstream side and
 * the benchmark, so the benchmark also exercises it.
 */
import { Http1Pool, RequestHeaders } from "../../runtime/upstream/http1/index.js";
import type { HttpClient, HttpReply } from "./http-client.js";

/** `HttpClient` over `connections` keep-alive sockets. */
export class RawHttpPool implements HttpClient {
  private readonly pool: Http1Pool;
  // Header blocks are rendered once per headers object the caller passes (it passes the same one
  // for every call of a session).
  private readonly headerCache = new WeakMap<object, RequestHeaders>();

  constructor(origin: URL, connections: number) {
    if (origin.protocol !== "http:") throw new Error(`raw client speaks plain http only, not ${origin.protocol}`);
    this.pool = new Http1Pool(origin, { maxConnections: connections });
  }

  async request(
    method: "POST" | "DELETE",
    path: string,
    headers: Readonly<Record<string, string>>,
    body: string | null,
  ): Promise<HttpReply> {
    let prepared = this.headerCache.get(headers);
    if (prepared === undefined) {
      prepared = new RequestHeaders(headers);
      this.headerCache.set(headers, prepared);
    }
    const res = await this.pool.request(body === null ? { method, path, headers: prepared } : { method, path, headers: prepared, body });
    return {
      status: res.status,
      contentType: res.headers["content-type"] ?? "",
      sessionId: res.headers["mcp-session-id"] ?? "",
      body: res.body,
    };
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
