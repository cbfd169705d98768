/**
 * One request from the moment it is handed to the pool until its promise settles: the rendered
 * bytes (kept for the single retry), where the response body goes (collected or streamed), and
 * the abort hook. It is the only per-request object the client allocates besides the promise.
 */
import type { Connection } from "./connection.js";
import { Http1Error } from "./errors.js";
import type { ParsedHead } from "./head.js";
import type { BodySink, Http1Response, StreamOpener } from "./types.js";

/** Who an exchange tells when its caller aborts it. */
export interface ExchangeOwner {
  /** Drop a queued exchange, or fail it with `err` and destroy the connection running it. */
  abort(ex: Exchange, err: Error): void;
}

/** A request in the pool. */
export class Exchange {
  readonly promise: Promise<Http1Response>;
  /** The connection running it; null while queued or after it settled. */
  conn: Connection | null = null;
  /** Whether it was already re-sent once after a reused connection died. */
  retried = false;
  private resolve!: (res: Http1Response) => void;
  private reject!: (err: Error) => void;
  private settled = false;
  private head: ParsedHead | null = null;
  private sink: BodySink | null = null;
  // The body pieces: the first alone in the common one-chunk case, the rest only when there are more.
  private first: Buffer | null = null;
  private rest: Buffer[] | null = null;
  private size = 0;

  constructor(
    private readonly owner: ExchangeOwner,
    /** The whole request, head and body. */
    readonly bytes: string,
    /** The response has no body whatever its head says (HEAD). */
    readonly noBody: boolean,
    private readonly opener: StreamOpener | undefined,
    private readonly signal: AbortSignal | undefined,
    private readonly maxBodyBytes: number,
  ) {
    this.promise = new Promise<Http1Response>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
    // The exchange is its own listener (`handleEvent`), so aborting needs no closure.
    signal?.addEventListener("abort", this, { once: true });
  }

  /** True while the response streams to a sink (the pool closes such exchanges at shutdown). */
  get streaming(): boolean {
    return this.sink !== null;
  }

  /** The final head arrived. Throws (failing the exchange) when a buffered body would be too large. */
  started(head: ParsedHead): void {
    this.head = head;
    const ctype = head.headers["content-type"];
    if (this.opener !== undefined && ctype !== undefined && ctype.toLowerCase().includes("text/event-stream")) {
      this.sink = this.opener(head);
    }
    if (this.sink === null && head.length > this.maxBodyBytes) throw this.tooLarge();
  }

  /** Body bytes `buf[start, end)`: to the sink, or kept for decoding at the end. */
  body(buf: Buffer, start: number, end: number): void {
    if (this.sink !== null) {
      this.sink.data(buf.subarray(start, end));
      return;
    }
    const piece = buf.subarray(start, end);
    this.size += piece.length;
    if (this.size > this.maxBodyBytes) throw this.tooLarge();
    if (this.first === null) this.first = piece;
    else if (this.rest === null) this.rest = [this.first, piece];
    else this.rest.push(piece);
  }

  /** The response is complete: decode the body once and resolve. */
  succeed(): void {
    if (this.settled) return;
    this.settle();
    const head = this.head!;
    let body = "";
    if (this.first !== null) {
      const all = this.rest === null ? this.first : Buffer.concat(this.rest, this.size);
      // Drop a UTF-8 BOM, as undici's and fetch's text() do.
      const bom = all.length > 2 && all[0] === 0xef && all[1] === 0xbb && all[2] === 0xbf;
      body = all.toString("utf8", bom ? 3 : 0);
    }
    this.first = null;
    this.rest = null;
    this.resolve({ status: head.status, headers: head.headers, body, streamed: this.sink !== null });
  }

  /** The exchange failed. */
  fail(err: Error): void {
    if (this.settled) return;
    this.settle();
    this.first = null;
    this.rest = null;
    this.reject(err);
  }

  /** AbortSignal listener. */
  handleEvent(): void {
    if (this.settled) return;
    const err = new Http1Error("upstream request aborted", "aborted");
    this.owner.abort(this, err);
    this.fail(err);
  }

  private settle(): void {
    this.settled = true;
    this.conn = null;
    this.signal?.removeEventListener("abort", this);
  }

  private tooLarge(): Http1Error {
    return new Http1Error(`upstream response body exceeds ${this.maxBodyBytes} bytes`, "too_large");
  }
}
