/**
 * Micro-benchmark of the metric hooks the pipeline calls per `tools/call`
 * (runtime/admin/proxy-metrics.ts): resolving a call's series, then what an allowed, a blocked
 * and a redacting call report; and one scrape of a registry with those series. The budget for a
 * call without redactions is well under 1 µs. Before timing, the exposition is checked to hold
 * exactly what one round of the cases counted (a fast wrong counter is not a result).
 * Standalone: `node dist/bench/suites/metrics.js`.
 */
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { Registry } from "../../runtime/admin/metrics.js";
import { ProxyMetrics, type AgentMetrics } from "../../runtime/admin/proxy-metrics.js";
import type { Principal } from "../../runtime/hooks.js";
import { runMain } from "../flags.js";

const BATCH = 1000;
const VENDOR: Principal = { id: "zendesk-ai-agent", kind: "vendor", index: 0, teams: [] };
const NONE: readonly { pointer: string }[] = [];
const REPORT = [{ pointer: "/structuredContent/requester/email" }, { pointer: "/structuredContent/requester/phone" }];

interface Case {
  readonly label: string;
  readonly run: (m: AgentMetrics) => void;
}

const CASES: readonly Case[] = [
  { label: "resolve the call's series", run: (m) => void m.call(VENDOR, "zendesk_ticket_search") },
  {
    label: "allowed call (decide, upstream, record)",
    run: (m) => {
      const c = m.call(VENDOR, "zendesk_ticket_search");
      c.decided(0.0004);
      c.upstreamWaited(1.2);
      c.recorded("ok", "allow", NONE);
    },
  },
  {
    label: "blocked call (decide, record)",
    run: (m) => {
      const c = m.call(VENDOR, "zendesk_user_delete");
      c.decided(0.0003);
      c.recorded("denied", "forbid", NONE);
    },
  },
  {
    label: "allowed call redacting 2 fields",
    run: (m) => {
      const c = m.call(VENDOR, "zendesk_ticket_read");
      c.decided(0.0004);
      c.upstreamWaited(1.2);
      c.recorded("ok", "allow", REPORT);
    },
  },
];

export interface MetricsTiming {
  readonly label: string;
  readonly nsPerOp: number;
}

function expectCounted(registry: Registry): void {
  const text = registry.render();
  const want = [
    'proxy_requests_total{vendor="zendesk-ai-agent",tool="zendesk_ticket_search",status="allowed"} 1',
    'proxy_requests_total{vendor="zendesk-ai-agent",tool="zendesk_user_delete",status="blocked"} 1',
    'proxy_pii_redactions_total{vendor="zendesk-ai-agent",field="email"} 1',
    'proxy_upstream_latency_seconds_bucket{vendor="zendesk-ai-agent",tool="zendesk_ticket_search",le="0.0025"} 1',
    'proxy_policy_evaluation_duration_seconds_count{vendor="zendesk-ai-agent"} 3',
  ];
  for (const line of want) if (!text.includes(line)) throw new Error(`metrics bench: the exposition lacks ${line}; not timing`);
}

/** ns per call of each case, and µs per scrape of the registry they filled. */
export async function runMetricsSuite(timeMs = 300): Promise<MetricsTiming[]> {
  const registry = new Registry();
  const agent = new ProxyMetrics(registry).forAgent("zendesk-vendor-proxy");
  for (const c of CASES) c.run(agent);
  expectCounted(registry);

  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  for (const c of CASES) {
    bench.add(c.label, () => {
      for (let i = 0; i < BATCH; i++) c.run(agent);
    });
  }
  let sink = 0;
  bench.add("scrape", () => {
    sink += registry.render().length;
  });
  await bench.run();
  if (sink < 0) console.log(sink);
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== "completed") throw new Error(`metrics ${t.name}: ${r.state}`);
    const per = t.name === "scrape" ? 1 : BATCH;
    return { label: t.name === "scrape" ? `scrape (${registry.render().split("\n").length - 1} lines)` : t.name, nsPerOp: Math.round(((r.latency.mean * 1e6) / per) * 10) / 10 };
  });
}

/** The suite's console table. */
export function formatMetrics(timings: readonly MetricsTiming[]): string {
  return ["metric hooks per tools/call (runtime/admin/proxy-metrics.ts):", ...timings.map((t) => `  ${t.label.padEnd(42)} ${t.nsPerOp.toFixed(1).padStart(10)} ns/op`)].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("metrics", async () => {
    console.log(formatMetrics(await runMetricsSuite()));
  });
}
