/**
 * The load generator's raw client: HTTP/1.1 written straight onto `net` sockets, one request in
 * flight per socket, keep-alive. It exists to check whether undici's per-request overhead limits
 * the load generator; it only speaks to the plain-HTTP servers the benchmark starts.
 */
import net from "node:net";
import type { HttpClient, HttpReply } from "./http-client.js";
import { ResponseParser, type ParsedResponse } from "./http1-parser.js";

interface Waiter {
  resolve(res: ParsedResponse): void;
  reject(err: Error): void;
}

/** One keep-alive socket; reconnects on the next request after the server closed it. */
class RawConnection {
  private socket: net.Socket | null = null;
  private parser = new ResponseParser();
  private waiter: Waiter | null = null;

  constructor(private readonly host: string, private readonly port: number) {}

  send(bytes: string): Promise<ParsedResponse> {
    const socket = this.socket ?? this.connect();
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      socket.write(bytes);
    });
  }

  destroy(): void {
    this.socket?.destroy();
    this.socket = null;
  }

  private connect(): net.Socket {
    const socket = net.connect({ host: this.host, port: this.port, noDelay: true });
    this.socket = socket;
    this.parser = new ResponseParser();
    socket.on("data", (chunk: Buffer) => {
      let res: ParsedResponse | null;
      try {
        res = this.parser.push(chunk);
      } catch (err) {
        this.fail(socket, err as Error);
        return;
      }
      if (res !== null) this.deliver(socket, res);
    });
    socket.on("end", () => {
      try {
        const res = this.parser.end();
        if (res !== null) this.deliver(socket, res);
      } catch (err) {
        this.fail(socket, err as Error);
        return;
      }
      this.fail(socket, new Error("server closed the connection"));
    });
    socket.on("error", (err) => this.fail(socket, err));
    socket.on("close", () => this.fail(socket, new Error("connection closed")));
    return socket;
  }

  private deliver(socket: net.Socket, res: ParsedResponse): void {
    if (res.close) this.forget(socket);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.resolve(res);
  }

  private fail(socket: net.Socket, err: Error): void {
    this.forget(socket);
    const waiter = this.waiter;
    this.waiter = null;
    waiter?.reject(err);
  }

  private forget(socket: net.Socket): void {
    if (this.socket === socket) {
      this.socket = null;
      socket.destroy();
    }
  }
}

/** `HttpClient` over `connections` raw sockets. */
export class RawHttpPool implements HttpClient {
  private readonly idle: RawConnection[] = [];
  private readonly queue: ((conn: RawConnection) => void)[] = [];
  private readonly all: RawConnection[] = [];
  // Header blocks are rebuilt only when the caller passes a different headers object.
  private readonly headerCache = new WeakMap<object, string>();
  private readonly hostHeader: string;

  constructor(private readonly origin: URL, private readonly connections: number) {
    if (origin.protocol !== "http:") throw new Error(`raw client speaks plain http only, not ${origin.protocol}`);
    this.hostHeader = origin.host;
  }

  async request(
    method: "POST" | "DELETE",
    path: string,
    headers: Readonly<Record<string, string>>,
    body: string | null,
  ): Promise<HttpReply> {
    let block = this.headerCache.get(headers);
    if (block === undefined) {
      block = Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join("");
      this.headerCache.set(headers, block);
    }
    const payload = body ?? "";
    const bytes =
      `${method} ${path} HTTP/1.1\r\nHost: ${this.hostHeader}\r\n${block}` +
      `Content-Length: ${Buffer.byteLength(payload)}\r\n\r\n${payload}`;
    const conn = await this.acquire();
    try {
      const res = await conn.send(bytes);
      return {
        status: res.status,
        contentType: res.headers.get("content-type") ?? "",
        sessionId: res.headers.get("mcp-session-id") ?? "",
        body: res.body.toString("utf8"),
      };
    } finally {
      this.release(conn);
    }
  }

  async close(): Promise<void> {
    for (const conn of this.all) conn.destroy();
  }

  private acquire(): Promise<RawConnection> {
    const conn = this.idle.pop();
    if (conn !== undefined) return Promise.resolve(conn);
    if (this.all.length < this.connections) {
      const fresh = new RawConnection(this.origin.hostname.replace(/^\[|\]$/g, ""), Number(this.origin.port || 80));
      this.all.push(fresh);
      return Promise.resolve(fresh);
    }
    return new Promise((resolve) => this.queue.push(resolve));
  }

  private release(conn: RawConnection): void {
    const next = this.queue.shift();
    if (next !== undefined) next(conn);
    else this.idle.push(conn);
  }
}
