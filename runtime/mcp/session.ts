/**
 * A downstream MCP session and the upstream session it holds. Everything the policy does not
 * govern is relayed here in both directions with ids remapped: the client's requests get upstream
 * ids from the upstream peer; the upstream's own requests (sampling, elicitation, roots) get
 * session-local ids toward the client, and the client's answers are mapped back. Progress
 * notifications follow their progress token to the stream of the request that asked for them.
 */
import { createHash } from "node:crypto";
import type { Principal } from "../hooks.js";
import type { JsonRpcId, JsonRpcNotification, JsonRpcRequest, JsonRpcResponse } from "./jsonrpc.js";
import { ERR } from "./jsonrpc.js";
import type { Upstream } from "../upstream/peer.js";
import type { ClientStream, GetStream, PostExchange } from "./streams.js";

export class Session {
  upstream!: Upstream;
  protocolVersion = "2025-03-26";
  lastActive = Date.now();
  getStream: GetStream | undefined;
  closed = false;
  /** Set when the upstream is gone for good; requests then fail at once with this text. */
  fatal: string | undefined;

  /** In-flight POST exchanges, newest last, for server→client messages with no better stream. */
  private readonly inflight = new Set<PostExchange>();
  /** progressToken → the exchange whose request carried it. */
  private readonly progressRoutes = new Map<string | number, PostExchange>();
  /** client request id → upstream request id, for `notifications/cancelled`. */
  private readonly clientToUpstream = new Map<JsonRpcId, number>();
  /** session-local id we gave an upstream request → the upstream's own id. */
  private readonly serverRequests = new Map<number, JsonRpcId>();
  /** session-local id of a request Talon itself sent the client (elicitation for `confirm`) → its waiter. */
  private readonly ownRequests = new Map<number, (answer: JsonRpcResponse) => void>();
  /** `capabilities` the client declared in `initialize` (elicitation decides how `confirm` asks). */
  clientCapabilities: Record<string, unknown> = {};
  /** Remote address of the connection that initialized the session (`limit … by ip`). */
  remoteIp = "";
  private nextServerRequestId = 1;

  /** Headers every answer in this session carries, built once. */
  readonly headers: readonly (readonly [string, string])[];

  constructor(
    readonly id: string,
    readonly principal: Principal,
    readonly agentName: string,
    /** The raw Authorization header of `initialize`, for `upstream_auth passthrough`. */
    readonly authorization: string,
  ) {
    this.headers = Object.freeze([Object.freeze(["Mcp-Session-Id", id] as const)]);
  }

  #tokenHash: string | undefined | null = null;

  /**
   * SHA-256 of the session's credential (the Authorization header's token), first 32 hex chars,
   * for evidence (LANGUAGE.md §8.2: "a hash of the token"); undefined without a credential.
   * Computed once per session.
   */
  get tokenHash(): string | undefined {
    if (this.#tokenHash === null) {
      const token = this.authorization.replace(/^\S+\s+/, "");
      this.#tokenHash = token === "" || this.authorization === "" ? undefined : createHash("sha256").update(token, "utf8").digest("hex").slice(0, 32);
    }
    return this.#tokenHash;
  }

  /** Track a request in flight so messages about it reach the right stream. */
  begin(exchange: PostExchange, params: Record<string, unknown> | undefined): void {
    this.lastActive = Date.now();
    this.inflight.add(exchange);
    const meta = params?._meta as Record<string, unknown> | undefined;
    const token = meta?.progressToken;
    if (typeof token === "string" || typeof token === "number") this.progressRoutes.set(token, exchange);
  }

  /** Remember which upstream id carries a client request (set once the upstream id is known). */
  mapUpstreamId(clientId: JsonRpcId, upstreamId: number): void {
    this.clientToUpstream.set(clientId, upstreamId);
  }

  end(exchange: PostExchange, clientId: JsonRpcId, params: Record<string, unknown> | undefined): void {
    this.inflight.delete(exchange);
    this.clientToUpstream.delete(clientId);
    const meta = params?._meta as Record<string, unknown> | undefined;
    const token = meta?.progressToken;
    if ((typeof token === "string" || typeof token === "number") && this.progressRoutes.get(token) === exchange) this.progressRoutes.delete(token);
    this.lastActive = Date.now();
  }

