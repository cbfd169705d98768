/**
 * The uWebSockets.js application: MCP endpoints per agent, the routes modules register (probes,
 * metrics, admin API), the Host/Origin guard in front of all of them, and a JSON 404 for
 * everything else.
 */
import type { HttpRequest, HttpResponse, TemplatedApp, us_listen_socket, us_socket_context_t, WebSocketBehavior } from "uWebSockets.js";
import type { McpEndpoint } from "../mcp/endpoint.js";
import { errorResponse, ERR } from "../mcp/jsonrpc.js";
import { checkHostAndOrigin, type GuardConfig } from "./guard.js";
import { sendEmpty, sendJson, type ResponseState } from "./http.js";
import { loadUws } from "./uws.js";

export interface AppOptions {
  readonly guard: GuardConfig;
  /** Endpoints by route path (`/mcp`, `/mcp/<agent>`). */
  readonly endpoints: ReadonlyMap<string, McpEndpoint>;
  /** More routes (probes, metrics, the admin API), registered before the catch-all 404, behind the same guard. */
  readonly routes?: (app: RouteTarget) => void;
}

/** The part of a uWS app that route modules register on (handlers are wrapped by the guard). */
export interface RouteTarget {
  get(pattern: string, handler: Handler): unknown;
  post(pattern: string, handler: Handler): unknown;
  /** A WebSocket route; its `upgrade` handler runs behind the guard (a browser's cross-site upgrade is refused). */
  ws<U>(pattern: string, behavior: GuardedWsBehavior<U>): unknown;
}

export type Handler = (res: HttpResponse, req: HttpRequest) => void;
export type UpgradeHandler = (res: HttpResponse, req: HttpRequest, context: us_socket_context_t) => void;
export type GuardedWsBehavior<U> = Omit<WebSocketBehavior<U>, "upgrade"> & { upgrade: UpgradeHandler };

/** Wrap a handler with the DNS-rebinding guard (403 before anything else happens). */
function guarded<A extends unknown[]>(guard: GuardConfig, handler: (res: HttpResponse, req: HttpRequest, ...rest: A) => void): (res: HttpResponse, req: HttpRequest, ...rest: A) => void {
  return (res, req, ...rest) => {
    const why = checkHostAndOrigin(guard, req.getHeader("host"), req.getHeader("origin"));
    if (why) {
      const state: ResponseState = { aborted: false, done: false };
      sendJson(res, state, 403, errorResponse(null, ERR.INVALID_REQUEST, `Forbidden: ${why}`));
      return;
    }
    handler(res, req, ...rest);
  };
}

export function createApp(opts: AppOptions): TemplatedApp {
  const { uws } = loadUws();
  const app = uws.App();
  const g = (h: Handler) => guarded(opts.guard, h);

  for (const [path, ep] of opts.endpoints) {
    app.post(path, g((res, req) => ep.post(res, req)));
    app.get(path, g((res, req) => ep.get(res, req)));
    app.del(path, g((res, req) => ep.delete(res, req)));
    app.any(
      path,
      g((res) => sendEmpty(res, { aborted: false, done: false }, 405, [["Allow", "GET, POST, DELETE"]])),
    );
  }

  opts.routes?.({
    get: (p, h) => app.get(p, g(h)),
    post: (p, h) => app.post(p, g(h)),
    ws: (p, b) => app.ws(p, { ...b, upgrade: guarded(opts.guard, b.upgrade) }),
  });
  app.any(
    "/*",
    g((res, req) => {
      const path = req.getUrl();
      sendJson(res, { aborted: false, done: false }, 404, JSON.stringify({ error: `no route for ${req.getMethod().toUpperCase()} ${path}` }));
    }),
  );
  return app;
}

/** Listen and resolve with the socket and the port actually bound (for `--port 0`). */
export function listen(app: TemplatedApp, host: string, port: number): Promise<{ socket: us_listen_socket; port: number }> {
  const { uws } = loadUws();
  return new Promise((resolve, reject) => {
    app.listen(host, port, (socket) => {
      if (!socket) return reject(new Error(`cannot listen on ${host}:${port}`));
      resolve({ socket, port: uws.us_socket_local_port(socket as never) });
    });
  });
}
