/**
 * The HTTP/1.1 client's streaming side and pool behaviour: event-stream bodies delivered as they
 * arrive, aborts, queueing beyond the connection cap, shutdown, and TLS.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Http1Error, type BodySink, type ResponseHead } from "../../runtime/upstream/http1/index.js";
import { cleanup, httpServer, okResponse, rawServer, testPool, until } from "./http1-servers.js";

afterEach(cleanup);

/** A sink that records chunks as text and lets a test wait for some text to arrive. */
class Collector implements BodySink {
  text = "";
  private waiters: { needle: string; resolve: () => void }[] = [];
  data(chunk: Buffer): void {
    this.text += chunk.toString("utf8");
    this.waiters = this.waiters.filter((w) => (this.text.includes(w.needle) ? (w.resolve(), false) : true));
  }
  saw(needle: string): Promise<void> {
    if (this.text.includes(needle)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ needle, resolve }));
  }
}

describe("Http1Pool: event streams", () => {
  it("delivers events while the response is still open, and resolves when it ends", async () => {
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    const { url } = await httpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream", "mcp-session-id": "sse-1" });
      res.write("event: message\ndata: one\n\n");
      void finished.then(() => res.end("data: two\n\n"));
    });
    const pool = testPool(url);
    const sink = new Collector();
    const heads: ResponseHead[] = [];
    let settled = false;
    const done = pool
      .request({ method: "POST", path: "/mcp", headers: {}, body: "{}", stream: (head) => (heads.push(head), sink) })
      .finally(() => (settled = true));
    await sink.saw("data: one");
    expect(settled).toBe(false);
    expect(heads.map((h) => [h.status, h.headers["content-type"], h.headers["mcp-session-id"]])).toEqual([[200, "text/event-stream", "sse-1"]]);
    finish();
    const res = await done;
    expect(res).toMatchObject({ status: 200, body: "", streamed: true });
    expect(sink.text).toBe("event: message\ndata: one\n\ndata: two\n\n");
    expect(pool.stats.idle).toBe(1); // a chunked stream that ended leaves the socket reusable
  });

  it("asks the opener only for event streams, and buffers when it declines", async () => {
    const { url } = await httpServer((req, res) => {
      if (req.url === "/json") res.writeHead(200, { "content-type": "application/json" }).end("{}");
      else res.writeHead(500, { "content-type": "text/event-stream" }).end("data: x\n\n");
    });
    const pool = testPool(url);
    const asked: number[] = [];
    const opener = (head: ResponseHead) => (asked.push(head.status), null);
    expect((await pool.request({ method: "GET", path: "/json", headers: {}, stream: opener })).body).toBe("{}");
    const res = await pool.request({ method: "GET", path: "/sse", headers: {}, stream: opener });
    expect(res).toMatchObject({ status: 500, body: "data: x\n\n", streamed: false });
    expect(asked).toEqual([500]);
  });

  it("aborts a stream: the promise rejects and the socket is closed", async () => {
    const server = await rawServer((_req, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n");
      socket.write("B\r\ndata: one\n\n\r\n");
    });
    const pool = testPool(server.url);
    const ac = new AbortController();
    const sink = new Collector();
    const done = pool.request({ method: "GET", path: "/mcp", headers: {}, stream: () => sink, signal: ac.signal });
    await sink.saw("data: one");
    ac.abort();
    const err = (await done.catch((e: unknown) => e)) as Http1Error;
    expect(err).toBeInstanceOf(Http1Error);
    expect(err.kind).toBe("aborted");
    expect(err.name).toBe("AbortError");
    await server.closed(0);
    await until(() => pool.stats.open === 0, "the pool to forget the socket");
  });

  it("fails the request, and drops the socket, when the sink throws", async () => {
    const server = await rawServer((_req, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: boom\n\n");
    });
    const pool = testPool(server.url);
    const sink: BodySink = {
      data() {
        throw new Error("listener failed");
      },
    };
    await expect(pool.request({ method: "GET", path: "/mcp", headers: {}, stream: () => sink })).rejects.toThrow("listener failed");
    await server.closed(0);
  });
});

