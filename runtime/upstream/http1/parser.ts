/**
 * An incremental HTTP/1.1 response parser: feed it the socket's bytes as they arrive, split at
 * any boundary, and it reports the head, the body bytes (without chunk framing) and where the
 * response ended. One parser serves one connection and is re-armed with `begin()` per request.
 *
 * Interim 1xx responses (100 Continue, 103 Early Hints) are skipped. Bodies are framed by
 * Content-Length, chunked encoding (extensions and trailers are read and ignored) or connection
 * close (`eof()` completes those). Limits: the head, a chunk-size line and the trailer section
 * may each be at most `maxHeadBytes`; body size limits are the handler's business.
 */
import { Http1Error, excerpt, malformed } from "./errors.js";
import { Framing, parseHead, type ParsedHead } from "./head.js";

/** What the parser reports to its connection. */
export interface ParserHandler {
  /** The final head arrived (1xx heads are not reported). */
  onHead(head: ParsedHead): void;
  /**
   * Body bytes `buf[start, end)`. Socket chunks are fresh buffers, so a subarray may be kept.
   * The handler may call `halt()` (e.g. on a size limit); parsing then stops at once.
   */
  onBody(buf: Buffer, start: number, end: number): void;
}

// Parser states. Typed `number` so TypeScript does not narrow `this.state` inside a `case` and
// then call the checks after a handler callback (which may change it) impossible.
const HEAD: number = 0;
const LENGTH: number = 1;
const CHUNK_SIZE: number = 2;
const CHUNK_DATA: number = 3;
const CHUNK_CR: number = 4;
const CHUNK_LF: number = 5;
const TRAILERS: number = 6;
const UNTIL_CLOSE: number = 7;
const DONE: number = 8;
const HALTED: number = 9;

const CRLFCRLF = Buffer.from("\r\n\r\n", "latin1");
const LF = 10;
const CR = 13;
// 12 hex digits = 256 TiB: any real chunk fits, and the value stays an exact double.
const MAX_CHUNK_DIGITS = 12;

/** Parses the responses of one connection, one request at a time. */
export class ResponseParser {
  private state = DONE;
  private noBody = false;
  /** Head bytes received so far when the head spans several chunks. */
  private pending: Buffer | null = null;
  /** A chunk-size or trailer line cut by a chunk boundary. */
  private line = "";
  private remaining = 0;
  private trailerBytes = 0;
  private head: ParsedHead | null = null;

  constructor(
    private readonly handler: ParserHandler,
    private readonly maxHeadBytes: number,
  ) {}

  /** Expect a new response; `noBody` for a request whose response has no body (HEAD). */
  begin(noBody: boolean): void {
    this.state = HEAD;
    this.noBody = noBody;
    this.pending = null;
    this.line = "";
    this.head = null;
  }

  /** Stop parsing (the connection is going away); later input is ignored. */
  halt(): void {
    this.state = HALTED;
    this.pending = null;
  }

  /** Whether the response was complete and the connection may be reused (valid after completion). */
  get keepAlive(): boolean {
    return this.head !== null && this.head.keepAlive;
  }

  /**
   * Feed bytes. Returns the offset just past the end of the response when it completed inside
   * `buf` (bytes after it are not parsed), or -1 when more bytes are needed or parsing was halted.
   * Throws an `Http1Error` for malformed input or an oversized head.
   */
  execute(buf: Buffer): number {
    const len = buf.length;
    let i = 0;
    while (i < len) {
      switch (this.state) {
        case HEAD: {
          const next = this.readHead(buf, i);
          if (next < 0) return -1;
          i = next;
          if (this.state === DONE) return i;
          break;
        }
        case LENGTH: {
          const n = Math.min(this.remaining, len - i);
          this.remaining -= n;
          this.handler.onBody(buf, i, i + n);
          i += n;
          if (this.state === HALTED) return -1;
          if (this.remaining === 0) {
            this.state = DONE;
            return i;
          }
          break;
        }
        case CHUNK_SIZE:
        case TRAILERS: {
          const nl = buf.indexOf(LF, i);
          if (nl < 0) {
            this.line += buf.toString("latin1", i, len);
            if (this.line.length > this.maxHeadBytes) throw this.tooLarge(this.state === TRAILERS ? "trailer section" : "chunk-size line");
            return -1;
          }
          const text = this.line + buf.toString("latin1", i, nl);
          this.line = "";
          i = nl + 1;
          if (text.charCodeAt(text.length - 1) !== CR) throw malformed(`line without CR in chunked body ${excerpt(text)}`);
          if (this.state === CHUNK_SIZE) this.chunkSize(text);
          else if (text.length === 1) {
            this.state = DONE;
            return i;
          } else {
            this.trailerBytes += text.length + 1;
            if (this.trailerBytes > this.maxHeadBytes) throw this.tooLarge("trailer section");
          }
          break;
        }
        case CHUNK_DATA: {
          const n = Math.min(this.remaining, len - i);
          this.remaining -= n;
          this.handler.onBody(buf, i, i + n);
          i += n;
          if (this.state === HALTED) return -1;
          if (this.remaining === 0) this.state = CHUNK_CR;
          break;
        }
        case CHUNK_CR:
          if (buf[i] !== CR) throw malformed("chunk data not followed by CRLF");
          i++;
          this.state = CHUNK_LF;
          break;
        case CHUNK_LF:
          if (buf[i] !== LF) throw malformed("chunk data not followed by CRLF");
          i++;
          this.state = CHUNK_SIZE;
          break;
        case UNTIL_CLOSE:
          this.handler.onBody(buf, i, len);
          return -1;
        default:
          // DONE (the caller only feeds a response it expects) or HALTED.
          return -1;
      }
    }
    return -1;
  }

