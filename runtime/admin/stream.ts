/**
 * The live evidence stream: a WebSocket at `/api/events/stream` for dashboards. Each committed
 * entry that matches the subscriber's filter (`?agent=&tool=&decision=&kind=&caller=`) is sent as
 * one JSON text message, in seq order. Clients send nothing; what they send is ignored.
 *
 * The upgrade needs the admin bearer token in `Authorization` (401/403 before the upgrade is
 * accepted) and a valid query (400); past MAX_SUBSCRIBERS sockets an upgrade gets 503.
 *
 * One store subscription (taken while anyone listens) fans out to every socket. Entries of one
 * commit batch are collected and sent after it, one corked write per socket. Backpressure: a
 * subscriber whose unsent bytes pass `maxBufferedBytes` is dropped with close code 1013 ("try
 * again later") and reason "slow consumer"; nothing is kept for it beyond that bound. uWS's own
 * `maxBackpressure` sits above our bound, so the close frame still fits in the buffer and a
 * client that reads again learns why it was dropped (a client that never reads is cut off by the
 * idle timeout after uWS's shutdown grace).
 */
import type { WebSocket } from "uWebSockets.js";
import { matchesFilter, type EntryFilter } from "../evidence/filter.js";
import type { EvidenceEntry } from "../evidence/record.js";
import type { RouteTarget } from "../server/app.js";
import type { AdminAuth } from "./admin-auth.js";
import { entryFilter, FILTER_PARAMS, QueryError, queryParams } from "./event-query.js";
import { authorized, fail, freshState } from "./respond.js";

export const STREAM_PATH = "/api/events/stream";

/** WebSocket close codes we use (RFC 6455 §7.4, IANA registry). */
export const CLOSE_TRY_AGAIN_LATER = 1013;
export const CLOSE_GOING_AWAY = 1001;
export const SLOW_CONSUMER_REASON = "slow consumer";

/** uWS `send` results. */
const SEND_DROPPED = 2;

export interface StreamOptions {
  /** Unsent bytes past which a subscriber is dropped (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** Concurrent subscribers (default 64). */
  readonly maxSubscribers?: number;
  /** Seconds without traffic before uWS closes a socket; pings keep live clients (default 60). */
  readonly idleTimeoutSeconds?: number;
}

interface Subscriber {
  readonly filter: EntryFilter;
  /** False from our `end` (or the close event) on: the socket must not be touched any more. */
  open: boolean;
}

export class EvidenceStream {
  readonly #store: { subscribe(listener: (e: EvidenceEntry) => void): () => void };
  readonly #auth: AdminAuth;
  readonly #maxBuffered: number;
  readonly #maxSubscribers: number;
  readonly #idleTimeout: number;
  readonly #sockets = new Set<WebSocket<Subscriber>>();
  #unsubscribe: (() => void) | null = null;
  /** Entries of the current commit batch, sent in one go once the batch is handed over. */
  #pending: EvidenceEntry[] = [];
  #flushQueued = false;
  #dropped = 0;
  #closed = false;

  constructor(store: { subscribe(listener: (e: EvidenceEntry) => void): () => void }, auth: AdminAuth, opts: StreamOptions = {}) {
    this.#store = store;
    this.#auth = auth;
    this.#maxBuffered = opts.maxBufferedBytes ?? 1024 * 1024;
    this.#maxSubscribers = opts.maxSubscribers ?? 64;
    this.#idleTimeout = opts.idleTimeoutSeconds ?? 60;
  }

  /** Connected subscribers now. */
  get subscribers(): number {
    return this.#sockets.size;
  }

  /** Subscribers dropped as slow consumers since start (for the metrics). */
  get dropped(): number {
    return this.#dropped;
  }

