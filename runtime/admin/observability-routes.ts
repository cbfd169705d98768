/**
 * Probe, version and metrics routes, mountable on any listener (serve.ts mounts them on the main
 * one, and on the admin listener too when `--admin-port` starts one):
 *
 *   GET /healthz, /live         200 {status:"ok"}: liveness, answered while the event loop runs
 *   GET /readyz, /ready         200 {status:"ready",checks} | 503 {status:"not_ready",checks,failing}
 *   GET /version                runtime version, bundle hash, compiler version, uWS build, Node
 *   GET /info                   the same, plus uptime and the agents with their upstreams
 *   GET /api/gateway/status     status, version, uptime, agents with upstream state, evidence summary
 *   GET /metrics                Prometheus text format 0.0.4
 *
 * None needs a credential, as with the probes and `/metrics` of Envoy, Traefik or Kong: the
 * kubelet and Prometheus scrape without one, and what they read (names of vendors, tools and
 * agents, counts) carries no call data. Deployments that must hide even that serve these routes
 * on an internal listener. The admin telemetry summary (telemetry-api.ts) needs the admin token.
 */
import type { HttpResponse } from "uWebSockets.js";
import type { RouteTarget } from "../server/app.js";
import { sendJson, sendText } from "../server/http.js";
import { EXPOSITION_CONTENT_TYPE } from "./exposition.js";
import type { Observability } from "./observability.js";
import { freshState } from "./respond.js";

function json(res: HttpResponse, body: unknown, status: 200 | 503 = 200): void {
  sendJson(res, freshState(), status, JSON.stringify(body));
}

export function registerObservabilityRoutes(target: RouteTarget, obs: Observability): void {
  const live = (res: HttpResponse) => json(res, { status: "ok" });
  target.get("/healthz", live);
  target.get("/live", live);
  const ready = (res: HttpResponse) => {
    const r = obs.readiness();
    if (r.ready) json(res, { status: "ready", checks: r.checks });
    else json(res, { status: "not_ready", checks: r.checks, failing: r.failing }, 503);
  };
  target.get("/readyz", ready);
  target.get("/ready", ready);
  target.get("/version", (res) => json(res, obs.version()));
  target.get("/info", (res) => json(res, obs.info()));
  target.get("/api/gateway/status", (res) => json(res, obs.gatewayStatus()));
  target.get("/metrics", (res) => sendText(res, freshState(), 200, obs.scrape(), EXPOSITION_CONTENT_TYPE));
}
