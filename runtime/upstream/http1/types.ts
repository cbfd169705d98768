/**
 * The client's public shapes: what a caller passes to `Http1Pool.request` and what it gets back.
 */
import type { ResponseHead, ResponseHeaders } from "./head.js";
import type { RequestHeaders } from "./request.js";

export type { ResponseHead, ResponseHeaders };

/**
 * Receives the body of a streamed response chunk by chunk, straight from the socket's `data`
 * callback. The buffer is the socket's own; copy what must outlive the call. A sink that throws
 * fails the request and destroys the connection.
 */
export interface BodySink {
  data(chunk: Buffer): void;
}

/**
 * Asked once, when the head of a `text/event-stream` response arrives: return a sink to stream
 * the body to it, or null to have the body buffered like any other.
 */
export type StreamOpener = (head: ResponseHead) => BodySink | null;

/** One request. */
export interface Http1Request {
  readonly method: string;
  /** Origin-form target: path and query, e.g. `/mcp?x=1`. */
  readonly path: string;
  /** Lower-case field names; prepared `RequestHeaders` skip the validation on every call. */
  readonly headers: RequestHeaders | Readonly<Record<string, string>>;
  /** Request body; when given (even empty) a `content-length` is sent. */
  readonly body?: string;
  /** Stream `text/event-stream` bodies instead of buffering them. */
  readonly stream?: StreamOpener;
  /** Aborting destroys the connection (or drops the queued request) and rejects the promise. */
  readonly signal?: AbortSignal;
}

/** A complete response. */
export interface Http1Response extends ResponseHead {
  /** The body decoded as UTF-8 (a leading BOM dropped); "" when it was streamed to a sink. */
  readonly body: string;
  /** True when the body went to the `stream` opener's sink. */
  readonly streamed: boolean;
}
