/**
 * Parsing one response head (status line and header fields, RFC 9112 §4–5) and deciding how its
 * body is framed (§6.3). Only the headers the proxy acts on are kept; the others are checked for
 * shape and dropped, which keeps the per-response work to a few string slices.
 */
import { excerpt, malformed } from "./errors.js";

/** The response headers the client keeps (names lower-case; a field absent from the response is undefined). */
export interface ResponseHeaders {
  readonly "content-type": string | undefined;
  readonly "mcp-session-id": string | undefined;
  readonly "content-length": string | undefined;
  readonly "transfer-encoding": string | undefined;
  readonly connection: string | undefined;
}

/** Status and kept headers of a final (non-1xx) response. */
export interface ResponseHead {
  readonly status: number;
  readonly headers: ResponseHeaders;
}

/**
 * How the body that follows a head is delimited. (A plain object rather than a `const enum`, which
 * vitest's per-file transpiler would not inline across modules.)
 */
export const Framing = {
  /** No body at all (1xx, 204, 304, or a response to HEAD). */
  None: 0,
  /** `Content-Length` bytes. */
  Length: 1,
  /** `Transfer-Encoding: chunked`. */
  Chunked: 2,
  /** Everything until the server closes the connection. */
  UntilClose: 3,
} as const;
/** One of the `Framing` values. */
export type Framing = (typeof Framing)[keyof typeof Framing];

/** A parsed head plus what the parser needs to read the body. */
export interface ParsedHead extends ResponseHead {
  readonly framing: Framing;
  /** Body length for `Framing.Length`, else -1. */
  readonly length: number;
  /** Whether the connection may carry another request after this response. */
  readonly keepAlive: boolean;
}

interface MutableHeaders {
  "content-type": string | undefined;
  "mcp-session-id": string | undefined;
  "content-length": string | undefined;
  "transfer-encoding": string | undefined;
  connection: string | undefined;
}

// Up to 15 decimal digits stays exact as a double; a longer Content-Length is absurd anyway.
const DECIMAL = /^\d{1,15}$/;
// RFC 9110 §5.1 field-name = token.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// A CR or LF that is not part of a CRLF, or a NUL: never valid in a head, and a value carrying one
// (a session id, say) would later be echoed into our own requests.
const STRAY = /\0|\r(?!\n)|(?<!\r)\n/;

/**
 * Parse the head text (latin1, without the final CRLF CRLF). `noBody` is true for a response to
 * HEAD. Throws an `Http1Error` of kind "malformed" for anything that is not valid HTTP/1.x.
 */
export function parseHead(text: string, noBody: boolean): ParsedHead {
  if (STRAY.test(text)) throw malformed("bare CR, LF or NUL in the response head");
  let eol = text.indexOf("\r\n");
  const statusLine = eol < 0 ? text : text.slice(0, eol);
  // "HTTP/1.x SSS[ reason]": checked by position, which is cheaper than a regex on every response.
  if (
    statusLine.length < 12 ||
    !statusLine.startsWith("HTTP/1.") ||
    (statusLine[7] !== "1" && statusLine[7] !== "0") ||
    statusLine[8] !== " " ||
    (statusLine.length > 12 && statusLine[12] !== " ")
  ) {
    throw malformed(`bad status line ${excerpt(statusLine)}`);
  }
  const status = statusCode(statusLine);
  if (status < 0) throw malformed(`bad status line ${excerpt(statusLine)}`);
  const http11 = statusLine[7] === "1";

  const headers: MutableHeaders = {
    "content-type": undefined,
    "mcp-session-id": undefined,
    "content-length": undefined,
    "transfer-encoding": undefined,
    connection: undefined,
  };
  while (eol >= 0) {
    const start = eol + 2;
    eol = text.indexOf("\r\n", start);
    const line = eol < 0 ? text.slice(start) : text.slice(start, eol);
    keepField(headers, line);
  }
  return frame(status, http11, headers, noBody);
}

