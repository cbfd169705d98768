/**
 * The MCP lifecycle around a load run: `initialize` (taking the server's `Mcp-Session-Id` when it
 * sets one), `notifications/initialized`, and a closing `DELETE`.
 */
import type { HttpClient } from "./http-client.js";
import { replyMessages } from "./response.js";

/** The protocol revision the load generator speaks. */
export const PROTOCOL_VERSION = "2025-11-25";

/** An initialized MCP session. */
export interface McpSession {
  /** "" when the server is stateless (set no session id). */
  readonly sessionId: string;
  readonly protocolVersion: string;
  /** Headers every later request carries (auth, session, protocol version, content negotiation). */
  readonly headers: Readonly<Record<string, string>>;
}

/** The headers of a request before a session exists. */
export function baseHeaders(token: string): Record<string, string> {
  const headers: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
  };
  if (token !== "") headers.authorization = `Bearer ${token}`;
  return headers;
}

/** Run the initialize handshake against `path`; throws with the server's answer when it fails. */
export async function openSession(client: HttpClient, path: string, token: string): Promise<McpSession> {
  const init = await client.request(
    "POST",
    path,
    baseHeaders(token),
    JSON.stringify({
      jsonrpc: "2.0",
      id: 0,
      method: "initialize",
      params: {
        protocolVersion: PROTOCOL_VERSION,
        capabilities: {},
        clientInfo: { name: "talon-bench-loadgen", version: "1.0.0" },
      },
    }),
  );
  if (init.status !== 200) throw new Error(`initialize: HTTP ${init.status}: ${init.body.slice(0, 300)}`);
  const reply = replyMessages(init.contentType, init.body)[0] as { result?: { protocolVersion?: unknown } } | undefined;
  const version = reply?.result?.protocolVersion;
  if (typeof version !== "string") throw new Error(`initialize: no result.protocolVersion in ${init.body.slice(0, 300)}`);

  const headers = baseHeaders(token);
  if (init.sessionId !== "") headers["mcp-session-id"] = init.sessionId;
  headers["mcp-protocol-version"] = version;
  const ack = await client.request("POST", path, headers, '{"jsonrpc":"2.0","method":"notifications/initialized"}');
  if (ack.status !== 202 && ack.status !== 200 && ack.status !== 204) {
    throw new Error(`notifications/initialized: HTTP ${ack.status}: ${ack.body.slice(0, 300)}`);
  }
  return { sessionId: init.sessionId, protocolVersion: version, headers };
}

/** End the session with `DELETE` (best effort: a server may answer 405 when it keeps no sessions). */
export async function closeSession(client: HttpClient, path: string, session: McpSession): Promise<void> {
  if (session.sessionId === "") return;
  await client.request("DELETE", path, session.headers, null).catch(() => undefined);
}