  register(target: RouteTarget): void {
    target.ws<Subscriber>(STREAM_PATH, {
      // Clients have nothing to say; a large frame is an error, not a message.
      maxPayloadLength: 1024,
      idleTimeout: this.#idleTimeout,
      sendPingsAutomatically: true,
      // The hard cap: above ours (see the header), so the 1013 close frame is never dropped.
      maxBackpressure: this.#maxBuffered * 2 + 64 * 1024,
      upgrade: (res, req, context) => {
        const state = freshState();
        if (!authorized(res, req, state, this.#auth)) return;
        let filter: EntryFilter;
        try {
          filter = entryFilter(queryParams(req.getQuery() ?? "", FILTER_PARAMS));
        } catch (err) {
          return fail(res, state, 400, err instanceof QueryError ? err.message : String(err));
        }
        if (this.#closed) return fail(res, state, 503, "server is shutting down");
        if (this.#sockets.size >= this.#maxSubscribers) return fail(res, state, 503, `too many stream subscribers (at most ${this.#maxSubscribers}); try again later`);
        const key = req.getHeader("sec-websocket-key");
        const protocol = req.getHeader("sec-websocket-protocol");
        const extensions = req.getHeader("sec-websocket-extensions");
        res.cork(() => res.upgrade<Subscriber>({ filter, open: true }, key, protocol, extensions, context));
      },
      open: (ws) => {
        if (this.#closed) {
          ws.getUserData().open = false;
          ws.end(CLOSE_GOING_AWAY, "server is shutting down");
          return;
        }
        this.#sockets.add(ws);
        this.#unsubscribe ??= this.#store.subscribe((e) => this.#onEntry(e));
      },
      close: (ws) => {
        ws.getUserData().open = false;
        this.#sockets.delete(ws);
        if (this.#sockets.size === 0) this.#release();
      },
    });
  }

  /** Ends every stream (1001) and lets go of the store. */
  close(): void {
    this.#closed = true;
    for (const ws of [...this.#sockets]) {
      const sub = ws.getUserData();
      if (!sub.open) continue;
      sub.open = false;
      ws.end(CLOSE_GOING_AWAY, "server is shutting down");
    }
    this.#sockets.clear();
    this.#release();
  }

  #release(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    this.#pending = [];
  }

  /**
   * Called by the store for each committed entry; the store hands over a batch in one synchronous
   * loop, so a microtask runs right after the whole batch.
   */
  #onEntry(e: EvidenceEntry): void {
    this.#pending.push(e);
    if (this.#flushQueued) return;
    this.#flushQueued = true;
    queueMicrotask(() => {
      this.#flushQueued = false;
      const batch = this.#pending;
      this.#pending = [];
      this.#fanOut(batch);
    });
  }

  #fanOut(batch: readonly EvidenceEntry[]): void {
    if (batch.length === 0 || this.#sockets.size === 0) return;
    // Each entry is serialized once, and only when some subscriber wants it.
    const texts: (string | undefined)[] = new Array(batch.length);
    for (const ws of [...this.#sockets]) {
      const sub = ws.getUserData();
      if (!sub.open) continue;
      ws.cork(() => {
        for (let i = 0; i < batch.length && sub.open; i++) {
          const e = batch[i]!;
          if (!matchesFilter(e, sub.filter)) continue;
          this.#deliver(ws, sub, (texts[i] ??= JSON.stringify(e)));
        }
      });
    }
  }

  #deliver(ws: WebSocket<Subscriber>, sub: Subscriber, text: string): void {
    if (ws.getBufferedAmount() > this.#maxBuffered) return this.#drop(ws, sub);
    const status = ws.send(text, false, false);
    // 0 (buffered) is fine while under the bound, checked now and before the next send.
    if (status === SEND_DROPPED || ws.getBufferedAmount() > this.#maxBuffered) this.#drop(ws, sub);
  }

  #drop(ws: WebSocket<Subscriber>, sub: Subscriber): void {
    sub.open = false;
    this.#dropped++;
    ws.end(CLOSE_TRY_AGAIN_LATER, SLOW_CONSUMER_REASON);
  }
}
