/**
 * An incremental HTTP/1.1 response parser for the raw load-generator client: feed socket bytes,
 * get whole responses. It handles `Content-Length`, `Transfer-Encoding: chunked` (what uWS sends
 * for streamed replies such as SSE) and bodies delimited by connection close. It is a benchmark
 * tool for servers we control, not a general client: no 1xx handling, no HEAD.
 */

/** One complete response. Header names are lower-cased; a repeated header keeps its first value. */
export interface ParsedResponse {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** The server announced `Connection: close`; the socket cannot be reused. */
  readonly close: boolean;
}

// A response head larger than this is a server bug for our purposes, not something to buffer.
const MAX_HEAD_BYTES = 64 * 1024;
const EMPTY = Buffer.alloc(0);

type BodyMode = { kind: "none" } | { kind: "length"; length: number } | { kind: "chunked" } | { kind: "close" };

interface Head {
  readonly status: number;
  readonly headers: Map<string, string>;
}

function parseHead(text: string): Head {
  const lines = text.split("\r\n");
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0] ?? "");
  if (match === null) throw new Error(`bad HTTP status line: ${JSON.stringify((lines[0] ?? "").slice(0, 80))}`);
  const headers = new Map<string, string>();
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(":");
    if (colon <= 0) throw new Error(`bad HTTP header line: ${JSON.stringify(line.slice(0, 80))}`);
    const name = line.slice(0, colon).trim().toLowerCase();
    if (!headers.has(name)) headers.set(name, line.slice(colon + 1).trim());
  }
  return { status: Number(match[1]), headers };
}

function bodyMode(head: Head): BodyMode {
  if (head.status === 204 || head.status === 304) return { kind: "none" };
  if ((head.headers.get("transfer-encoding") ?? "").toLowerCase().includes("chunked")) return { kind: "chunked" };
  const length = head.headers.get("content-length");
  if (length !== undefined) {
    if (!/^\d+$/.test(length)) throw new Error(`bad Content-Length: ${length}`);
    return { kind: "length", length: Number(length) };
  }
  return { kind: "close" };
}

/** Parses the responses arriving on one connection, in order. */
export class ResponseParser {
  private buf: Buffer = EMPTY;
  private head: Head | null = null;
  private mode: BodyMode = { kind: "none" };
  /** Chunked state: offset of the next chunk-size line in `buf`, and the chunks so far. */
  private pos = 0;
  private parts: Buffer[] = [];

  /** Feed bytes; returns the next complete response, or null when more bytes are needed. */
  push(chunk: Buffer): ParsedResponse | null {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    return this.next();
  }

  /** The stream ended: returns a close-delimited response, else null (throws if one was cut off). */
  end(): ParsedResponse | null {
    if (this.head !== null && this.mode.kind === "close") return this.finish(this.buf, this.buf.length);
    if (this.head !== null || this.buf.length > 0) throw new Error("connection closed in the middle of a response");
    return null;
  }

  /** Try to complete one response from the buffered bytes (further ones wait for the next push). */
  private next(): ParsedResponse | null {
    if (this.head === null) {
      const end = this.buf.indexOf("\r\n\r\n");
      if (end === -1) {
        if (this.buf.length > MAX_HEAD_BYTES) throw new Error("HTTP response head too large");
        return null;
      }
      this.head = parseHead(this.buf.toString("latin1", 0, end));
      this.mode = bodyMode(this.head);
      this.buf = this.buf.subarray(end + 4);
      this.pos = 0;
      this.parts = [];
    }
    switch (this.mode.kind) {
      case "none":
        return this.finish(EMPTY, 0);
      case "length":
        return this.buf.length >= this.mode.length
          ? this.finish(this.buf.subarray(0, this.mode.length), this.mode.length)
          : null;
      case "chunked":
        return this.nextChunked();
      case "close":
        return null;
    }
  }

  private nextChunked(): ParsedResponse | null {
    for (;;) {
      const lineEnd = this.buf.indexOf("\r\n", this.pos);
      if (lineEnd === -1) return null;
      const sizeText = this.buf.toString("latin1", this.pos, lineEnd).split(";")[0]!.trim();
      if (!/^[0-9a-fA-F]+$/.test(sizeText)) throw new Error(`bad chunk size: ${JSON.stringify(sizeText)}`);
      const size = parseInt(sizeText, 16);
      if (size === 0) {
        // Last chunk: then either an empty line, or trailer lines ending in an empty line.
        const after = lineEnd + 2;
        if (this.buf.length < after + 2) return null;
        let end: number;
        if (this.buf[after] === 13 && this.buf[after + 1] === 10) {
          end = after + 2;
        } else {
          const i = this.buf.indexOf("\r\n\r\n", after);
          if (i === -1) return null;
          end = i + 4;
        }
        return this.finish(this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts), end);
      }
      const dataEnd = lineEnd + 2 + size;
      if (this.buf.length < dataEnd + 2) return null;
      this.parts.push(this.buf.subarray(lineEnd + 2, dataEnd));
      this.pos = dataEnd + 2;
    }
  }

  private finish(body: Buffer, consumed: number): ParsedResponse {
    const head = this.head!;
    this.buf = this.buf.subarray(consumed);
    this.head = null;
    this.parts = [];
    this.pos = 0;
    const close = (head.headers.get("connection") ?? "").toLowerCase() === "close";
    return { status: head.status, headers: head.headers, body, close };
  }
}