describe("Http1Pool: the connection cap and shutdown", () => {
  it("queues requests beyond the cap and serves them all over at most that many sockets", async () => {
    const ports = new Set<number>();
    let inFlight = 0;
    let peak = 0;
    const { url } = await httpServer((req, res) => {
      ports.add(req.socket.remotePort!);
      peak = Math.max(peak, ++inFlight);
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () =>
        setTimeout(() => {
          inFlight--;
          res.end(`{"echo":${body}}`);
        }, 1),
      );
    });
    const pool = testPool(url, { maxConnections: 4 });
    const all = Array.from({ length: 100 }, (_, i) => pool.request({ method: "POST", path: "/mcp", headers: {}, body: String(i) }));
    expect(pool.stats).toEqual({ open: 4, idle: 0, queued: 96 });
    const results = await Promise.all(all);
    expect(results.map((r) => JSON.parse(r.body) as unknown)).toEqual(Array.from({ length: 100 }, (_, i) => ({ echo: i })));
    expect(ports.size).toBeLessThanOrEqual(4);
    expect(peak).toBeLessThanOrEqual(4);
    expect(pool.stats).toEqual({ open: 4, idle: 4, queued: 0 });
  });

  it("drops an aborted request from the queue without sending it", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await rawServer((req, socket) => {
      if (req.body === "slow") void held.then(() => socket.write(okResponse('"slow"')));
      else socket.write(okResponse(`"${req.body}"`));
    });
    const pool = testPool(server.url, { maxConnections: 1 });
    const slow = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "slow" });
    const ac = new AbortController();
    const queued = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "dropped", signal: ac.signal });
    const next = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "next" });
    expect(pool.stats.queued).toBe(2);
    ac.abort();
    await expect(queued).rejects.toMatchObject({ kind: "aborted" });
    expect(pool.stats.queued).toBe(1);
    release();
    expect((await slow).body).toBe('"slow"');
    expect((await next).body).toBe('"next"');
    expect(server.requests.map((r) => r.body)).toEqual(["slow", "next"]);
  });

  it("rejects an already aborted request at once", async () => {
    const server = await rawServer((_req, socket) => socket.write(okResponse("{}")));
    const ac = new AbortController();
    ac.abort();
    await expect(testPool(server.url).request({ method: "GET", path: "/mcp", headers: {}, signal: ac.signal })).rejects.toMatchObject({ kind: "aborted" });
    expect(server.sockets).toHaveLength(0);
  });

  it("close() fails queued requests, ends streams, lets buffered ones finish, then resolves", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const server = await rawServer((req, socket) => {
      if (req.body === "stream") socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n\r\ndata: hi\n\n");
      else void held.then(() => socket.write(okResponse(`"${req.body}"`)));
    });
    const pool = testPool(server.url, { maxConnections: 2 });
    const sink = new Collector();
    const stream = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "stream", stream: () => sink });
    const busy = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "busy" });
    const queued = pool.request({ method: "POST", path: "/mcp", headers: {}, body: "queued" });
    await sink.saw("data: hi");
    await until(() => server.requests.length === 2, "both requests to reach the server");
    let closed = false;
    const closing = pool.close().then(() => (closed = true));
    await expect(queued).rejects.toMatchObject({ kind: "pool_closed" });
    await expect(stream).rejects.toMatchObject({ kind: "pool_closed" });
    expect(closed).toBe(false);
    release();
    expect((await busy).body).toBe('"busy"');
    await closing;
    expect(pool.stats.open).toBe(0);
    await expect(pool.request({ method: "GET", path: "/mcp", headers: {} })).rejects.toMatchObject({ kind: "pool_closed" });
  });
});

/** A self-signed certificate for 127.0.0.1 made with the openssl CLI, or null when there is none. */
function selfSigned(): { key: string; cert: string } | null {
  const dir = mkdtempSync(join(tmpdir(), "talon-http1-tls-"));
  try {
    execFileSync("openssl", [
      "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
      "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem"), "-days", "1",
      "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
    ], { stdio: "ignore" });
    return { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
  } catch {
    return null;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const tlsMaterial = selfSigned();

describe.skipIf(tlsMaterial === null)("Http1Pool over TLS (needs the openssl CLI)", () => {
  it("speaks https with keep-alive and checks the certificate", async () => {
    const { key, cert } = tlsMaterial!;
    const ports = new Set<number>();
    const server = https.createServer({ key, cert }, (req, res) => {
      ports.add(req.socket.remotePort!);
      res.writeHead(200, { "content-type": "application/json" }).end(`{"host":"${req.headers.host}"}`);
    });
    await new Promise<void>((resolve) => server.listen(0, "localhost", resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const pool = testPool(`https://localhost:${port}/mcp`, { tls: { ca: cert } });
      for (let i = 0; i < 3; i++) {
        expect((await pool.request({ method: "GET", path: "/mcp", headers: {} })).body).toBe(`{"host":"localhost:${port}"}`);
      }
      expect(ports.size).toBe(1);
      // Without the CA the self-signed certificate is refused.
      const err = (await testPool(`https://localhost:${port}/mcp`).request({ method: "GET", path: "/mcp", headers: {} }).catch((e: unknown) => e)) as Http1Error;
      expect(err).toBeInstanceOf(Http1Error);
      expect(err.kind).toBe("connect");
      expect(err.message).toMatch(/self[- ]signed/);
    } finally {
      await cleanup();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
