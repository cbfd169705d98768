/**
 * A pool of keep-alive HTTP/1.1 connections to one origin. One request in flight per connection;
 * idle connections are reused last-in first-out (the most recently used socket is the least
 * likely to have been closed by the server); at most `maxConnections` sockets, with requests
 * beyond that queued in order. One unref'd timer closes connections idle for `idleTimeoutMs` and
 * fails buffered requests that heard nothing for `responseTimeoutMs`.
 */
import type tls from "node:tls";
import { Connection, type ConnectionOwner } from "./connection.js";
import { Http1Error } from "./errors.js";
import { Exchange, type ExchangeOwner } from "./exchange.js";
import { parseOrigin, type Origin } from "./origin.js";
import { checkTarget, RequestHeaders, renderRequest } from "./request.js";
import type { Http1Request, Http1Response } from "./types.js";

/** Pool settings; every field has a default. */
export interface Http1PoolOptions {
  /** Sockets per origin (default 128). */
  readonly maxConnections?: number;
  /** Close a connection idle this long (default 30 s). */
  readonly idleTimeoutMs?: number;
  /**
   * Fail a buffered request after this long without a byte from the upstream (default 300 s, as
   * undici's headers/body timeouts). Streamed responses have no such limit: an event stream may
   * rightly stay quiet for hours. Callers with a deadline run their own timer.
   */
  readonly responseTimeoutMs?: number;
  /** Largest response head, chunk-size line or trailer section (default 64 KiB). */
  readonly maxHeadBytes?: number;
  /** Largest buffered response body (default 64 MiB). */
  readonly maxBodyBytes?: number;
  /** Extra TLS options (`ca`, `rejectUnauthorized`, …) for https origins. */
  readonly tls?: tls.ConnectionOptions;
}

/** Connections to one origin. */
export class Http1Pool implements ConnectionOwner, ExchangeOwner {
  private readonly origin: Origin;
  private readonly maxConnections: number;
  private readonly idleTimeoutMs: number;
  private readonly responseTimeoutMs: number;
  private readonly maxBodyBytes: number;
  private readonly connOptions: { maxHeadBytes: number; tls: tls.ConnectionOptions | undefined };
  /** Every open socket: connecting, busy or idle. */
  private readonly live = new Set<Connection>();
  /** Idle connections, most recently used last. */
  private readonly idle: Connection[] = [];
  private readonly queue: Exchange[] = [];
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private closeWaiters: (() => void)[] = [];
  // The last method and target that passed `checkTarget`: a session sends the same ones every time.
  private checkedMethod = "";
  private checkedPath = "";

  constructor(origin: string | URL, options: Http1PoolOptions = {}) {
    this.origin = parseOrigin(origin);
    this.maxConnections = options.maxConnections ?? 128;
    this.idleTimeoutMs = options.idleTimeoutMs ?? 30_000;
    this.responseTimeoutMs = options.responseTimeoutMs ?? 300_000;
    this.maxBodyBytes = options.maxBodyBytes ?? 64 * 1024 * 1024;
    this.connOptions = { maxHeadBytes: options.maxHeadBytes ?? 64 * 1024, tls: options.tls };
    if (!(this.maxConnections >= 1)) throw new Error("maxConnections must be at least 1");
  }

  /**
   * Send a request. Resolves when the whole response is in (for a streamed body: when the stream
   * ended); rejects with an `Http1Error` (or the caller's sink error) otherwise.
   */
  request(req: Http1Request): Promise<Http1Response> {
    if (this.closed) return Promise.reject(new Http1Error("upstream connection pool closed", "pool_closed"));
    if (req.signal?.aborted) return Promise.reject(new Http1Error("upstream request aborted", "aborted"));
    let bytes: string;
    try {
      if (req.path !== this.checkedPath || req.method !== this.checkedMethod) {
        checkTarget(req.method, req.path);
        this.checkedMethod = req.method;
        this.checkedPath = req.path;
      }
      const headers = req.headers instanceof RequestHeaders ? req.headers : new RequestHeaders(req.headers);
      bytes = renderRequest(req.method, req.path, this.origin.prefix, headers, req.body);
    } catch (err) {
      return Promise.reject(err);
    }
    const ex = new Exchange(this, bytes, req.method === "HEAD", req.stream, req.signal, this.maxBodyBytes);
    try {
      this.dispatch(ex);
    } catch (err) {
      // tls.connect throws synchronously on bad TLS options (an unparsable `ca`, say).
      ex.fail(err instanceof Error ? err : new Error(String(err)));
    }
    return ex.promise;
  }

