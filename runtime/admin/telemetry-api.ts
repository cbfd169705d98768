/**
 * `GET /admin/v1/telemetry/stats` (seed 001's admin API; admin bearer token, admin-auth.ts): a
 * JSON summary of the metrics registry since start, for consoles that do not run Prometheus:
 * requests by status and by vendor/tool, upstream latency p50/p95/p99 and policy evaluation
 * p50/p99 estimated from the histogram buckets (as `histogram_quantile` would), redactions by
 * field, uptime, resident memory and event-loop lag.
 */
import type { RouteTarget } from "../server/app.js";
import { sendJson } from "../server/http.js";
import type { AdminAuth } from "./admin-auth.js";
import { estimateQuantile, mergeCounts, type HistogramChild } from "./histogram.js";
import type { HistogramFamily } from "./metrics.js";
import type { Observability } from "./observability.js";
import { REQUEST_STATUSES, type RequestStatus } from "./proxy-metrics.js";
import { authorized, freshState } from "./respond.js";

export const TELEMETRY_PATH = "/admin/v1/telemetry/stats";

export function registerTelemetryRoutes(target: RouteTarget, obs: Observability, auth: AdminAuth): void {
  target.get(TELEMETRY_PATH, (res, req) => {
    const state = freshState();
    if (authorized(res, req, state, auth)) sendJson(res, state, 200, JSON.stringify(telemetryStats(obs)));
  });
}

/** Latency summary of some histogram children (same buckets), seconds; null quantiles when empty. */
function latency(family: HistogramFamily, children: readonly HistogramChild[], qs: readonly number[]): Record<string, number | null> {
  const counts = mergeCounts(children, family.bounds);
  const out: Record<string, number | null> = { count: children.reduce((n, c) => n + c.count, 0) };
  for (const q of qs) out[`p${Math.round(q * 100)}`] = estimateQuantile(family.bounds, counts, q);
  return out;
}

export function telemetryStats(obs: Observability): Record<string, unknown> {
  const { requests, redactions, upstreamLatency, policyEvaluation } = obs.proxy;

  const byStatus = Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>;
  const perTool = new Map<string, { vendor: string; tool: string; total: number } & Record<RequestStatus, number>>();
  for (const { values, child } of requests.children()) {
    const [vendor, tool, status] = values as [string, string, RequestStatus];
    byStatus[status] += child.value;
    const key = JSON.stringify([vendor, tool]);
    let row = perTool.get(key);
    if (row === undefined) {
      row = { vendor, tool, total: 0, ...(Object.fromEntries(REQUEST_STATUSES.map((s) => [s, 0])) as Record<RequestStatus, number>) };
      perTool.set(key, row);
    }
    row[status] += child.value;
    row.total += child.value;
  }

  const upstream = [...upstreamLatency.children()];
  const policy = [...policyEvaluation.children()];
  const byField: Record<string, number> = {};
  let redacted = 0;
  for (const { values, child } of redactions.children()) {
    byField[values[1]!] = (byField[values[1]!] ?? 0) + child.value;
    redacted += child.value;
  }

  return {
    uptimeSeconds: obs.uptimeSeconds(),
    requests: {
      total: Object.values(byStatus).reduce((a, b) => a + b, 0),
      byStatus,
      byVendorTool: [...perTool.values()],
    },
    upstreamLatencySeconds: {
      ...latency(upstreamLatency, upstream.map((c) => c.child), [0.5, 0.95, 0.99]),
      byVendorTool: upstream.map(({ values, child }) => ({ vendor: values[0], tool: values[1], ...latency(upstreamLatency, [child], [0.5, 0.95, 0.99]) })),
    },
    policyEvaluationSeconds: {
      ...latency(policyEvaluation, policy.map((c) => c.child), [0.5, 0.99]),
      byVendor: policy.map(({ values, child }) => ({ vendor: values[0], ...latency(policyEvaluation, [child], [0.5, 0.99]) })),
    },
    redactions: { total: redacted, byField },
    process: {
      rssBytes: process.memoryUsage.rss(),
      eventLoopLagSeconds: obs.processMetrics.lag(),
    },
  };
}
