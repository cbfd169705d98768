/**
 * Small helpers over uWS responses: reading a bounded body, writing JSON and plain errors.
 *
 * uWS rules we follow (see its docs): everything needed from `req` is copied synchronously in the
 * handler (the request object is stack-allocated and invalid after the first await); `onAborted`
 * is registered before any asynchronous work; writes after an await happen inside `res.cork`.
 */
import type { HttpResponse } from "uWebSockets.js";

/** Tracks whether the client went away, so late writes are skipped instead of crashing uWS. */
export interface ResponseState {
  aborted: boolean;
  done: boolean;
}

/**
 * Read the whole body into one Buffer, at most `limit` bytes. Calls `onBody` with the buffer, or
 * `onTooLarge` as soon as the limit is crossed (the rest is not buffered). Each chunk is copied,
 * since uWS reuses the ArrayBuffer after the callback returns.
 */
export function readBody(
  res: HttpResponse,
  limit: number,
  onBody: (body: Buffer) => void,
  onTooLarge: () => void,
): void {
  let chunks: Buffer[] | undefined;
  let first: Buffer | undefined;
  let size = 0;
  let over = false;
  res.onData((ab, isLast) => {
    if (over) return;
    size += ab.byteLength;
    if (size > limit) {
      over = true;
      onTooLarge();
      return;
    }
    // Copy (once): the ArrayBuffer is only valid during this callback.
    const chunk = Buffer.from(new Uint8Array(ab));
    if (isLast) {
      if (!first) onBody(chunk);
      else {
        (chunks ??= [first]).push(chunk);
        onBody(Buffer.concat(chunks, size));
      }
      return;
    }
    if (!first) first = chunk;
    else (chunks ??= [first]).push(chunk);
  });
}

/** HTTP status lines we use, preformatted. */
export const STATUS = {
  200: "200 OK",
  201: "201 Created",
  202: "202 Accepted",
  204: "204 No Content",
  400: "400 Bad Request",
  401: "401 Unauthorized",
  403: "403 Forbidden",
  404: "404 Not Found",
  405: "405 Method Not Allowed",
  406: "406 Not Acceptable",
  409: "409 Conflict",
  413: "413 Payload Too Large",
  415: "415 Unsupported Media Type",
  429: "429 Too Many Requests",
  500: "500 Internal Server Error",
  502: "502 Bad Gateway",
  503: "503 Service Unavailable",
} as const;

export type StatusCode = keyof typeof STATUS;

/** Write a complete JSON response (corked). `extraHeaders` are name/value pairs. */
export function sendJson(
  res: HttpResponse,
  state: ResponseState,
  status: StatusCode,
  body: string,
  extraHeaders?: readonly (readonly [string, string])[],
): void {
  send(res, state, status, body, "application/json", extraHeaders);
}

/** Write a complete response of another media type (the Prometheus exposition), corked. */
export function sendText(res: HttpResponse, state: ResponseState, status: StatusCode, body: string, contentType: string): void {
  send(res, state, status, body, contentType, undefined);
}

/** Write a response with no body (202, 204, 405 …). */
export function sendEmpty(res: HttpResponse, state: ResponseState, status: StatusCode, extraHeaders?: readonly (readonly [string, string])[]): void {
  send(res, state, status, undefined, undefined, extraHeaders);
}

function send(
  res: HttpResponse,
  state: ResponseState,
  status: StatusCode,
  body: string | undefined,
  contentType: string | undefined,
  extraHeaders: readonly (readonly [string, string])[] | undefined,
): void {
  if (state.aborted || state.done) return;
  state.done = true;
  res.cork(() => {
    res.writeStatus(STATUS[status]);
    if (body !== undefined && contentType !== undefined) res.writeHeader("Content-Type", contentType);
    if (extraHeaders) for (const [k, v] of extraHeaders) res.writeHeader(k, v);
    res.end(body);
  });
}
