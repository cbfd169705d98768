/**
 * A small HTTP/1.1 client over `node:net`/`node:tls`, made for the Streamable HTTP upstream:
 * keep-alive pools per origin, one request per connection at a time, buffered or streamed
 * (`text/event-stream`) responses. See `pool.ts` for the pool, `parser.ts` for the wire format.
 */
export { Http1Pool, type Http1PoolOptions } from "./pool.js";
export { Http1Error, type Http1ErrorKind } from "./errors.js";
export { RequestHeaders } from "./request.js";
export type { BodySink, Http1Request, Http1Response, ResponseHead, ResponseHeaders, StreamOpener } from "./types.js";
