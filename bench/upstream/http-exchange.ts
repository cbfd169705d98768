/**
 * Streamable HTTP semantics of the fast upstream, kept apart from the socket library: a POST body
 * and its `Mcp-Session-Id` in, status + body (+ new session id) out. Sessions are checked the way
 * the MCP spec asks (missing id → 400, unknown id → 404), so a proxy that forgets to forward the
 * upstream's session shows up as errors in the benchmark instead of passing silently.
 */
import { randomUUID } from "node:crypto";
import { JSONRPC_ERRORS, answer, errorResponse, isInitialize } from "./jsonrpc.js";

/** What to send back for one POST. `body` null means an empty 202 Accepted. */
export interface HttpReply {
  readonly status: 200 | 202 | 400 | 404;
  readonly body: string | null;
  /** Set when this POST opened a session (`initialize`); sent as `Mcp-Session-Id`. */
  readonly sessionId?: string;
}

/** Status lines for the codes the upstream uses (uWS wants the whole line). */
export const STATUS_LINES: Readonly<Record<number, string>> = {
  200: "200 OK",
  202: "202 Accepted",
  400: "400 Bad Request",
  404: "404 Not Found",
  405: "405 Method Not Allowed",
};

// Bounded so that a client looping on initialize cannot grow the upstream without limit.
const MAX_SESSIONS = 10_000;

/** The set of live sessions of one HTTP upstream. */
export class SessionTable {
  private readonly live = new Set<string>();

  /** Open a session and return its id. */
  open(): string {
    if (this.live.size >= MAX_SESSIONS) {
      const oldest = this.live.values().next().value;
      if (oldest !== undefined) this.live.delete(oldest);
    }
    const id = randomUUID();
    this.live.add(id);
    return id;
  }

  has(id: string): boolean {
    return this.live.has(id);
  }

  /** Close a session; true when it existed. */
  close(id: string): boolean {
    return this.live.delete(id);
  }

  get size(): number {
    return this.live.size;
  }
}

/** Handle one `POST /mcp` body (`sessionHeader` is "" when the header is absent). */
export function handlePost(sessions: SessionTable, bodyText: string, sessionHeader: string): HttpReply {
  let message: unknown;
  try {
    message = JSON.parse(bodyText);
  } catch {
    return { status: 400, body: errorResponse(null, JSONRPC_ERRORS.parse, "Parse error") };
  }
  if (isInitialize(message)) {
    return { status: 200, body: answer(message), sessionId: sessions.open() };
  }
  if (sessionHeader === "") {
    return {
      status: 400,
      body: errorResponse(null, JSONRPC_ERRORS.invalidRequest, "Bad Request: Mcp-Session-Id header is required"),
    };
  }
  if (!sessions.has(sessionHeader)) {
    return { status: 404, body: errorResponse(null, JSONRPC_ERRORS.invalidRequest, "Session not found") };
  }
  if (Array.isArray(message)) {
    // 2025-03-26 batches: answer every request in one array; all-notification batches get 202.
    const replies = message.map(answer).filter((r): r is string => r !== null);
    return replies.length === 0 ? { status: 202, body: null } : { status: 200, body: `[${replies.join(",")}]` };
  }
  const reply = answer(message);
  return reply === null ? { status: 202, body: null } : { status: 200, body: reply };
}
