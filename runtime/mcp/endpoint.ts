/**
 * The MCP Streamable HTTP endpoint (2025-03-26 … 2025-11-25) for one agent: POST carries one
 * JSON-RPC message, GET opens the session's SSE stream, DELETE ends the session.
 *
 * Errors at the edge, before anything reaches the upstream: malformed JSON → 400/-32700; a batch
 * → 400/-32600 (batches were dropped in 2025-06-18, and an executed batch is invisible to policy
 * and audit); over the size cap → 413; missing credentials → 401; unknown or ended session → 404;
 * a session used with another principal's token → 403; unsupported protocol version → 400.
 *
 * Authentication is synchronous for bearer tokens and for OIDC tokens already verified; an OIDC
 * token seen for the first time is checked against the issuer asynchronously. Everything needed
 * from the uWS request is copied before (`readHead`), `onAborted` is registered before, and every
 * write after the wait is corked (`sendJson`, `PostExchange`), as uWS requires.
 */
import { randomBytes } from "node:crypto";
import type { HttpRequest, HttpResponse } from "uWebSockets.js";
import { BASIC_CHALLENGE, samePrincipal, type AuthResult, type ClientAuth } from "../auth/client-auth.js";
import { governToolCall, filterToolList, type AgentContext } from "../pipeline.js";
import { redactNotification } from "../redact/notifications.js";
import { readBody, sendEmpty, sendJson, type ResponseState, type StatusCode } from "../server/http.js";
import type { Upstream, UpstreamListener } from "../upstream/peer.js";
import { UpstreamError } from "../upstream/peer.js";
import { classify, ERR, errorResponse, resultResponse, type JsonRpcId, type JsonRpcRequest, type JsonRpcResponse } from "./jsonrpc.js";
import { Session } from "./session.js";
import { GetStream, PostExchange } from "./streams.js";

export const SUPPORTED_VERSIONS: ReadonlySet<string> = new Set(["2024-11-05", "2025-03-26", "2025-06-18", "2025-11-25"]);

/** Creates and starts the upstream session for a new downstream session. */
export type UpstreamFactory = (
  session: Session,
  listener: UpstreamListener,
) => { upstream: Upstream; start(initParams: Record<string, unknown>): Promise<JsonRpcResponse>; afterInitialized(): void };

export interface EndpointOptions {
  readonly ctx: AgentContext;
  readonly auth: ClientAuth;
  readonly newUpstream: UpstreamFactory;
  readonly maxBodyBytes: number;
  readonly requestTimeoutMs: number;
  readonly heartbeatMs: number;
}

/** Everything copied from the uWS request before the first await (the request dies with the handler). */
interface RequestHead {
  readonly sessionId: string;
  readonly authorization: string;
  readonly accept: string;
  readonly contentType: string;
  readonly protocolVersion: string;
  readonly contentLength: string;
}

function readHead(req: HttpRequest): RequestHead {
  return {
    sessionId: req.getHeader("mcp-session-id"),
    authorization: req.getHeader("authorization"),
    accept: req.getHeader("accept"),
    contentType: req.getHeader("content-type"),
    protocolVersion: req.getHeader("mcp-protocol-version"),
    contentLength: req.getHeader("content-length"),
  };
}

