/**
 * One keep-alive connection carrying one request at a time (no pipelining). Everything happens
 * in the socket's own callbacks: the response is parsed in `data`, and the caller's promise is
 * resolved (and the connection handed back to the pool) from there, with no extra ticks.
 */
import net from "node:net";
import tls from "node:tls";
import { Http1Error } from "./errors.js";
import type { Exchange } from "./exchange.js";
import type { ParsedHead } from "./head.js";
import type { Origin } from "./origin.js";
import { ResponseParser, type ParserHandler } from "./parser.js";

/** What a connection reports to its pool. */
export interface ConnectionOwner {
  /** The response completed and the connection can take another request. */
  release(conn: Connection): void;
  /** The socket closed. `retry` is an exchange to re-send once on a fresh connection. */
  lost(conn: Connection, retry: Exchange | null): void;
}

/** Limits and TLS settings shared by the connections of a pool. */
export interface ConnectionOptions {
  readonly maxHeadBytes: number;
  readonly tls: tls.ConnectionOptions | undefined;
}

/** A socket to the origin plus the parser and the exchange in flight on it. */
export class Connection implements ParserHandler {
  readonly socket: net.Socket;
  /** The exchange in flight, or null when idle. */
  exchange: Exchange | null = null;
  /** Date.now() of the last request sent or bytes received (for the idle and response timeouts). */
  activeAt = Date.now();
  private readonly parser: ResponseParser;
  /** The current exchange went out on a connection that had served a response before. */
  private reused = false;
  /** Some byte of the current response arrived. */
  private received = false;
  private connected = false;
  private ended = false;
  /** Idle sockets are unref'd so that a pool alone never keeps the process alive (as undici does). */
  private referenced = true;
  private lastError: Error | undefined;

  constructor(
    private readonly owner: ConnectionOwner,
    origin: Origin,
    options: ConnectionOptions,
  ) {
    this.parser = new ResponseParser(this, options.maxHeadBytes);
    let socket: net.Socket;
    if (origin.secure) {
      const servername = net.isIP(origin.host) === 0 ? origin.host : undefined;
      socket = tls.connect({ ALPNProtocols: ["http/1.1"], ...options.tls, host: origin.host, port: origin.port, servername });
      socket.setNoDelay(true);
      socket.on("secureConnect", () => (this.connected = true));
    } else {
      socket = net.connect({ host: origin.host, port: origin.port, noDelay: true });
      socket.on("connect", () => (this.connected = true));
    }
    socket.setKeepAlive(true, 60_000);
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("end", () => this.onEnd());
    socket.on("error", (err: Error) => (this.lastError = err));
    socket.on("close", () => this.onClose());
    this.socket = socket;
  }

  /** Whether an idle connection can take a request (the server has not closed it). */
  get usable(): boolean {
    return !this.ended && !this.socket.destroyed;
  }

  /**
   * Send an exchange. Writes issued while a fresh socket is still connecting are queued by Node
   * and flushed on connect, so there is no wait here either.
   */
  send(ex: Exchange, reused: boolean): void {
    if (!this.referenced) {
      this.socket.ref();
      this.referenced = true;
    }
    this.exchange = ex;
    ex.conn = this;
    this.reused = reused;
    this.received = false;
    this.activeAt = Date.now();
    this.parser.begin(ex.noBody);
    this.socket.write(ex.bytes);
  }

  /** The connection goes idle in the pool. */
  parked(): void {
    this.activeAt = Date.now();
    this.socket.unref();
    this.referenced = false;
  }

  /** Fail the exchange in flight (if any) with `err` and destroy the socket. */
  fail(err: Error): void {
    const ex = this.exchange;
    this.exchange = null;
    this.parser.halt();
    this.socket.destroy();
    ex?.fail(err);
  }

  /** Destroy the socket; an exchange in flight is failed by the close handler. */
  destroy(): void {
    this.socket.destroy();
  }

  onHead(head: ParsedHead): void {
    this.exchange!.started(head);
  }

  onBody(buf: Buffer, start: number, end: number): void {
    this.exchange!.body(buf, start, end);
  }

  private onData(chunk: Buffer): void {
    const ex = this.exchange;
    if (ex === null) {
      // Bytes nobody asked for: the server is confused, and the socket cannot be trusted again.
      this.socket.destroy();
      return;
    }
    this.received = true;
    this.activeAt = Date.now();
    let end: number;
    try {
      end = this.parser.execute(chunk);
    } catch (err) {
      // Malformed input, a limit, or a sink that threw.
      this.fail(err instanceof Error ? err : new Error(String(err)));
      return;
    }
    // Bytes after the response would be a second, unrequested response: do not reuse the socket.
    if (end >= 0) this.complete(ex, end === chunk.length && this.parser.keepAlive);
  }

  private complete(ex: Exchange, reusable: boolean): void {
    this.exchange = null;
    // Hand the connection back first: a queued request then goes out before the caller even runs.
    if (reusable) this.owner.release(this);
    else this.socket.destroy();
    ex.succeed();
  }

  private onEnd(): void {
    this.ended = true;
    const ex = this.exchange;
    if (ex !== null && this.parser.eof()) this.complete(ex, false);
    // Otherwise the close handler reports the cut-off response (the socket closes right after).
  }

  private onClose(): void {
    this.ended = true;
    this.parser.halt();
    const ex = this.exchange;
    this.exchange = null;
    let retry: Exchange | null = null;
    if (ex !== null) {
      // A reused socket that died before answering was most likely closed by the server while
      // idle, before it read our request: re-sending once is safe. After any response byte, or
      // on a fresh socket, the server may have acted on the request, so it is never re-sent.
      if (this.reused && !this.received && !ex.retried) {
        ex.retried = true;
        ex.conn = null;
        retry = ex;
      } else {
        ex.fail(this.closeError());
      }
    }
    this.owner.lost(this, retry);
  }

  private closeError(): Http1Error {
    const err = this.lastError;
    if (!this.connected && err !== undefined) return new Http1Error(err.message, "connect");
    const why = err === undefined ? "" : ` (${err.message})`;
    return this.received
      ? new Http1Error(`upstream closed the connection in the middle of a response${why}`, "closed")
      : new Http1Error(`upstream closed the connection before answering${why}`, "closed");
  }
}
