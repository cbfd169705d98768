/**
 * The HTTP/1.1 response parser on its own: bytes in, head and body out, at every chunk boundary.
 * (The socket-level behaviour is in http1-pool.test.ts.)
 */
import { describe, expect, it } from "vitest";
import { Http1Error } from "../../runtime/upstream/http1/errors.js";
import type { ParsedHead } from "../../runtime/upstream/http1/head.js";
import { ResponseParser, type ParserHandler } from "../../runtime/upstream/http1/parser.js";

class Recorder implements ParserHandler {
  heads: ParsedHead[] = [];
  pieces: Buffer[] = [];
  onHead(head: ParsedHead): void {
    this.heads.push(head);
  }
  onBody(buf: Buffer, start: number, end: number): void {
    this.pieces.push(Buffer.from(buf.subarray(start, end)));
  }
  get body(): string {
    return Buffer.concat(this.pieces).toString("utf8");
  }
}

interface Outcome {
  rec: Recorder;
  parser: ResponseParser;
  /** Total bytes consumed when the response completed, or -1. */
  end: number;
}

/** Feed `wire` cut at `cuts` (ascending offsets); stops at the chunk where the response completes. */
function feed(wire: string | Buffer, cuts: number[] = [], opts: { noBody?: boolean; maxHead?: number } = {}): Outcome {
  const bytes = typeof wire === "string" ? Buffer.from(wire, "latin1") : wire;
  const rec = new Recorder();
  const parser = new ResponseParser(rec, opts.maxHead ?? 64 * 1024);
  parser.begin(opts.noBody ?? false);
  const bounds = [0, ...cuts, bytes.length];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const at = parser.execute(bytes.subarray(bounds[k], bounds[k + 1]));
    if (at >= 0) return { rec, parser, end: bounds[k]! + at };
  }
  return { rec, parser, end: -1 };
}

function failure(fn: () => unknown): Http1Error {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(Http1Error);
    return err as Http1Error;
  }
  throw new Error("expected an Http1Error");
}

const CHUNKED =
  "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n" +
  "5;name=value;other=\"quoted\"\r\nhello\r\n" +
  "19 \r\n, chunked world with ext!\r\n" +
  "0;last\r\nX-Trailer: one\r\nX-Other: two\r\n\r\n";

