/**
 * The HTTP/1.1 client over real sockets: body framing, keep-alive reuse, the single retry on a
 * reused connection that died, and the errors for everything else.
 */
import { afterEach, describe, expect, it } from "vitest";
import { Http1Error, RequestHeaders } from "../../runtime/upstream/http1/index.js";
import { cleanup, httpServer, okResponse, pause, rawServer, testPool, until } from "./http1-servers.js";

afterEach(cleanup);

const JSON_HEADERS = { "content-type": "application/json", accept: "application/json, text/event-stream" };

async function rejection(p: Promise<unknown>): Promise<Http1Error> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(Http1Error);
  return err as Http1Error;
}

describe("Http1Pool: requests and framing", () => {
  it("sends method, target, host, headers and a UTF-8 Content-Length, and reads a Content-Length reply", async () => {
    const { url } = await httpServer((req, res) => {
      let body = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (body += c));
      req.on("end", () => {
        const echo = JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body });
        res.writeHead(201, { "content-type": "application/json", "mcp-session-id": "s-1" }).end(echo);
      });
    });
    const pool = testPool(url);
    const body = '{"text":"grüße, 世界"}';
    const res = await pool.request({ method: "POST", path: "/mcp?x=1", headers: { ...JSON_HEADERS, "x-custom": "v" }, body });
    expect(res.status).toBe(201);
    expect(res.streamed).toBe(false);
    expect(res.headers["content-type"]).toBe("application/json");
    expect(res.headers["mcp-session-id"]).toBe("s-1");
    const echo = JSON.parse(res.body) as { method: string; url: string; headers: Record<string, string>; body: string };
    expect(echo.method).toBe("POST");
    expect(echo.url).toBe("/mcp?x=1");
    expect(echo.body).toBe(body);
    expect(echo.headers["content-length"]).toBe(String(Buffer.byteLength(body)));
    expect(echo.headers.host).toBe(new URL(url).host);
    expect(echo.headers["x-custom"]).toBe("v");
  });

  it("reuses one socket for sequential requests and sends no Content-Length without a body", async () => {
    const ports: number[] = [];
    const { url } = await httpServer((req, res) => {
      ports.push(req.socket.remotePort!);
      res.end(JSON.stringify({ method: req.method, length: req.headers["content-length"] ?? null }));
    });
    const pool = testPool(url);
    const headers = new RequestHeaders({ accept: "application/json" });
    for (const method of ["POST", "GET", "DELETE", "POST", "POST"]) {
      const res = await pool.request({ method, path: "/mcp", headers, body: method === "POST" ? "{}" : undefined });
      expect(JSON.parse(res.body)).toEqual({ method, length: method === "POST" ? "2" : null });
    }
    expect(new Set(ports).size).toBe(1);
    expect(pool.stats).toEqual({ open: 1, idle: 1, queued: 0 });
  });

  it("reads chunked replies with extensions and trailers split at every byte boundary, on one kept-alive socket", async () => {
    const wire =
      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n" +
      '4;ext=1\r\n{"a"\r\n' +
      "B ; name=\"v\"\r\n:\"chunked\"}\r\n" +
      "0\r\nX-Checksum: abc\r\n\r\n";
    const server = await rawServer((req, socket) => {
      const cut = Number(req.body);
      socket.write(wire.slice(0, cut), "latin1");
      setTimeout(() => socket.write(wire.slice(cut), "latin1"), 2);
    });
    const pool = testPool(server.url);
    for (let cut = 1; cut < wire.length; cut++) {
      const res = await pool.request({ method: "POST", path: "/mcp", headers: JSON_HEADERS, body: String(cut) });
      expect(res.body, `split at ${cut}`).toBe('{"a":"chunked"}');
      expect(res.headers["transfer-encoding"]).toBe("chunked");
    }
    expect(server.sockets).toHaveLength(1);
  });

  it("reads a body delimited by close, then opens a new connection", async () => {
    const server = await rawServer((req, socket) => {
      socket.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\npart one, ");
      setTimeout(() => socket.end(`part two of ${req.body}`), 2);
    });
    const pool = testPool(server.url);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "a" })).body).toBe("part one, part two of a");
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "b" })).body).toBe("part one, part two of b");
    expect(server.sockets).toHaveLength(2);
  });

  it("does not reuse a connection after Connection: close, even if the server leaves it open", async () => {
    const server = await rawServer((req, socket) => socket.write(okResponse(`"${req.body}"`, "Connection: close\r\n")));
    const pool = testPool(server.url);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "1" })).body).toBe('"1"');
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "2" })).body).toBe('"2"');
    expect(server.sockets).toHaveLength(2);
    await server.closed(0); // the client closed the first socket itself
  });

  it("skips 100 Continue before the final response", async () => {
    const server = await rawServer((req, socket) => {
      socket.write("HTTP/1.1 100 Continue\r\n\r\n");
      setTimeout(() => socket.write(okResponse(`{"got":"${req.body}"}`)), 2);
    });
    const pool = testPool(server.url);
    const res = await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "x" });
    expect(res.status).toBe(200);
    expect(res.body).toBe('{"got":"x"}');
  });

  it("decodes multibyte UTF-8 split across TCP reads, and drops a leading BOM", async () => {
    const text = "ünïcødé ✓ 🦅 done";
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
    const server = await rawServer((req, socket) => {
      const cut = Number(req.body);
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${bytes.length}\r\n\r\n`);
      socket.write(bytes.subarray(0, cut));
      setTimeout(() => socket.write(bytes.subarray(cut)), 2);
    });
    const pool = testPool(server.url);
    // Every cut inside "🦅" (4 bytes) and inside "✓" (3 bytes), and one inside the BOM.
    const eagle = bytes.indexOf(Buffer.from("🦅"));
    const check = bytes.indexOf(Buffer.from("✓"));
    for (const cut of [1, 2, check + 1, check + 2, eagle + 1, eagle + 2, eagle + 3]) {
      expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: String(cut) })).body).toBe(text);
    }
  });

  it("streams nothing and buffers everything without an opener, whatever the content type", async () => {
    const { url } = await httpServer((_req, res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end("data: one\n\n");
    });
    const res = await testPool(url).request({ method: "GET", path: "/mcp", headers: {} });
    expect(res.streamed).toBe(false);
    expect(res.body).toBe("data: one\n\n");
  });
});

describe("Http1Pool: dead connections and retries", () => {
  it("drops an idle socket the server closed, and the next request succeeds on a new one", async () => {
    const server = await rawServer((req, socket) => socket.end(okResponse(`"${req.body}"`)));
    const pool = testPool(server.url);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "1" })).body).toBe('"1"');
    await until(() => pool.stats.open === 0, "the client to notice the close");
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "2" })).body).toBe('"2"');
    expect(server.sockets).toHaveLength(2);
  });

  it("re-sends once, on a fresh connection, a request whose reused socket died before answering", async () => {
    const server = await rawServer((req, socket) => {
      // The first connection serves one request, then dies on the next as if its idle timer fired.
      if (req.conn === 0 && req.nth === 1) socket.destroy();
      else socket.write(okResponse(`"${req.body}@${req.conn}"`));
    });
    const pool = testPool(server.url);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "first" })).body).toBe('"first@0"');
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "second" })).body).toBe('"second@1"');
    expect(server.requests.map((r) => `${r.body}@${r.conn}`)).toEqual(["first@0", "second@0", "second@1"]);
  });

  it("retries only once: a retried request that dies again fails", async () => {
    const server = await rawServer((req, socket) => {
      if (req.conn === 0 && req.nth === 0) socket.write(okResponse("1"));
      else socket.destroy();
    });
    const pool = testPool(server.url);
    await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "a" });
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "b" }));
    expect(err.kind).toBe("closed");
    expect(err.message).toMatch(/^upstream closed the connection before answering/);
    await pause(20);
    expect(server.requests.map((r) => r.body)).toEqual(["a", "b", "b"]);
    expect(server.sockets).toHaveLength(2);
  });

  it("never retries on a fresh connection", async () => {
    const server = await rawServer((_req, socket) => socket.destroy());
    const pool = testPool(server.url);
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "once" }));
    expect(err.message).toMatch(/^upstream closed the connection before answering/);
    await pause(20);
    expect(server.requests.map((r) => r.body)).toEqual(["once"]);
  });

  it("fails without retrying when a reused connection is reset in the middle of a response", async () => {
    const server = await rawServer((req, socket) => {
      if (req.body === "cut") {
        socket.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"partial\":");
        setTimeout(() => socket.resetAndDestroy(), 5);
      } else {
        socket.write(okResponse(`"${req.body}"`));
      }
    });
    const pool = testPool(server.url);
    await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "warm" });
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "cut" }));
    expect(err.kind).toBe("closed");
    expect(err.message).toMatch(/^upstream closed the connection in the middle of a response/);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "after" })).body).toBe('"after"');
    expect(server.requests.map((r) => r.body)).toEqual(["warm", "cut", "after"]);
  });

  it("reports a refused connection as a connect error", async () => {
    const server = await rawServer(() => undefined);
    const port = new URL(server.url).port;
    await cleanup(); // the port is now closed
    const pool = testPool(`http://127.0.0.1:${port}/mcp`);
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "x" }));
    expect(err.kind).toBe("connect");
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it("drops a connection on which the server sends bytes nobody asked for", async () => {
    const server = await rawServer((req, socket) => {
      socket.write(okResponse(`"${req.body}"`));
      if (req.nth === 0) setTimeout(() => socket.write("HTTP/1.1 200 OK\r\n\r\n"), 2);
    });
    const pool = testPool(server.url);
    await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "1" });
    await server.closed(0);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "2" })).body).toBe('"2"');
    expect(server.sockets).toHaveLength(2);
  });

  it("does not reuse a connection whose response was followed by stray bytes in the same read", async () => {
    const server = await rawServer((req, socket) => socket.write(okResponse(`"${req.body}"`) + "garbage"));
    const pool = testPool(server.url);
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "1" })).body).toBe('"1"');
    expect((await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "2" })).body).toBe('"2"');
    expect(server.sockets).toHaveLength(2);
  });
});

