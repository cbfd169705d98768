/**
 * Building the bytes of one request: request line, `host`, the caller's header fields, and
 * `content-length` when there is a body, as one string that goes out in one `socket.write`.
 * Header fields are validated once, when a `RequestHeaders` is made, so a caller that sends the
 * same headers many times (every POST of a session) pays for the checks and the joining once.
 */

// RFC 9110 §5.1 token, for methods and field names.
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// CR, LF and NUL would let a value end the field and start another: header injection.
const FORBIDDEN_IN_VALUE = /[\r\n\0]/;
// Fields the client owns: the framing of what it sends, and the authority it connects to.
const RESERVED = new Set(["host", "content-length", "transfer-encoding", "connection"]);
// A request target in origin-form: no whitespace or control characters (RFC 9112 §3.2.1).
const BAD_TARGET = /[\s\0-\x1f\x7f]/;

/** Validated request header fields, rendered once as `name: value\r\n` lines. */
export class RequestHeaders {
  /** The rendered lines, each ending in CRLF. */
  readonly text: string;

  /**
   * `fields` maps lower-case names to values. Throws on a name that is not a token, a value
   * containing CR, LF or NUL, or a field the client sets itself (host, content-length,
   * transfer-encoding, connection).
   */
  constructor(fields: Readonly<Record<string, string>>) {
    let text = "";
    for (const name of Object.keys(fields)) {
      const value = fields[name]!;
      if (!TOKEN.test(name)) throw new Error(`invalid HTTP header name ${JSON.stringify(name)}`);
      if (RESERVED.has(name.toLowerCase())) throw new Error(`HTTP header "${name}" is set by the client and cannot be given`);
      if (FORBIDDEN_IN_VALUE.test(value)) throw new Error(`HTTP header "${name}" has a value with CR, LF or NUL in it`);
      text += `${name}: ${value}\r\n`;
    }
    this.text = text;
  }
}

/**
 * The whole request as one string. `prefix` is the pool's `" HTTP/1.1\r\nhost: …\r\n"`; a body
 * (even an empty one) gets a `content-length` counted in UTF-8 bytes.
 */
export function renderRequest(method: string, path: string, prefix: string, headers: RequestHeaders, body: string | undefined): string {
  const head = `${method} ${path}${prefix}${headers.text}`;
  return body === undefined ? `${head}\r\n` : `${head}content-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
}

/** Throws unless `method` is a token and `path` an origin-form target (or `*`). */
export function checkTarget(method: string, path: string): void {
  if (!TOKEN.test(method)) throw new Error(`invalid HTTP method ${JSON.stringify(method)}`);
  if ((path[0] !== "/" && path !== "*") || BAD_TARGET.test(path)) throw new Error(`invalid HTTP request target ${JSON.stringify(path)}`);
}
