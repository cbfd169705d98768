/**
 * Downstream streams. A POST that carries a request is answered as plain JSON when nothing else
 * needs saying before the answer; if the upstream sends a server→client message first (progress,
 * sampling, elicitation, logging), the same response is upgraded on the spot to an SSE stream that
 * carries those messages and then the answer. Most calls therefore cost one JSON write, and
 * streaming costs nothing until it is needed. A GET opens the session's standing SSE stream.
 */
import type { HttpResponse } from "uWebSockets.js";
import { STATUS, type ResponseState, type StatusCode } from "../server/http.js";

/** Something a server→client message can be written to. */
export interface ClientStream {
  /** Write one serialized JSON-RPC message; false when the stream is gone. */
  push(json: string): boolean;
  readonly open: boolean;
}

/** The response to one POSTed request. */
export class PostExchange implements ClientStream {
  private sse = false;
  readonly state: ResponseState = { aborted: false, done: false };

  constructor(
    private readonly res: HttpResponse,
    private readonly acceptsSse: boolean,
    /** Headers every answer carries (Mcp-Session-Id). */
    private readonly headers: readonly (readonly [string, string])[],
  ) {}

  get open(): boolean {
    return !this.state.aborted && !this.state.done;
  }

  get streaming(): boolean {
    return this.sse;
  }

  /** Send a message before the answer, upgrading to SSE. False if this client cannot take SSE. */
  push(json: string): boolean {
    if (!this.open || !this.acceptsSse) return false;
    this.res.cork(() => {
      if (!this.sse) {
        this.sse = true;
        this.res.writeStatus(STATUS[200]);
        this.res.writeHeader("Content-Type", "text/event-stream");
        this.res.writeHeader("Cache-Control", "no-cache");
        for (const [k, v] of this.headers) this.res.writeHeader(k, v);
      }
      this.res.write(`event: message\ndata: ${json}\n\n`);
    });
    return true;
  }

  /**
   * Send the answer and end the response. `status`/`extra` apply to a plain JSON answer only (a
   * rate-limited call answers 429 with Retry-After); once upgraded to SSE the status is already 200.
   */
  finish(json: string, status: StatusCode = 200, extra?: readonly (readonly [string, string])[]): void {
    if (!this.open) return;
    this.state.done = true;
    this.res.cork(() => {
      if (this.sse) {
        this.res.end(`event: message\ndata: ${json}\n\n`);
        return;
      }
      this.res.writeStatus(STATUS[status]);
      this.res.writeHeader("Content-Type", "application/json");
      for (const [k, v] of this.headers) this.res.writeHeader(k, v);
      if (extra) for (const [k, v] of extra) this.res.writeHeader(k, v);
      this.res.end(json);
    });
  }
}

/** The standing GET stream of a session. */
export class GetStream implements ClientStream {
  readonly state: ResponseState = { aborted: false, done: false };
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly res: HttpResponse,
    headers: readonly (readonly [string, string])[],
    heartbeatMs: number,
  ) {
    res.cork(() => {
      res.writeStatus(STATUS[200]);
      res.writeHeader("Content-Type", "text/event-stream");
      res.writeHeader("Cache-Control", "no-cache");
      for (const [k, v] of headers) res.writeHeader(k, v);
      // An SSE comment flushes the headers so the client sees the stream open at once.
      res.write(": stream open\n\n");
    });
    // Comments keep intermediaries from timing out an idle stream.
    this.heartbeat = setInterval(() => this.comment(), heartbeatMs);
    this.heartbeat.unref();
  }

  get open(): boolean {
    return !this.state.aborted && !this.state.done;
  }

  push(json: string): boolean {
    if (!this.open) return false;
    this.res.cork(() => this.res.write(`event: message\ndata: ${json}\n\n`));
    return true;
  }

  private comment(): void {
    if (!this.open) return this.stop();
    this.res.cork(() => this.res.write(": keep-alive\n\n"));
  }

  /** Called when the client went away. */
  aborted(): void {
    this.state.aborted = true;
    this.stop();
  }

  /** End the stream (session closed). */
  end(): void {
    if (this.open) {
      this.state.done = true;
      this.res.cork(() => this.res.end());
    }
    this.stop();
  }

  private stop(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = undefined;
  }
}