  /**
   * The server closed its side. Returns true when that completed a close-delimited body; false
   * when no response was under way or it was cut short (the connection reports that).
   */
  eof(): boolean {
    if (this.state !== UNTIL_CLOSE) return false;
    this.state = DONE;
    return true;
  }

  /** Find the end of the head; returns the offset after it, or -1 when more bytes are needed. */
  private readHead(buf: Buffer, i: number): number {
    let data = buf;
    let from = i;
    let start = i;
    const pendingLength = this.pending === null ? 0 : this.pending.length;
    if (this.pending !== null) {
      // Rare (heads are small): join the pieces and search again across the seam.
      data = Buffer.concat([this.pending, buf.subarray(i)]);
      from = Math.max(0, pendingLength - 3);
      start = 0;
    }
    const end = data.indexOf(CRLFCRLF, from);
    if (end < 0) {
      if (data.length - start > this.maxHeadBytes) throw this.tooLarge("response head");
      this.pending = this.pending === null ? buf.subarray(i) : data;
      return -1;
    }
    if (end - start > this.maxHeadBytes) throw this.tooLarge("response head");
    this.pending = null;
    const head = parseHead(data.toString("latin1", start, end), this.noBody);
    // Offset in `buf` just past the CRLF CRLF.
    const next = i + (end + 4 - start) - pendingLength;
    if (head.status < 200) {
      if (head.status === 101) throw malformed("unexpected 101 Switching Protocols");
      return next; // interim response: the final one follows
    }
    this.head = head;
    switch (head.framing) {
      case Framing.None:
        this.state = DONE;
        break;
      case Framing.Length:
        this.remaining = head.length;
        this.state = head.length === 0 ? DONE : LENGTH;
        break;
      case Framing.Chunked:
        this.state = CHUNK_SIZE;
        this.trailerBytes = 0;
        break;
      case Framing.UntilClose:
        this.state = UNTIL_CLOSE;
        break;
    }
    this.handler.onHead(head);
    // The handler may have halted us (a limit, an abort); that wins over DONE.
    return this.state === HALTED ? -1 : next;
  }

  /** Parse `1*HEXDIG [ BWS ";" extensions ] CR` (the LF is already cut off). */
  private chunkSize(text: string): void {
    const end = text.length - 1;
    let i = 0;
    let size = 0;
    let digits = 0;
    for (; i < end; i++) {
      const c = text.charCodeAt(i);
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
      if (d < 0) break;
      if (digits > 0 || d > 0) digits++;
      size = size * 16 + d;
    }
    if (i === 0 || digits > MAX_CHUNK_DIGITS) throw malformed(`bad chunk size ${excerpt(text.slice(0, end))}`);
    // Optional whitespace, then nothing or ";" and extensions (which we ignore).
    while (i < end && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
    if (i < end && text.charCodeAt(i) !== 59) throw malformed(`bad chunk size ${excerpt(text.slice(0, end))}`);
    if (size === 0) {
      this.state = TRAILERS;
    } else {
      this.remaining = size;
      this.state = CHUNK_DATA;
    }
  }

  private tooLarge(what: string): Http1Error {
    return new Http1Error(`upstream ${what} exceeds ${this.maxHeadBytes} bytes`, "too_large");
  }
}