export class McpEndpoint {
  readonly sessions = new Map<string, Session>();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    private readonly opts: EndpointOptions,
    idleTimeoutMs: number,
  ) {
    // Sessions nobody uses are closed (and their upstream children ended), so none leak.
    this.sweeper = setInterval(() => {
      const cutoff = Date.now() - idleTimeoutMs;
      for (const s of this.sessions.values()) if (!s.busy && !s.getStream?.open && s.lastActive < cutoff) void this.closeSession(s);
    }, Math.min(idleTimeoutMs, 60_000));
    this.sweeper.unref();
  }

  // ─── POST ────────────────────────────────────────────────────────────────────────────────────

  post(res: HttpResponse, req: HttpRequest): void {
    const head = readHead(req);
    const state: ResponseState = { aborted: false, done: false };
    let exchange: PostExchange | undefined;
    res.onAborted(() => {
      state.aborted = true;
      if (exchange) exchange.state.aborted = true;
    });
    if (head.contentLength !== "" && Number(head.contentLength) > this.opts.maxBodyBytes) {
      return this.httpError(res, state, 413, null, ERR.INVALID_REQUEST, `request body over ${this.opts.maxBodyBytes} bytes`);
    }
    if (!head.contentType.toLowerCase().includes("application/json")) {
      return this.httpError(res, state, 415, null, ERR.INVALID_REQUEST, "Content-Type must be application/json");
    }
    const accept = head.accept.toLowerCase();
    const acceptsSse = accept.includes("text/event-stream") || accept.includes("*/*");
    if (accept !== "" && !accept.includes("application/json") && !acceptsSse) {
      return this.httpError(res, state, 406, null, ERR.INVALID_REQUEST, "Accept must include application/json and text/event-stream");
    }
    readBody(
      res,
      this.opts.maxBodyBytes,
      (body) => {
        if (state.aborted) return;
        this.onBody(res, state, head, body, acceptsSse, (ex) => {
          exchange = ex;
        });
      },
      () => this.httpError(res, state, 413, null, ERR.INVALID_REQUEST, `request body over ${this.opts.maxBodyBytes} bytes`),
    );
  }

  /** Parse and authenticate a POST body, then dispatch it; `track` learns the exchange that answers it. */
  private onBody(res: HttpResponse, state: ResponseState, head: RequestHead, body: Buffer, acceptsSse: boolean, track: (ex: PostExchange) => void): void {
    let msg: unknown;
    try {
      msg = JSON.parse(body.toString("utf8"));
    } catch {
      this.httpError(res, state, 400, null, ERR.PARSE, "Parse error: body is not valid JSON");
      return;
    }
    if (Array.isArray(msg)) {
      this.httpError(res, state, 400, null, ERR.INVALID_REQUEST, "JSON-RPC batches are not supported (removed in MCP 2025-06-18)");
      return;
    }
    const kind = classify(msg);
    if (kind === "invalid") {
      const id = (msg as { id?: unknown } | null)?.id;
      this.httpError(res, state, 400, typeof id === "string" || typeof id === "number" ? id : null, ERR.INVALID_REQUEST, "Invalid Request: not a JSON-RPC 2.0 message");
      return;
    }
    const message = msg;
    const auth = this.opts.auth.authenticate(head.authorization);
    if (!(auth instanceof Promise)) {
      const ex = this.dispatch(res, state, head, message, kind, acceptsSse, auth);
      if (ex) track(ex);
      return;
    }
    auth.then(
      (a) => {
        if (state.aborted) return;
        const ex = this.dispatch(res, state, head, message, kind, acceptsSse, a);
        if (ex) track(ex);
      },
      (err: unknown) => this.httpError(res, state, 500, null, ERR.INTERNAL, `internal error: ${(err as Error).message}`),
    );
  }

  /** Answer an authenticated (or refused) message: initialize, notification, response or request. */
  private dispatch(res: HttpResponse, state: ResponseState, head: RequestHead, msg: unknown, kind: "request" | "notification" | "response", acceptsSse: boolean, auth: AuthResult): PostExchange | undefined {
    if (!auth.ok) {
      this.authError(res, state, kind === "request" ? (msg as JsonRpcRequest).id : null, auth);
      return undefined;
    }

    if (kind === "request" && (msg as JsonRpcRequest).method === "initialize") {
      if (head.sessionId !== "") {
        this.httpError(res, state, 400, (msg as JsonRpcRequest).id, ERR.INVALID_REQUEST, "initialize must not carry an Mcp-Session-Id");
        return undefined;
      }
      return this.initialize(res, state, head, msg as JsonRpcRequest, acceptsSse, auth.principal);
    }

    if (head.sessionId === "") {
      this.httpError(res, state, 400, kind === "request" ? (msg as JsonRpcRequest).id : null, ERR.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
      return undefined;
    }
    const session = this.sessions.get(head.sessionId);
    if (!session || session.closed) {
      this.httpError(res, state, 404, kind === "request" ? (msg as JsonRpcRequest).id : null, ERR.SESSION, "Session not found");
      return undefined;
    }
    if (!samePrincipal(session.principal, auth.principal)) {
      this.httpError(res, state, 403, kind === "request" ? (msg as JsonRpcRequest).id : null, ERR.UNAUTHORIZED, "this session belongs to another principal");
      return undefined;
    }
    if (head.protocolVersion !== "" && !SUPPORTED_VERSIONS.has(head.protocolVersion)) {
      this.httpError(res, state, 400, kind === "request" ? (msg as JsonRpcRequest).id : null, ERR.INVALID_REQUEST, `Unsupported MCP-Protocol-Version: ${head.protocolVersion}`);
      return undefined;
    }
    session.lastActive = Date.now();

    if (kind === "notification") {
      const n = msg as { method: string; params?: Record<string, unknown> };
      let params = n.params;
      if (n.method === "notifications/cancelled" && params) {
        const up = session.upstreamIdOf(params.requestId as JsonRpcId);
        if (up === undefined) {
          sendEmpty(res, state, 202);
          return undefined; // nothing in flight under that id: nothing to cancel
        }
        params = { ...params, requestId: up };
        session.upstream.notify(n.method, params);
        // The upstream will not answer a cancelled request: end the wait (and record it) now.
        const why = typeof params.reason === "string" ? `cancelled by the client: ${params.reason}` : "cancelled by the client";
        session.upstream.cancel(up, why);
        sendEmpty(res, state, 202);
        return undefined;
      }
      session.upstream.notify(n.method, params);
      sendEmpty(res, state, 202);
      return undefined;
    }
    if (kind === "response") {
      const r = msg as JsonRpcResponse;
      if (session.resolveOwn(r)) {
        sendEmpty(res, state, 202);
        return undefined;
      }
      const upstreamId = r.id === null ? undefined : session.takeServerRequest(r.id);
      if (upstreamId !== undefined) {
        session.upstream.respond(upstreamId, r.error !== undefined ? { error: r.error } : { result: r.result });
      }
      sendEmpty(res, state, 202);
      return undefined;
    }
    const request = msg as JsonRpcRequest;
    const exchange = new PostExchange(res, acceptsSse, session.headers);
    exchange.state.aborted = state.aborted;
    void this.handleRequest(session, exchange, request);
    return exchange;
  }

  private async handleRequest(session: Session, exchange: PostExchange, request: JsonRpcRequest): Promise<void> {
    const { ctx } = this.opts;
    const { id, method, params } = request;
    if (method === "ping") return exchange.finish(resultResponse(id, {}));
    if (session.fatal) return exchange.finish(errorResponse(id, ERR.UPSTREAM, session.fatal));
    session.begin(exchange, params);
    try {
      if (method === "tools/call") {
        const out = await governToolCall(ctx, session, id, params, exchange);
        exchange.finish(out.json, out.status, out.headers);
        return;
      }
      const answer = await session.upstream.request(method, params, this.opts.requestTimeoutMs, (uid) => session.mapUpstreamId(id, uid));
      if (method === "tools/list" && answer.error === undefined) {
        exchange.finish(JSON.stringify({ jsonrpc: "2.0", id, result: filterToolList(ctx.agent, session.principal, answer.result) }));
        return;
      }
      exchange.finish(JSON.stringify({ ...answer, id }));
    } catch (err) {
      const message = err instanceof UpstreamError ? err.message : `internal error: ${(err as Error).message}`;
      exchange.finish(errorResponse(id, err instanceof UpstreamError ? ERR.UPSTREAM : ERR.INTERNAL, message));
    } finally {
      session.end(exchange, id, params);
    }
  }

  private initialize(
    res: HttpResponse,
    state: ResponseState,
    head: RequestHead,
    request: JsonRpcRequest,
    acceptsSse: boolean,
    principal: Session["principal"],
  ): PostExchange {
    const sessionId = randomBytes(16).toString("hex");
    const session = new Session(sessionId, principal, this.opts.ctx.agent.name, head.authorization);
    // The response object (unlike the request) lives until answered, so the address is read here,
    // once per session, not per message.
    session.remoteIp = Buffer.from(res.getRemoteAddressAsText()).toString();
    const caps = (request.params as { capabilities?: unknown } | undefined)?.capabilities;
    if (caps !== null && typeof caps === "object" && !Array.isArray(caps)) session.clientCapabilities = caps as Record<string, unknown>;
    const listener: UpstreamListener = {
      onMessage: (m) => session.fromUpstream(redactNotification(this.opts.ctx, m)),
      onFatal: (reason) => {
        session.fatal = reason;
      },
    };
    const up = this.opts.newUpstream(session, listener);
    session.upstream = up.upstream;
    const exchange = new PostExchange(res, acceptsSse, session.headers);
    exchange.state.aborted = state.aborted;
    void (async () => {
      try {
        const answer = await up.start(request.params ?? {});
        if (answer.error !== undefined) {
          await session.close();
          exchange.finish(JSON.stringify({ ...answer, id: request.id }));
          return;
        }
        const result = answer.result as { protocolVersion?: unknown } | undefined;
        if (typeof result?.protocolVersion === "string") session.protocolVersion = result.protocolVersion;
        this.sessions.set(sessionId, session);
        session.lastActive = Date.now();
        exchange.finish(JSON.stringify({ ...answer, id: request.id }));
        up.afterInitialized();
      } catch (err) {
        await session.close();
        const message = err instanceof UpstreamError ? `cannot start the upstream session: ${err.message}` : `internal error: ${(err as Error).message}`;
        exchange.finish(errorResponse(request.id, ERR.UPSTREAM, message));
      }
    })();
    return exchange;
  }

  // ─── GET / DELETE ────────────────────────────────────────────────────────────────────────────

  get(res: HttpResponse, req: HttpRequest): void {
    const head = readHead(req);
    const state: ResponseState = { aborted: false, done: false };
    let stream: GetStream | undefined;
    // Registered before authentication may wait; the stream learns of an abort once it exists.
    res.onAborted(() => {
      state.aborted = true;
      stream?.aborted();
    });
    if (!head.accept.toLowerCase().includes("text/event-stream")) {
      return this.httpError(res, state, 406, null, ERR.INVALID_REQUEST, "GET needs Accept: text/event-stream");
    }
    this.sessionFor(res, state, head, (session) => {
      if (session.getStream?.open) {
        return this.httpError(res, state, 409, null, ERR.INVALID_REQUEST, "Conflict: this session already has an open GET stream");
      }
      stream = new GetStream(res, session.headers, this.opts.heartbeatMs);
      session.getStream = stream;
      session.lastActive = Date.now();
    });
  }

  delete(res: HttpResponse, req: HttpRequest): void {
    const head = readHead(req);
    const state: ResponseState = { aborted: false, done: false };
    res.onAborted(() => {
      state.aborted = true;
    });
    this.sessionFor(res, state, head, (session) => {
      void this.closeSession(session).then(() => sendEmpty(res, state, 200));
    });
  }

  /** Authenticate and find the session for GET/DELETE, then `then(session)`; answers errors itself. */
  private sessionFor(res: HttpResponse, state: ResponseState, head: RequestHead, then: (session: Session) => void): void {
    const found = (auth: AuthResult): void => {
      if (state.aborted) return;
      if (!auth.ok) return this.authError(res, state, null, auth);
      if (head.sessionId === "") {
        return this.httpError(res, state, 400, null, ERR.INVALID_REQUEST, "Bad Request: Mcp-Session-Id header is required");
      }
      const session = this.sessions.get(head.sessionId);
      if (!session || session.closed) return this.httpError(res, state, 404, null, ERR.SESSION, "Session not found");
      if (!samePrincipal(session.principal, auth.principal)) {
        return this.httpError(res, state, 403, null, ERR.UNAUTHORIZED, "this session belongs to another principal");
      }
      then(session);
    };
    const auth = this.opts.auth.authenticate(head.authorization);
    if (auth instanceof Promise) {
      auth.then(found, (err: unknown) => this.httpError(res, state, 500, null, ERR.INTERNAL, `internal error: ${(err as Error).message}`));
    } else {
      found(auth);
    }
  }

  /** A refused credential: 401 carries its challenge (RFC 6750 §3); 403 and 503 carry none. */
  private authError(res: HttpResponse, state: ResponseState, id: JsonRpcId | null, auth: Extract<AuthResult, { ok: false }>): void {
    const headers: (readonly [string, string])[] = auth.status === 401 ? [["WWW-Authenticate", auth.challenge ?? BASIC_CHALLENGE]] : [];
    this.httpError(res, state, auth.status, id, ERR.UNAUTHORIZED, auth.message, headers);
  }

  async closeSession(session: Session): Promise<void> {
    this.sessions.delete(session.id);
    await session.close();
  }

  /** Close every session (shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.allSettled([...this.sessions.values()].map((s) => this.closeSession(s)));
  }

  private httpError(
    res: HttpResponse,
    state: ResponseState,
    status: StatusCode,
    id: JsonRpcId | null,
    code: number,
    message: string,
    headers?: readonly (readonly [string, string])[],
  ): void {
    sendJson(res, state, status, errorResponse(id, code, message), headers);
  }
}
