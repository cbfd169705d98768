import { describe, expect, it } from "vitest";
import { ResponseParser, type ParsedResponse } from "../../bench/load/http1-parser.js";

/** Feed `text` split at every given offset; return what came out. */
function feed(text: string, cuts: number[] = []): ParsedResponse[] {
  const parser = new ResponseParser();
  const out: ParsedResponse[] = [];
  let prev = 0;
  for (const cut of [...cuts, text.length]) {
    const r = parser.push(Buffer.from(text.slice(prev, cut), "latin1"));
    if (r !== null) out.push(r);
    prev = cut;
  }
  return out;
}

const LENGTH = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nMcp-Session-Id: abc\r\nContent-Length: 11\r\n\r\n{\"a\":12345}";
const CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: text/event-stream\r\n\r\n5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\n\r\n";

describe("ResponseParser", () => {
  it("reads a Content-Length response with lower-cased headers", () => {
    const [r] = feed(LENGTH);
    expect(r!.status).toBe(200);
    expect(r!.headers.get("content-type")).toBe("application/json");
    expect(r!.headers.get("mcp-session-id")).toBe("abc");
    expect(r!.body.toString()).toBe('{"a":12345}');
    expect(r!.close).toBe(false);
  });

  it("gives the same response whatever the split of the bytes", () => {
    for (const text of [LENGTH, CHUNKED]) {
      const whole = feed(text)[0]!.body.toString();
      for (let cut = 1; cut < text.length; cut++) {
        const got = feed(text, [cut]);
        expect(got).toHaveLength(1);
        expect(got[0]!.body.toString()).toBe(whole);
      }
      const bytewise = feed(text, Array.from({ length: text.length - 1 }, (_, i) => i + 1));
      expect(bytewise[0]!.body.toString()).toBe(whole);
    }
  });

  it("joins chunks, ignores chunk extensions and skips trailers", () => {
    expect(feed(CHUNKED)[0]!.body.toString()).toBe("hello world");
    const withTrailer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nX-Trailer: 1\r\n\r\n";
    expect(feed(withTrailer)[0]!.body.toString()).toBe("abc");
  });

  it("parses back-to-back responses on one connection", () => {
    const parser = new ResponseParser();
    const a = parser.push(Buffer.from("HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\n\r\n"));
    const b = parser.push(Buffer.from(LENGTH));
    expect(a!.status).toBe(202);
    expect(a!.body.length).toBe(0);
    expect(b!.status).toBe(200);
  });

  it("reads a close-delimited body at end of stream and flags Connection: close", () => {
    const parser = new ResponseParser();
    expect(parser.push(Buffer.from("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\npartial"))).toBeNull();
    expect(parser.push(Buffer.from(" body"))).toBeNull();
    const r = parser.end();
    expect(r!.body.toString()).toBe("partial body");
    expect(r!.close).toBe(true);
  });

  it("rejects garbage and truncated responses", () => {
    expect(() => feed("SSH-2.0-OpenSSH\r\n\r\n")).toThrow(/bad HTTP status line/);
    expect(() => feed("HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n")).toThrow(/bad Content-Length/);
    expect(() => feed("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")).toThrow(/bad chunk size/);
    const parser = new ResponseParser();
    parser.push(Buffer.from("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc"));
    expect(() => parser.end()).toThrow(/closed in the middle/);
  });
});