  /** Counts for tests and health checks. */
  get stats(): { readonly open: number; readonly idle: number; readonly queued: number } {
    return { open: this.live.size, idle: this.idle.length, queued: this.queue.length };
  }

  /**
   * Stop taking requests: queued ones fail, idle sockets and event streams close, buffered
   * requests in flight may finish. Resolves when the last socket is gone.
   */
  close(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      this.stopTimer();
      const closing = new Http1Error("upstream connection pool closed", "pool_closed");
      for (const ex of this.queue.splice(0)) ex.fail(closing);
      for (const conn of this.idle.splice(0)) conn.destroy();
      for (const conn of this.live) if (conn.exchange?.streaming) conn.fail(closing);
    }
    if (this.live.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  /** Close now: everything in flight fails. */
  destroy(): Promise<void> {
    const done = this.close();
    const closing = new Http1Error("upstream connection pool closed", "pool_closed");
    for (const conn of this.live) conn.fail(closing);
    return done;
  }

  /** ConnectionOwner: a response completed on a reusable connection. */
  release(conn: Connection): void {
    if (this.closed) {
      conn.destroy();
      return;
    }
    const next = this.queue.shift();
    if (next !== undefined) {
      conn.send(next, true);
      return;
    }
    conn.parked();
    this.idle.push(conn);
  }

  /** ConnectionOwner: a socket closed; its slot is free again. */
  lost(conn: Connection, retry: Exchange | null): void {
    this.live.delete(conn);
    const at = this.idle.indexOf(conn);
    if (at >= 0) this.idle.splice(at, 1);
    if (retry !== null) {
      if (this.closed) retry.fail(new Http1Error("upstream connection pool closed", "pool_closed"));
      else this.connect(retry);
    }
    // A freed slot lets a queued request open a socket of its own.
    while (!this.closed && this.queue.length > 0 && this.live.size < this.maxConnections) this.connect(this.queue.shift()!);
    if (this.live.size === 0) {
      this.stopTimer();
      if (this.closed) for (const wake of this.closeWaiters.splice(0)) wake();
    }
  }

  /** ExchangeOwner: the caller aborted. */
  abort(ex: Exchange, err: Error): void {
    const conn = ex.conn;
    if (conn !== null) {
      conn.fail(err); // a response half-read cannot be resumed: the socket goes
      return;
    }
    const at = this.queue.indexOf(ex);
    if (at >= 0) this.queue.splice(at, 1);
  }

  private dispatch(ex: Exchange): void {
    let conn: Connection | undefined;
    while ((conn = this.idle.pop()) !== undefined) {
      if (conn.usable) {
        conn.send(ex, true);
        return;
      }
    }
    if (this.live.size < this.maxConnections) this.connect(ex);
    else this.queue.push(ex);
  }

  private connect(ex: Exchange): void {
    const conn = new Connection(this, this.origin, this.connOptions);
    this.live.add(conn);
    conn.send(ex, false);
    if (this.timer === undefined) {
      const every = Math.min(Math.max(Math.min(this.idleTimeoutMs, this.responseTimeoutMs) / 2, 10), 10_000);
      this.timer = setInterval(() => this.sweep(), every);
      this.timer.unref();
    }
  }

  /** Close connections idle too long (the oldest are at the bottom) and time out silent requests. */
  private sweep(): void {
    const now = Date.now();
    let stale = 0;
    while (stale < this.idle.length && now - this.idle[stale]!.activeAt >= this.idleTimeoutMs) stale++;
    for (const conn of this.idle.splice(0, stale)) conn.destroy();
    for (const conn of this.live) {
      const ex = conn.exchange;
      if (ex !== null && !ex.streaming && now - conn.activeAt >= this.responseTimeoutMs) {
        conn.fail(new Http1Error(`upstream sent nothing for ${this.responseTimeoutMs} ms`, "timeout"));
      }
    }
  }

  private stopTimer(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
