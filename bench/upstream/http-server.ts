/**
 * The fast upstream's HTTP front end on uWebSockets.js: `POST /mcp` (JSON responses only, never
 * SSE), `DELETE /mcp` to end a session, `GET /mcp` → 405 (no server-initiated stream).
 *
 * uWS hot-path rules followed here: everything needed from `req` is copied before the handler
 * returns (the request object dies with it), `onAborted` is registered before any data arrives,
 * and `onData` chunks are copied because uWS reuses their memory after the callback.
 */
import uWS from "uWebSockets.js";
import { STATUS_LINES, SessionTable, handlePost, type HttpReply } from "./http-exchange.js";
import { JSONRPC_ERRORS, errorResponse } from "./jsonrpc.js";

/** Largest request body accepted (bench requests are a few hundred bytes). */
export const MAX_BODY_BYTES = 1 << 20;

/** A running fast upstream. */
export interface RunningUpstream {
  readonly port: number;
  readonly sessions: SessionTable;
  /** Stop listening; open keep-alive connections are left to close on their own. */
  close(): void;
}

/** True when `uWebSockets.js` loaded its native addon (the fork falls back to a JS server otherwise). */
export function uwsIsNative(): boolean {
  return /\[native code\]/.test(Function.prototype.toString.call(uWS.App));
}

function send(res: uWS.HttpResponse, reply: HttpReply): void {
  res.cork(() => {
    res.writeStatus(STATUS_LINES[reply.status] ?? `${reply.status}`);
    if (reply.sessionId !== undefined) res.writeHeader("Mcp-Session-Id", reply.sessionId);
    if (reply.body === null) {
      res.end();
    } else {
      res.writeHeader("Content-Type", "application/json").end(reply.body);
    }
  });
}

function onPost(sessions: SessionTable, res: uWS.HttpResponse, req: uWS.HttpRequest): void {
  const sessionHeader = req.getHeader("mcp-session-id");
  let aborted = false;
  res.onAborted(() => {
    aborted = true;
  });
  const chunks: Buffer[] = [];
  let size = 0;
  res.onData((chunk, isLast) => {
    if (aborted) return;
    size += chunk.byteLength;
    if (size > MAX_BODY_BYTES) {
      aborted = true;
      res.cork(() => res.writeStatus("413 Payload Too Large").end(undefined, true));
      return;
    }
    if (isLast && chunks.length === 0) {
      // Common case, one chunk: decode straight from uWS's buffer (toString copies synchronously).
      send(res, handlePost(sessions, Buffer.from(chunk).toString("utf8"), sessionHeader));
      return;
    }
    chunks.push(Buffer.from(new Uint8Array(chunk).slice()));
    if (isLast) send(res, handlePost(sessions, Buffer.concat(chunks).toString("utf8"), sessionHeader));
  });
}

/** Start the HTTP upstream on `host:port` (port 0 picks a free one). */
export function startHttpUpstream(host: string, port: number): Promise<RunningUpstream> {
  const sessions = new SessionTable();
  const app = uWS.App()
    .post("/mcp", (res, req) => onPost(sessions, res, req))
    .del("/mcp", (res, req) => {
      sessions.close(req.getHeader("mcp-session-id"));
      res.cork(() => res.writeStatus("200 OK").end());
    })
    .get("/mcp", (res) => {
      res.cork(() => res.writeStatus("405 Method Not Allowed").writeHeader("Allow", "POST, DELETE").end());
    })
    .any("/*", (res) => {
      const body = errorResponse(null, JSONRPC_ERRORS.invalidRequest, "Not found: the MCP endpoint is /mcp");
      res.cork(() => res.writeStatus("404 Not Found").writeHeader("Content-Type", "application/json").end(body));
    });
  return new Promise((resolve, reject) => {
    app.listen(host, port, (listenSocket) => {
      if (listenSocket === false) {
        reject(new Error(`fast-upstream: cannot listen on ${host}:${port}`));
        return;
      }
      resolve({
        port: uWS.us_socket_local_port(listenSocket as unknown as uWS.us_socket),
        sessions,
        close: () => uWS.us_listen_socket_close(listenSocket),
      });
    });
  });
}
