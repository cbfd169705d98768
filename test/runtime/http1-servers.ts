/**
 * Test servers for the HTTP/1.1 client tests: a raw `net` server whose handler writes whatever
 * bytes a test wants (split, reset, malformed), a `node:http` server, and cleanup of both plus the
 * pools a test made.
 */
import http from "node:http";
import net from "node:net";
import type { AddressInfo } from "node:net";
import { Http1Pool, type Http1PoolOptions } from "../../runtime/upstream/http1/index.js";

/** A request as a test server saw it. */
export interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Index of the connection it came on (0 = first accepted) and its number on that connection. */
  readonly conn: number;
  readonly nth: number;
}

/** Handles one request on a raw server: write the reply bytes to `socket` (or not). */
export type RawHandler = (req: SeenRequest, socket: net.Socket) => void;

/** A running raw server. */
export interface RawServer {
  readonly url: string;
  readonly requests: SeenRequest[];
  readonly sockets: net.Socket[];
  /** Resolves when server-side socket `i` has closed. */
  closed(i: number): Promise<void>;
}

const cleanups: (() => Promise<void> | void)[] = [];

/** Close everything the test opened (call from afterEach). */
export async function cleanup(): Promise<void> {
  for (const fn of cleanups.splice(0).reverse()) await fn();
}

/** A pool that `cleanup()` destroys. */
export function testPool(url: string, options?: Http1PoolOptions): Http1Pool {
  const pool = new Http1Pool(url, options);
  cleanups.push(() => pool.destroy());
  return pool;
}

/** Parse requests off a server socket (the client only sends Content-Length bodies). */
function readRequests(socket: net.Socket, conn: number, handle: (req: SeenRequest) => void): void {
  let buf = Buffer.alloc(0);
  let nth = 0;
  socket.on("data", (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    for (;;) {
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = buf.toString("latin1", 0, end).split("\r\n");
      const [method, path] = lines[0]!.split(" ") as [string, string];
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
      }
      const length = Number(headers["content-length"] ?? 0);
      if (buf.length < end + 4 + length) return;
      const body = buf.toString("utf8", end + 4, end + 4 + length);
      buf = buf.subarray(end + 4 + length);
      handle({ method, path, headers, body, conn, nth: nth++ });
    }
  });
}

/** Start a raw `net` server on 127.0.0.1 calling `handler` for every request. */
export async function rawServer(handler: RawHandler): Promise<RawServer> {
  const requests: SeenRequest[] = [];
  const sockets: net.Socket[] = [];
  const closedAt = new Map<number, Promise<void>>();
  const server = net.createServer((socket) => {
    const conn = sockets.length;
    sockets.push(socket);
    closedAt.set(conn, new Promise((resolve) => socket.on("close", () => resolve())));
    socket.on("error", () => undefined);
    socket.setNoDelay(true);
    readRequests(socket, conn, (req) => {
      requests.push(req);
      handler(req, socket);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, requests, sockets, closed: (i) => closedAt.get(i)! };
}

/** Start a `node:http` server on 127.0.0.1. */
export async function httpServer(handler: http.RequestListener, keepAliveTimeout = 30_000): Promise<{ url: string; server: http.Server }> {
  const server = http.createServer(handler);
  server.keepAliveTimeout = keepAliveTimeout;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/mcp`, server };
}

/** `HTTP/1.1 200 OK` with a Content-Length body. */
export function okResponse(body: string, extra = ""): string {
  return `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n${extra}Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Resolves after `ms` (to let bytes written separately arrive as separate reads). */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Poll `cond` until it holds (a state change that arrives through the event loop). */
export async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (cond()) return;
    await pause(5);
  }
  throw new Error(`timed out waiting for ${what}`);
}
