/**
 * The HTTP client interface the load generator drives, and the factory for its two
 * implementations: undici's `Pool` and a raw `net` HTTP/1.1 client. Both keep exactly
 * `connections` keep-alive sockets and send one request per socket at a time (no pipelining).
 */
import { RawHttpPool } from "./raw-client.js";
import { UndiciHttpPool } from "./undici-client.js";

/** One reply, reduced to what the load generator reads. */
export interface HttpReply {
  readonly status: number;
  /** `content-type`, "" when absent. */
  readonly contentType: string;
  /** `mcp-session-id`, "" when absent. */
  readonly sessionId: string;
  readonly body: string;
}

/** A keep-alive connection pool to one origin. */
export interface HttpClient {
  /** Send one request to `path`; resolves once the whole body has arrived. */
  request(method: "POST" | "DELETE", path: string, headers: Readonly<Record<string, string>>, body: string | null): Promise<HttpReply>;
  close(): Promise<void>;
}

/** The client implementations. */
export type ClientKind = "undici" | "raw";

/**
 * The client used when `--client` is not given: on the 2-core dev machine the raw client reached
 * 62–72k req/s at c=32 against undici's 44–49k, both with the load generator's core saturated
 * (bench/README.md has the numbers).
 */
export const DEFAULT_CLIENT: ClientKind = "raw";

/** True when `value` names a client implementation. */
export function isClientKind(value: string): value is ClientKind {
  return value === "undici" || value === "raw";
}

/** Open a pool of `connections` sockets to `origin` (`http://host:port`). */
export function createClient(kind: ClientKind, origin: URL, connections: number): HttpClient {
  return kind === "undici" ? new UndiciHttpPool(origin, connections) : new RawHttpPool(origin, connections);
}