describe("Http1Pool: limits and bad input", () => {
  it("fails on an oversized response head and destroys the connection", async () => {
    const server = await rawServer((_req, socket) => socket.write(`HTTP/1.1 200 OK\r\nX-Big: ${"x".repeat(70 * 1024)}\r\n\r\n`));
    const pool = testPool(server.url);
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "" }));
    expect(err.kind).toBe("too_large");
    expect(err.message).toBe("upstream response head exceeds 65536 bytes");
    await server.closed(0);
  });

  it("fails on a buffered body over the cap, whether announced or chunked", async () => {
    const server = await rawServer((req, socket) => {
      if (req.body === "length") socket.write(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n`);
      else socket.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"400\r\n" + "y".repeat(1024) + "\r\n"}`);
    });
    const pool = testPool(server.url, { maxBodyBytes: 1000 });
    for (const body of ["length", "chunked"]) {
      const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body }));
      expect(err.kind).toBe("too_large");
      expect(err.message).toBe("upstream response body exceeds 1000 bytes");
    }
    await server.closed(0);
    await server.closed(1);
  });

  it("fails on malformed HTTP and closes the socket", async () => {
    const server = await rawServer((_req, socket) => socket.write("HTTP/1.1 2xx Fine\r\n\r\n"));
    const pool = testPool(server.url);
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "" }));
    expect(err.kind).toBe("malformed");
    expect(err.message).toBe('upstream answered with malformed HTTP: bad status line "HTTP/1.1 2xx Fine"');
    await server.closed(0);
  });

  it("refuses header injection, client-owned headers and bad targets before sending anything", async () => {
    const server = await rawServer((_req, socket) => socket.write(okResponse("{}")));
    const pool = testPool(server.url);
    await expect(pool.request({ method: "POST", path: "/mcp", headers: { authorization: "Bearer x\r\nx-evil: 1" }, body: "" })).rejects.toThrow(
      'HTTP header "authorization" has a value with CR, LF or NUL in it',
    );
    await expect(pool.request({ method: "POST", path: "/mcp", headers: { "content-length": "1" }, body: "" })).rejects.toThrow(
      'HTTP header "content-length" is set by the client and cannot be given',
    );
    await expect(pool.request({ method: "POST", path: "/mcp", headers: { "bad name": "1" } })).rejects.toThrow('invalid HTTP header name "bad name"');
    await expect(pool.request({ method: "POST", path: "/mcp x", headers: {} })).rejects.toThrow('invalid HTTP request target "/mcp x"');
    await expect(pool.request({ method: "PO ST", path: "/mcp", headers: {} })).rejects.toThrow('invalid HTTP method "PO ST"');
    expect(() => new RequestHeaders({ host: "elsewhere" })).toThrow('HTTP header "host" is set by the client');
    expect(server.requests).toHaveLength(0);
  });

  it("closes idle connections after the idle timeout", async () => {
    const server = await rawServer((_req, socket) => socket.write(okResponse("{}")));
    const pool = testPool(server.url, { idleTimeoutMs: 30 });
    await pool.request({ method: "POST", path: "/mcp", headers: {}, body: "" });
    await server.closed(0);
    await until(() => pool.stats.open === 0, "the pool to forget the socket");
  });

  it("fails a buffered request that hears nothing for the response timeout", async () => {
    const server = await rawServer(() => undefined);
    const pool = testPool(server.url, { responseTimeoutMs: 30 });
    const err = await rejection(pool.request({ method: "POST", path: "/mcp", headers: {}, body: "" }));
    expect(err.kind).toBe("timeout");
    expect(err.message).toBe("upstream sent nothing for 30 ms");
  });
});
