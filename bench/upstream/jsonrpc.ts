/**
 * The transport-free core of the fast upstream: one parsed JSON-RPC message in, the response text
 * out. Both the HTTP and the stdio front ends call `answer`, so they speak exactly the same MCP.
 *
 * Why strings and not objects: responses are built by splicing the request id into JSON that was
 * serialized once at start-up. `tools/call` is the benchmarked path, and re-stringifying its 1 KiB
 * result per request would make the upstream, not the proxy, the thing being measured.
 */
import {
  LATEST_PROTOCOL_VERSION,
  SERVER_INFO,
  SUPPORTED_PROTOCOL_VERSIONS,
  TICKET_SEARCH_RESULT_JSON,
  TICKET_SEARCH_TOOL,
  TOOL_NAME,
} from "./fixtures.js";

type JsonRpcId = string | number;

const TOOLS_LIST_JSON = JSON.stringify({ tools: [TICKET_SEARCH_TOOL] });

/** JSON-RPC 2.0 error codes used here. */
export const JSONRPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
} as const;

/** The protocol revision to answer for the one a client offered in `initialize`. */
export function negotiateVersion(offered: unknown): string {
  return typeof offered === "string" && SUPPORTED_PROTOCOL_VERSIONS.includes(offered)
    ? offered
    : LATEST_PROTOCOL_VERSION;
}

/** A JSON-RPC result response; `resultJson` must already be serialized JSON. */
export function resultResponse(id: JsonRpcId, resultJson: string): string {
  return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"result":${resultJson}}`;
}

/** A JSON-RPC error response (`id` null when the request's id could not be read). */
export function errorResponse(id: JsonRpcId | null, code: number, message: string): string {
  return JSON.stringify({ jsonrpc: "2.0", id, error: { code, message } });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is JsonRpcId {
  return typeof value === "string" || (typeof value === "number" && Number.isFinite(value));
}

/** True when `message` is an `initialize` request (the HTTP front end opens a session for it). */
export function isInitialize(message: unknown): boolean {
  return isRecord(message) && message.method === "initialize" && isId(message.id);
}

/**
 * Answer one JSON-RPC message. Returns the response text, or null when the message needs no
 * answer (a notification, or a response the client sent us).
 */
export function answer(message: unknown): string | null {
  if (!isRecord(message) || message.jsonrpc !== "2.0") {
    return errorResponse(null, JSONRPC_ERRORS.invalidRequest, "Invalid Request: not a JSON-RPC 2.0 message");
  }
  const { method, id } = message;
  if (typeof method !== "string") {
    // A response (result/error) from the client: nothing to say back.
    return "result" in message || "error" in message
      ? null
      : errorResponse(isId(id) ? id : null, JSONRPC_ERRORS.invalidRequest, "Invalid Request: missing method");
  }
  if (id === undefined) return null; // notification
  if (!isId(id)) return errorResponse(null, JSONRPC_ERRORS.invalidRequest, "Invalid Request: bad id");
  const params = isRecord(message.params) ? message.params : {};
  switch (method) {
    case "tools/call":
      return params.name === TOOL_NAME
        ? resultResponse(id, TICKET_SEARCH_RESULT_JSON)
        : errorResponse(id, JSONRPC_ERRORS.invalidParams, `Unknown tool: ${String(params.name)}`);
    case "tools/list":
      return resultResponse(id, TOOLS_LIST_JSON);
    case "initialize":
      return resultResponse(
        id,
        JSON.stringify({
          protocolVersion: negotiateVersion(params.protocolVersion),
          capabilities: { tools: {} },
          serverInfo: SERVER_INFO,
        }),
      );
    case "ping":
      return resultResponse(id, "{}");
    default:
      return errorResponse(id, JSONRPC_ERRORS.methodNotFound, `Method not found: ${method}`);
  }
}