describe("ResponseParser", () => {
  it("reads a Content-Length response and keeps only the headers the proxy acts on", () => {
    const wire =
      "HTTP/1.1 200 OK\r\nDate: Fri, 01 Jan 2027 00:00:00 GMT\r\nContent-Type: application/json\r\n" +
      "Mcp-Session-Id: abc-123\r\nContent-Length: 11\r\nX-Other: ignored\r\n\r\n{\"ok\":true}";
    const { rec, end, parser } = feed(wire);
    expect(end).toBe(wire.length);
    expect(rec.body).toBe('{"ok":true}');
    expect(rec.heads).toHaveLength(1);
    expect(rec.heads[0]!.status).toBe(200);
    expect(rec.heads[0]!.headers).toEqual({
      "content-type": "application/json",
      "mcp-session-id": "abc-123",
      "content-length": "11",
      "transfer-encoding": undefined,
      connection: undefined,
    });
    expect(parser.keepAlive).toBe(true);
  });

  it("decodes chunked bodies with extensions and trailers at every single split point", () => {
    for (let cut = 1; cut < CHUNKED.length; cut++) {
      const { rec, end } = feed(CHUNKED, [cut]);
      expect(end, `split at ${cut}`).toBe(CHUNKED.length);
      expect(rec.body, `split at ${cut}`).toBe("hello, chunked world with ext!");
      expect(rec.heads).toHaveLength(1);
    }
  });

  it("decodes a chunked body fed one byte at a time", () => {
    const cuts = Array.from({ length: CHUNKED.length - 1 }, (_, i) => i + 1);
    const { rec, end } = feed(CHUNKED, cuts);
    expect(end).toBe(CHUNKED.length);
    expect(rec.body).toBe("hello, chunked world with ext!");
  });

  it("stops at the end of the response and reports where, leaving later bytes alone", () => {
    const wire = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokHTTP/1.1 200 OK\r\n";
    const { rec, end } = feed(wire);
    expect(end).toBe(wire.indexOf("okHTTP") + 2);
    expect(rec.body).toBe("ok");
  });

  it("skips 100 Continue and other interim responses", () => {
    const wire = "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 201 Created\r\nContent-Length: 1\r\n\r\nx";
    for (let cut = 1; cut < wire.length; cut++) {
      const { rec, end } = feed(wire, [cut]);
      expect(end).toBe(wire.length);
      expect(rec.heads.map((h) => h.status)).toEqual([201]);
      expect(rec.body).toBe("x");
    }
  });

  it("reads a body delimited by connection close, completing only at eof", () => {
    const { rec, end, parser } = feed("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body", [30]);
    expect(end).toBe(-1);
    expect(rec.body).toBe("some body");
    expect(parser.eof()).toBe(true);
    expect(parser.keepAlive).toBe(false);
  });

  it("reports a cut-off response at eof as not complete", () => {
    const { parser } = feed("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
    expect(parser.eof()).toBe(false);
  });

  it("knows which responses have no body", () => {
    for (const wire of ["HTTP/1.1 204 No Content\r\n\r\n", "HTTP/1.1 304 Not Modified\r\nContent-Length: 50\r\n\r\n"]) {
      expect(feed(wire).end).toBe(wire.length);
    }
    const head = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n";
    expect(feed(head, [], { noBody: true }).end).toBe(head.length);
  });

  it("decides keep-alive from the version and Connection, and never after Transfer-Encoding plus Content-Length", () => {
    const keep = (wire: string) => feed(wire).parser.keepAlive;
    expect(keep("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n")).toBe(true);
    expect(keep("HTTP/1.1 200 OK\r\nConnection: Close\r\nContent-Length: 0\r\n\r\n")).toBe(false);
    expect(keep("HTTP/1.1 200 OK\r\nConnection: upgrade, close\r\nContent-Length: 0\r\n\r\n")).toBe(false);
    expect(keep("HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n")).toBe(false);
    expect(keep("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n")).toBe(true);
    expect(keep("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r\n0\r\n\r\n")).toBe(false);
  });

  it("rejects malformed heads with a message that quotes them", () => {
    const bad = [
      ["SPDY/3 200 OK\r\n\r\n", /bad status line "SPDY\/3 200 OK"/],
      ["HTTP/1.1 20 OK\r\n\r\n", /bad status line/],
      ["HTTP/1.1 200 OK\r\nno colon here\r\n\r\n", /bad header line "no colon here"/],
      ["HTTP/1.1 200 OK\r\nA: b\r\n folded\r\n\r\n", /folded header line/],
      ["HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n", /bad header name "Bad Name"/],
      ["HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n", /bad Content-Length "-1"/],
      ["HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", /conflicting Content-Length/],
      ["HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", /unsupported Transfer-Encoding "gzip, chunked"/],
      ["HTTP/1.1 200 OK\r\nMcp-Session-Id: a\nb\r\n\r\n", /bare CR, LF or NUL/],
      ["HTTP/1.1 101 Switching Protocols\r\n\r\n", /unexpected 101/],
    ] as const;
    for (const [wire, message] of bad) {
      const err = failure(() => feed(wire));
      expect(err.kind).toBe("malformed");
      expect(err.message).toMatch(/^upstream answered with malformed HTTP: /);
      expect(err.message).toMatch(message);
    }
  });

  it("rejects bad chunk framing", () => {
    const head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    for (const [body, message] of [
      ["zz\r\n", /bad chunk size "zz"/],
      ["\r\n", /bad chunk size ""/],
      ["5 x\r\nhello\r\n", /bad chunk size "5 x"/],
      ["10000000000000\r\n", /bad chunk size/],
      ["5\r\nhelloXX", /chunk data not followed by CRLF/],
      ["5\nhello\r\n", /line without CR/],
    ] as const) {
      const err = failure(() => feed(head + body));
      expect(err.kind).toBe("malformed");
      expect(err.message).toMatch(message);
    }
  });

  it("enforces the head limit on the head, a chunk-size line and the trailers, however the bytes arrive", () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${"a".repeat(2000)}\r\nContent-Length: 0\r\n\r\n`;
    expect(failure(() => feed(big, [], { maxHead: 1024 })).kind).toBe("too_large");
    expect(failure(() => feed(big, [100, 700, 1500], { maxHead: 1024 })).message).toBe("upstream response head exceeds 1024 bytes");
    const chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
    expect(failure(() => feed(`${chunked}1;${"e".repeat(2000)}`, [], { maxHead: 1024 })).message).toMatch(/chunk-size line exceeds/);
    const trailers = `${chunked}0\r\n${"X-T: v\r\n".repeat(200)}\r\n`;
    expect(failure(() => feed(trailers, [], { maxHead: 1024 })).message).toMatch(/trailer section exceeds/);
  });

  it("passes multibyte UTF-8 through intact when a character straddles two chunks", () => {
    const body = Buffer.from("héllo wörld — 🦅 ok", "utf8");
    const wire = Buffer.concat([Buffer.from(`HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n\r\n`, "latin1"), body]);
    const headLength = wire.length - body.length;
    for (let cut = headLength + 1; cut < wire.length; cut++) {
      const { rec } = feed(wire, [cut]);
      expect(rec.pieces).toHaveLength(2);
      expect(rec.body).toBe("héllo wörld — 🦅 ok");
    }
  });

  it("stops at once when the handler halts it", () => {
    const rec = new Recorder();
    const parser = new ResponseParser(
      {
        onHead: (h) => rec.onHead(h),
        onBody: (buf, s, e) => {
          rec.onBody(buf, s, e);
          parser.halt();
        },
      },
      1024,
    );
    parser.begin(false);
    expect(parser.execute(Buffer.from(CHUNKED, "latin1"))).toBe(-1);
    expect(rec.body).toBe("hello");
  });
});
