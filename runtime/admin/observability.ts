/**
 * Everything the operator's probes and scrapers read, for one running server: the metrics
 * registry (proxy, evidence-store, process and build metrics), the upstream probes, and the
 * bodies of `/readyz`, `/version`, `/info` and `/api/gateway/status`. Routes are in
 * observability-routes.ts and telemetry-api.ts; serve.ts creates one and closes it.
 */
import type { EvidenceStats } from "../evidence/stats.js";
import type { BundleManifest, CompiledAgent } from "../hooks.js";
import { RUNTIME_VERSION } from "../version.js";
import { readiness, UpstreamProbes, type Readiness } from "./health.js";
import { Registry } from "./metrics.js";
import { ProcessMetrics } from "./process-metrics.js";
import { ProxyMetrics, type AgentMetrics } from "./proxy-metrics.js";

export interface ObservabilityDeps {
  readonly manifest: BundleManifest;
  /** The served agents with their upstream labels (as in evidence records). */
  readonly agents: readonly { readonly agent: CompiledAgent; readonly upstream: string }[];
  readonly evidence: { stats(): EvidenceStats };
  readonly uws: "native" | "fallback";
}

export class Observability {
  readonly registry = new Registry();
  readonly proxy: ProxyMetrics;
  readonly processMetrics: ProcessMetrics;
  readonly probes: UpstreamProbes;
  readonly startedAt = Date.now();

  constructor(private readonly deps: ObservabilityDeps) {
    this.proxy = new ProxyMetrics(this.registry);
    registerEvidenceMetrics(this.registry, () => deps.evidence.stats());
    this.processMetrics = new ProcessMetrics(this.registry);
    const { manifest } = deps;
    this.registry
      .gauge("talon_build_info", "Always 1; the labels say which runtime, bundle, uWebSockets.js build and Node serve.", ["version", "bundle", "uws", "node"])
      .labels(RUNTIME_VERSION, manifest.bundleHash, deps.uws, process.version)
      .set(1);
    this.probes = new UpstreamProbes(deps.agents.map(({ agent, upstream }) => ({ agent: agent.name, upstream, spec: agent.upstream, cwd: manifest.sourceDir })));
    const up = this.registry.gauge("talon_upstream_up", "1 when the agent's upstream answered the last readiness probe, else 0.", ["agent", "upstream"]);
    const upChildren = this.probes.list().map((p) => ({ p, g: up.labels(p.agent, p.upstream) }));
    this.registry.onScrape(() => {
      for (const { p, g } of upChildren) g.set(p.state === "up" ? 1 : 0);
    });
    this.probes.start();
  }

  /** The live evidence stream's subscribers and the slow ones it dropped (admin/stream.ts). */
  watchStream(stream: { readonly subscribers: number; readonly dropped: number }): void {
    const subscribers = this.registry.gauge("talon_evidence_stream_subscribers", "WebSocket subscribers of the live evidence stream.").labels();
    const dropped = this.registry.counter("talon_evidence_stream_dropped_total", "Stream subscribers closed for not reading (1013 slow consumer).").labels();
    this.registry.onScrape(() => {
      subscribers.set(stream.subscribers);
      dropped.setTotal(stream.dropped);
    });
  }

  agentMetrics(agent: string): AgentMetrics {
    return this.proxy.forAgent(agent);
  }

  readiness(): Readiness {
    return readiness(this.deps.evidence.stats(), this.probes.list());
  }

  /** The Prometheus exposition. */
  scrape(): string {
    return this.registry.render();
  }

  uptimeSeconds(): number {
    return Math.round((Date.now() - this.startedAt) / 1000);
  }

  version(): Record<string, unknown> {
    const { manifest } = this.deps;
    return { name: "talon", version: RUNTIME_VERSION, bundleHash: manifest.bundleHash, compilerVersion: manifest.compilerVersion, uws: this.deps.uws, node: process.version };
  }

  info(): Record<string, unknown> {
    return {
      ...this.version(),
      uptimeSeconds: this.uptimeSeconds(),
      agents: this.deps.agents.map(({ agent, upstream }) => ({ name: agent.name, mode: agent.mode, upstream, transport: agent.upstream.transport })),
    };
  }

  /** `/api/gateway/status`: one look at the whole gateway. */
  gatewayStatus(): Record<string, unknown> {
    const ready = this.readiness();
    const stats = this.deps.evidence.stats();
    const probes = this.probes.list();
    return {
      status: ready.ready ? "ready" : "not_ready",
      failing: ready.failing,
      version: RUNTIME_VERSION,
      bundleHash: this.deps.manifest.bundleHash,
      uptimeSeconds: this.uptimeSeconds(),
      agents: this.deps.agents.map(({ agent }, i) => {
        const p = probes[i]!;
        return { name: agent.name, mode: agent.mode, transport: p.transport, upstream: p.upstream, upstreamState: p.state, detail: p.detail, checkedAt: p.checkedAt };
      }),
      evidence: { lastSeq: stats.lastSeq, writable: stats.writable, lastCheckpointSeq: stats.lastCheckpointSeq },
    };
  }

  close(): void {
    this.probes.close();
    this.processMetrics.close();
  }
}

/** The evidence store's own counters and state (stats.ts), copied in at scrape time. */
function registerEvidenceMetrics(registry: Registry, stats: () => EvidenceStats): void {
  const counter = (name: string, help: string) => registry.counter(name, help).labels();
  const gauge = (name: string, help: string) => registry.gauge(name, help).labels();
  const appended = counter("talon_evidence_records_appended_total", "Evidence entries committed since the store was opened.");
  const failures = counter("talon_evidence_append_failures_total", "Evidence appends that failed (their calls failed closed).");
  const writable = gauge("talon_evidence_writable", "1 while the evidence store can write, 0 after a failed write until one succeeds.");
  const lastSeq = gauge("talon_evidence_last_seq", "Sequence number of the newest committed evidence entry.");
  const unindexed = gauge("talon_evidence_unindexed_records", "Entries written to the journal and not yet indexed in LMDB.");
  const journalBytes = gauge("talon_evidence_journal_bytes", "Size of the evidence journal being appended to, bytes.");
  const fsyncs = counter("talon_evidence_fsyncs_total", "fdatasync calls of the evidence journal that completed.");
  const fsyncFailures = counter("talon_evidence_fsync_failures_total", "fdatasync calls of the evidence journal that failed.");
  const checkpoints = counter("talon_evidence_checkpoints_total", "Signed evidence checkpoints written since the store was opened.");
  const lastCheckpointSeq = gauge("talon_evidence_last_checkpoint_seq", "Sequence number the newest signed checkpoint covers (0 when none).");
  registry.onScrape(() => {
    const s = stats();
    appended.setTotal(s.appended);
    failures.setTotal(s.failures);
    writable.set(s.writable ? 1 : 0);
    lastSeq.set(s.lastSeq);
    unindexed.set(s.unindexed);
    journalBytes.set(s.journalBytes);
    fsyncs.setTotal(s.fsyncs);
    fsyncFailures.setTotal(s.fsyncFailures);
    checkpoints.setTotal(s.checkpoints);
    lastCheckpointSeq.set(s.lastCheckpointSeq);
  });
}
