/**
 * The load generator's undici client: a `Pool` with one connection per concurrent worker and
 * pipelining 1, so each socket carries one request at a time over keep-alive.
 */
import { Pool } from "undici";
import type { HttpClient, HttpReply } from "./http-client.js";

function header(value: string | string[] | undefined): string {
  return Array.isArray(value) ? (value[0] ?? "") : (value ?? "");
}

/** `HttpClient` over an undici `Pool`. */
export class UndiciHttpPool implements HttpClient {
  private readonly pool: Pool;

  constructor(origin: URL, connections: number) {
    this.pool = new Pool(origin.origin, { connections, pipelining: 1 });
  }

  async request(
    method: "POST" | "DELETE",
    path: string,
    headers: Readonly<Record<string, string>>,
    body: string | null,
  ): Promise<HttpReply> {
    const res = await this.pool.request({ method, path, headers, body });
    return {
      status: res.statusCode,
      contentType: header(res.headers["content-type"]),
      sessionId: header(res.headers["mcp-session-id"]),
      body: await res.body.text(),
    };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}