  get busy(): boolean {
    return this.inflight.size > 0;
  }

  /**
   * Send the client a request of Talon's own (not the upstream's) on the stream of the call it is
   * about, and wait for the answer. Rejects when no stream can carry it, or after `timeoutMs`.
   */
  requestClient(method: string, params: Record<string, unknown>, preferred: ClientStream | undefined, timeoutMs: number): Promise<JsonRpcResponse> {
    const localId = this.nextServerRequestId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.ownRequests.delete(localId);
        reject(new Error(`the client did not answer ${method} within ${Math.round(timeoutMs / 1000)} s`));
      }, timeoutMs);
      this.ownRequests.set(localId, (answer) => {
        clearTimeout(timer);
        resolve(answer);
      });
      if (!this.deliver(JSON.stringify({ jsonrpc: "2.0", id: localId, method, params }), preferred)) {
        clearTimeout(timer);
        this.ownRequests.delete(localId);
        reject(new Error(`the client has no open stream to receive ${method}`));
      }
    });
  }

  /** Hand a client answer to Talon's own waiter; false when the id is not one of ours. */
  resolveOwn(answer: JsonRpcResponse): boolean {
    if (typeof answer.id !== "number") return false;
    const waiter = this.ownRequests.get(answer.id);
    if (!waiter) return false;
    this.ownRequests.delete(answer.id);
    waiter(answer);
    return true;
  }

  /** Write a notification of Talon's own (progress while a call is held) to a stream. */
  notifyClient(method: string, params: Record<string, unknown>, preferred: ClientStream | undefined): boolean {
    return this.deliver(JSON.stringify({ jsonrpc: "2.0", method, params }), preferred);
  }

  /** The upstream id of a client request, for cancellation. */
  upstreamIdOf(clientId: JsonRpcId): number | undefined {
    return this.clientToUpstream.get(clientId);
  }

  /** The upstream's id for an answer the client gives to one of the upstream's requests. */
  takeServerRequest(localId: JsonRpcId): JsonRpcId | undefined {
    if (typeof localId !== "number") return undefined;
    const id = this.serverRequests.get(localId);
    if (id !== undefined) this.serverRequests.delete(localId);
    return id;
  }

  /** Route a message the upstream sent on its own to the best client stream. */
  fromUpstream(msg: JsonRpcRequest | JsonRpcNotification): void {
    if (this.closed) return;
    if ("id" in msg) {
      const localId = this.nextServerRequestId++;
      this.serverRequests.set(localId, msg.id);
      const json = JSON.stringify({ ...msg, id: localId });
      if (!this.deliver(json, undefined)) {
        this.serverRequests.delete(localId);
        this.upstream.respond(msg.id, { error: { code: ERR.INTERNAL, message: "the client has no open stream to receive this request" } });
      }
      return;
    }
    let route: PostExchange | undefined;
    if (msg.method === "notifications/progress") {
      const token = msg.params?.progressToken;
      if (typeof token === "string" || typeof token === "number") route = this.progressRoutes.get(token);
    } else if (msg.method === "notifications/cancelled") {
      // The upstream cancels one of its own requests: translate its id to ours.
      const rid = msg.params?.requestId;
      for (const [local, up] of this.serverRequests) {
        if (up === rid) {
          this.serverRequests.delete(local);
          this.deliver(JSON.stringify({ ...msg, params: { ...msg.params, requestId: local } }), undefined);
          return;
        }
      }
      return;
    }
    this.deliver(JSON.stringify(msg), route);
  }

  /** Preferred stream first, then the GET stream, then the newest in-flight POST. */
  private deliver(json: string, preferred: ClientStream | undefined): boolean {
    if (preferred?.open && preferred.push(json)) return true;
    if (this.getStream?.open && this.getStream.push(json)) return true;
    const all = [...this.inflight];
    for (let i = all.length - 1; i >= 0; i--) if (all[i]!.push(json)) return true;
    return false;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const [id, waiter] of this.ownRequests) waiter({ jsonrpc: "2.0", id, error: { code: ERR.SESSION, message: "session closed" } });
    this.ownRequests.clear();
    this.getStream?.end();
    await this.upstream?.close();
  }
}
