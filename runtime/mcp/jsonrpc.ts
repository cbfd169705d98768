/**
 * JSON-RPC 2.0 framing for MCP: classifying a parsed message and building error responses. One
 * parse per message happens at the edge (`JSON.parse` of the body or line); everything after works
 * on that object.
 */

export type JsonRpcId = string | number;

export interface JsonRpcRequest {
  jsonrpc: "2.0";
  id: JsonRpcId;
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcNotification {
  jsonrpc: "2.0";
  method: string;
  params?: Record<string, unknown>;
}

export interface JsonRpcResponse {
  jsonrpc: "2.0";
  id: JsonRpcId | null;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type JsonRpcMessage = JsonRpcRequest | JsonRpcNotification | JsonRpcResponse;

/** Standard and MCP error codes. */
export const ERR = {
  PARSE: -32700,
  INVALID_REQUEST: -32600,
  METHOD_NOT_FOUND: -32601,
  INVALID_PARAMS: -32602,
  INTERNAL: -32603,
  /** Server-defined: the policy denied the call. */
  POLICY_DENIED: -32001,
  /** Server-defined: the upstream failed (died, timed out, answered garbage). */
  UPSTREAM: -32002,
  /** Server-defined: the evidence store could not commit the record. */
  EVIDENCE: -32003,
  /** Server-defined: authentication required or failed. */
  UNAUTHORIZED: -32004,
  /** Server-defined: session not found. */
  SESSION: -32005,
} as const;

export type MessageKind = "request" | "notification" | "response" | "invalid";

const hasOwn = Object.prototype.hasOwnProperty;

/** A valid request id: a string or an integer (never null, never a fraction). */
export function isValidId(id: unknown): id is JsonRpcId {
  return typeof id === "string" || (typeof id === "number" && Number.isSafeInteger(id));
}

/** Classify a parsed JSON value as a JSON-RPC message (structure only; params are checked later). */
export function classify(msg: unknown): MessageKind {
  if (msg === null || typeof msg !== "object" || Array.isArray(msg)) return "invalid";
  const m = msg as Record<string, unknown>;
  if (m.jsonrpc !== "2.0") return "invalid";
  if (typeof m.method === "string") {
    if (m.params !== undefined && (m.params === null || typeof m.params !== "object" || Array.isArray(m.params))) return "invalid";
    if (!hasOwn.call(m, "id")) return "notification";
    return isValidId(m.id) ? "request" : "invalid";
  }
  if (hasOwn.call(m, "result") || hasOwn.call(m, "error")) {
    return isValidId(m.id) || m.id === null ? "response" : "invalid";
  }
  return "invalid";
}

/** Serialize an error response. `id` null when the request could not be read. */
export function errorResponse(id: JsonRpcId | null, code: number, message: string, data?: unknown): string {
  const error: { code: number; message: string; data?: unknown } = { code, message };
  if (data !== undefined) error.data = data;
  return JSON.stringify({ jsonrpc: "2.0", id, error });
}

/** Serialize a result response. */
export function resultResponse(id: JsonRpcId, result: unknown): string {
  return JSON.stringify({ jsonrpc: "2.0", id, result });
}
