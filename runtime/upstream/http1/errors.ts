/**
 * The one error type of the HTTP/1.1 client. `kind` says what went wrong so callers (and tests)
 * need not match on messages; the message is written for a human reading a log.
 */

/** What made a request fail. */
export type Http1ErrorKind =
  /** The socket could not be opened (refused, DNS, TLS handshake). */
  | "connect"
  /** The connection ended before the response was complete. */
  | "closed"
  /** The bytes on the wire are not an HTTP/1.x response we accept. */
  | "malformed"
  /** The response head or buffered body is larger than the configured limit. */
  | "too_large"
  /** The caller's AbortSignal fired. */
  | "aborted"
  /** The upstream sent nothing for longer than the pool's response timeout. */
  | "timeout"
  /** The pool was closed before the request could run or finish. */
  | "pool_closed";

/** A failed HTTP/1.1 exchange. */
export class Http1Error extends Error {
  constructor(
    message: string,
    readonly kind: Http1ErrorKind,
  ) {
    super(message);
    this.name = kind === "aborted" ? "AbortError" : "Http1Error";
  }
}

/** The upstream broke the protocol; `detail` says how. */
export function malformed(detail: string): Http1Error {
  return new Http1Error(`upstream answered with malformed HTTP: ${detail}`, "malformed");
}

/** Quote at most 60 characters of wire text for an error message. */
export function excerpt(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}
