/**
 * The request/response bookkeeping shared by every upstream transport. The proxy numbers its own
 * requests to the upstream (so ids from different clients, and the proxy's own re-initialize after
 * a restart, can never collide); a response is matched to its pending entry by that number.
 */
import type { JsonRpcId, JsonRpcNotification, JsonRpcRequest, JsonRpcResponse } from "../mcp/jsonrpc.js";
import { classify } from "../mcp/jsonrpc.js";

/** Why an upstream call failed without a JSON-RPC response: it died, timed out, or spoke garbage. */
export class UpstreamError extends Error {
  constructor(
    message: string,
    readonly kind: "exited" | "timeout" | "garbage" | "unreachable" | "closed" | "http_status",
  ) {
    super(message);
    this.name = "UpstreamError";
  }
}

/** Messages the upstream sends on its own: server→client requests and notifications. */
export interface UpstreamListener {
  onMessage(msg: JsonRpcRequest | JsonRpcNotification): void;
  /** The upstream became unusable for good (restarts exhausted or session lost). */
  onFatal?(reason: string): void;
}

interface Pending {
  resolve(msg: JsonRpcResponse): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout | undefined;
}

/** An upstream MCP session as the pipeline sees it. */
export interface Upstream {
  /** Human label for evidence and logs (vendor label, URL host or command name). */
  readonly label: string;
  /**
   * Send a request. `onSent` receives the upstream id first (used to map cancellations); the
   * promise settles with the upstream's response, or rejects with an UpstreamError.
   */
  request(method: string, params: Record<string, unknown> | undefined, timeoutMs: number, onSent?: (id: number) => void): Promise<JsonRpcResponse>;
  /** Send a notification. */
  notify(method: string, params: Record<string, unknown> | undefined): void;
  /** Answer a request the upstream sent us (its own id). */
  respond(id: JsonRpcId, payload: { result: unknown } | { error: { code: number; message: string; data?: unknown } }): void;
  /** End the upstream session and release its resources (kills a child, DELETEs an HTTP session). */
  close(): Promise<void>;
  /** Stop waiting for a request the client cancelled (the upstream will not answer it). */
  cancel(id: number, reason: string): void;
}

/** Pending-request table plus inbound dispatch; transports subclass it and implement `send`. */
export abstract class Peer {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(protected readonly listener: UpstreamListener) {}

  /** Write one serialized message to the transport (the request id is given for HTTP routing). */
  protected abstract send(line: string, requestId: number | undefined): void;

  protected newRequest(
    method: string,
    params: Record<string, unknown> | undefined,
    timeoutMs: number,
    onSent?: (id: number) => void,
  ): Promise<JsonRpcResponse> {
    const id = this.nextId++;
    const msg: JsonRpcRequest = params === undefined ? { jsonrpc: "2.0", id, method } : { jsonrpc: "2.0", id, method, params };
    return new Promise<JsonRpcResponse>((resolve, reject) => {
      const timer =
        timeoutMs > 0
          ? setTimeout(() => {
              this.pending.delete(id);
              reject(new UpstreamError(`upstream did not answer ${method} within ${timeoutMs} ms`, "timeout"));
            }, timeoutMs)
          : undefined;
      this.pending.set(id, { resolve, reject, timer });
      onSent?.(id);
      this.send(JSON.stringify(msg), id);
    });
  }

  /** Stop waiting for a request the client cancelled; its caller sees an UpstreamError. */
  cancel(id: number, reason: string): void {
    this.failOne(id, new UpstreamError(reason, "closed"));
  }

  /** Fail one pending request (an HTTP POST that errored). */
  protected failOne(id: number, err: Error): void {
    const p = this.pending.get(id);
    if (!p) return;
    this.pending.delete(id);
    if (p.timer) clearTimeout(p.timer);
    p.reject(err);
  }

  /** Fail every pending request, e.g. when the child process dies. */
  protected failAll(err: Error): void {
    const all = [...this.pending.values()];
    this.pending.clear();
    for (const p of all) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(err);
    }
  }

  get inFlight(): number {
    return this.pending.size;
  }

  /**
   * Route one parsed inbound message. Returns false when it is not a JSON-RPC message at all, so
   * the transport can treat the upstream as speaking garbage.
   */
  protected receive(msg: unknown): boolean {
    const kind = classify(msg);
    if (kind === "response") {
      const r = msg as JsonRpcResponse;
      const p = typeof r.id === "number" ? this.pending.get(r.id) : undefined;
      if (!p) return true; // late answer to a timed-out or cancelled request: dropped
      this.pending.delete(r.id as number);
      if (p.timer) clearTimeout(p.timer);
      p.resolve(r);
      return true;
    }
    if (kind === "request" || kind === "notification") {
      this.listener.onMessage(msg as JsonRpcRequest | JsonRpcNotification);
      return true;
    }
    return false;
  }

  protected sendNotification(method: string, params: Record<string, unknown> | undefined): void {
    const msg: JsonRpcNotification = params === undefined ? { jsonrpc: "2.0", method } : { jsonrpc: "2.0", method, params };
    this.send(JSON.stringify(msg), undefined);
  }

  protected sendResponse(id: JsonRpcId, payload: { result: unknown } | { error: { code: number; message: string; data?: unknown } }): void {
    this.send(JSON.stringify({ jsonrpc: "2.0", id, ...payload }), undefined);
  }
}