function statusCode(line: string): number {
  const a = line.charCodeAt(9) - 48;
  const b = line.charCodeAt(10) - 48;
  const c = line.charCodeAt(11) - 48;
  if (a < 1 || a > 5 || b < 0 || b > 9 || c < 0 || c > 9) return -1;
  return a * 100 + b * 10 + c;
}

/** Check one header line and keep its value when it is one of the fields we act on. */
function keepField(headers: MutableHeaders, line: string): void {
  const first = line.charCodeAt(0);
  // Obsolete line folding (RFC 9112 §5.2) is rejected, as is whitespace before the colon (below).
  if (first === 32 || first === 9) throw malformed(`folded header line ${excerpt(line)}`);
  const colon = line.indexOf(":");
  if (colon <= 0) throw malformed(`bad header line ${excerpt(line)}`);
  const name = line.slice(0, colon);
  if (!TOKEN.test(name)) throw malformed(`bad header name ${excerpt(name)}`);
  // Only names of the lengths we keep are lower-cased and compared.
  switch (colon) {
    case 10:
      if (name.toLowerCase() === "connection") headers.connection = join(headers.connection, value(line, colon));
      return;
    case 12:
      if (name.toLowerCase() === "content-type" && headers["content-type"] === undefined) headers["content-type"] = value(line, colon);
      return;
    case 14: {
      const lower = name.toLowerCase();
      if (lower === "content-length") {
        const v = value(line, colon);
        if (!DECIMAL.test(v)) throw malformed(`bad Content-Length ${excerpt(v)}`);
        const previous = headers["content-length"];
        if (previous !== undefined && Number(previous) !== Number(v)) throw malformed("conflicting Content-Length headers");
        headers["content-length"] = v;
      } else if (lower === "mcp-session-id" && headers["mcp-session-id"] === undefined) {
        headers["mcp-session-id"] = value(line, colon);
      }
      return;
    }
    case 17:
      if (name.toLowerCase() === "transfer-encoding") headers["transfer-encoding"] = join(headers["transfer-encoding"], value(line, colon));
      return;
  }
}

function value(line: string, colon: number): string {
  return line.slice(colon + 1).trim();
}

function join(previous: string | undefined, next: string): string {
  return previous === undefined ? next : `${previous}, ${next}`;
}

/** Whether a comma-separated field (Connection, Transfer-Encoding) lists `token`. */
function lists(field: string, token: string): boolean {
  for (const part of field.split(",")) if (part.trim().toLowerCase() === token) return true;
  return false;
}

function frame(status: number, http11: boolean, headers: MutableHeaders, noBody: boolean): ParsedHead {
  const conn = headers.connection;
  let keepAlive = conn === undefined ? http11 : http11 ? !lists(conn, "close") : lists(conn, "keep-alive");
  if (status < 200 || status === 204 || status === 304 || noBody) {
    return { status, headers, framing: Framing.None, length: -1, keepAlive };
  }
  const te = headers["transfer-encoding"];
  if (te !== undefined) {
    // We never ask for a transfer coding, so chunked (with an optional no-op identity) is all we accept.
    const codings = te.split(",").map((c) => c.trim().toLowerCase()).filter((c) => c !== "" && c !== "identity");
    if (codings.length !== 1 || codings[0] !== "chunked") throw malformed(`unsupported Transfer-Encoding ${excerpt(te)}`);
    // Both headers present is how request smuggling starts (RFC 9112 §6.3): read this one, then drop the socket.
    if (headers["content-length"] !== undefined) keepAlive = false;
    return { status, headers, framing: Framing.Chunked, length: -1, keepAlive };
  }
  const cl = headers["content-length"];
  if (cl !== undefined) return { status, headers, framing: Framing.Length, length: Number(cl), keepAlive };
  return { status, headers, framing: Framing.UntilClose, length: -1, keepAlive: false };
}
