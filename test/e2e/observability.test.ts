/**
 * Metrics and health through a running bundle: two agents (the Zendesk example upstream over
 * Streamable HTTP with a vendor token, and the echo upstream over stdio without auth), real SDK
 * clients making allowed, forbidden, default-denied, rate-limited, redacting and failing calls,
 * then `/metrics` scraped and checked value by value and whole with `promtool check metrics`.
 * Readiness follows the HTTP upstream: 503 naming it while it is down, 200 once it is back,
 * while liveness stays 200.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHttpServer, ZENDESK_UPSTREAM, type RunningServer } from "../fixtures/spawn-server.js";
import { adminCall, buildPolicy, connectV1, eventually, mcpError, ROOT, startTalon, type RunningTalon } from "./harness.js";
import { checkMetrics, obtainPromtool } from "./promtool.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const ENV = { OBS_ZD_TOKEN: "obs-vendor-token", OBS_REDACTION_KEY: "obs-key", TALON_ADMIN_TOKEN: "obs-admin-token" };
/** A tool name that needs every escape of the text format. */
const ODD_TOOL = 'we"ird\\tool\nname';

const policy = (upstreamUrl: string) => `talon 1
secret redaction_key = env("OBS_REDACTION_KEY")
vendor "zendesk-ai-agent" { token env("OBS_ZD_TOKEN") }

agent "helpdesk" {
  upstream ${JSON.stringify(upstreamUrl)}
  posture read_write
  tool zendesk_ticket_read -> "get_ticket" { class read }
  @id("zd-forbidden") forbid tool zendesk_user_delete
  @id("zd-vendor") grant vendor "zendesk-ai-agent" read on "zendesk_ticket_*"
  @id("zd-rate") limit rate 2 per 1m burst 2 by vendor on tool zendesk_ticket_read
  @id("zd-email") redact requester.email with hash
  @id("zd-phone") redact requester.phone with mask_middle
}

agent "echo" {
  upstream stdio ["node", ${JSON.stringify(ECHO)}]
  auth none
  tool echo { class read }
  tool fail { class read }
  grant anyone read on echo, fail
  @id("r-secret") redact **.secret with remove
}
`;

interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

/** The samples of an exposition (label values unescaped). */
function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) throw new Error(`not a sample line: ${JSON.stringify(line)}`);
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[l[1]!] = l[2]!.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c));
    }
    out.push({ name: m[1]!, labels, value: m[3] === "+Inf" ? Infinity : Number(m[3]) });
  }
  return out;
}

/** The one sample with this name and (at least) these labels; undefined when none. */
function valueOf(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const hits = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (hits.length > 1) throw new Error(`${hits.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return hits[0]?.value;
}

describe("metrics and health of a running bundle", () => {
  let promtool: string;
  let upstream: RunningServer;
  let talon: RunningTalon;
  let base: string;
  const scrape = async () => {
    const res = await fetch(`${base}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    return res.text();
  };

  beforeAll(() => {
    promtool = obtainPromtool();
  }, 300_000);

  beforeAll(async () => {
    upstream = await startHttpServer(ZENDESK_UPSTREAM);
    const { bundle } = buildPolicy({ "policy.talon": policy(upstream.url) });
    talon = await startTalon(bundle, { env: ENV });
    base = `http://127.0.0.1:${talon.port}`;
  });

  afterAll(async () => {
    await talon?.stop();
    await upstream?.stop();
  });

  it("counts calls by vendor, tool and status, redactions by field, and times the upstream and the policy", async () => {
    const vendor = await connectV1(`${base}/mcp/helpdesk`, ENV.OBS_ZD_TOKEN);
    for (let i = 0; i < 2; i++) {
      const read = await vendor.callTool({ name: "zendesk_ticket_read", arguments: { id: 45231 } });
      expect((read.structuredContent as { requester: { email: string } }).requester.email).toMatch(/^sha256:/);
    }
    // A plain JSON answer with HTTP 429, which the SDK reports as a transport error.
    await expect(vendor.callTool({ name: "zendesk_ticket_read", arguments: { id: 45231 } })).rejects.toThrow(/"reason":"rate_limited"/);
    expect((await mcpError(vendor.callTool({ name: "zendesk_user_delete", arguments: { id: 1 } }))).data).toMatchObject({ reason: "forbid" });
    expect((await mcpError(vendor.callTool({ name: "nope", arguments: {} }))).data).toMatchObject({ reason: expect.stringMatching(/^default:/) });
    await vendor.close();

    const anonymous = await connectV1(`${base}/mcp/echo`, undefined);
    await anonymous.callTool({ name: "echo", arguments: { secret: "s3", keep: 1 } });
    await mcpError(anonymous.callTool({ name: "fail", arguments: { email: "a@b.c" } }));
    await mcpError(anonymous.callTool({ name: ODD_TOOL, arguments: {} }));
    await anonymous.close();

    const text = await scrape();
    const s = parseSamples(text);
    const zd = { vendor: "zendesk-ai-agent" };
    const requests = (tool: string, status: string, v = zd) => valueOf(s, "proxy_requests_total", { ...v, tool, status });
    expect(requests("zendesk_ticket_read", "allowed")).toBe(2);
    expect(requests("zendesk_ticket_read", "rate_limited")).toBe(1);
    expect(requests("zendesk_user_delete", "blocked")).toBe(1);
    expect(requests("nope", "blocked")).toBe(1);
    expect(requests("zendesk_ticket_read", "blocked")).toBeUndefined();
    // Not a vendor principal: the agent's name is the vendor label.
    const echo = { vendor: "echo" };
    expect(requests("echo", "allowed", echo)).toBe(1);
    expect(requests("fail", "error", echo)).toBe(1);
    expect(requests(ODD_TOOL, "blocked", echo)).toBe(1);
    expect(text).toContain('tool="we\\"ird\\\\tool\\nname"');

    expect(valueOf(s, "proxy_pii_redactions_total", { ...zd, field: "email" })).toBe(2);
    expect(valueOf(s, "proxy_pii_redactions_total", { ...zd, field: "phone" })).toBe(2);
    expect(valueOf(s, "proxy_pii_redactions_total", { ...echo, field: "secret" })).toBe(1);

    // Only forwarded calls wait on the upstream; every decided call is timed in the policy.
    const read = { ...zd, tool: "zendesk_ticket_read" };
    expect(valueOf(s, "proxy_upstream_latency_seconds_count", read)).toBe(2);
    expect(valueOf(s, "proxy_upstream_latency_seconds_bucket", { ...read, le: "+Inf" })).toBe(2);
    expect(valueOf(s, "proxy_upstream_latency_seconds_sum", read)).toBeGreaterThan(0);
    expect(valueOf(s, "proxy_upstream_latency_seconds_count", { ...zd, tool: "zendesk_user_delete" })).toBeUndefined();
    expect(valueOf(s, "proxy_upstream_latency_seconds_count", { ...echo, tool: "fail" })).toBe(1);
    expect(valueOf(s, "proxy_policy_evaluation_duration_seconds_count", zd)).toBe(5);
    expect(valueOf(s, "proxy_policy_evaluation_duration_seconds_count", echo)).toBe(3);

    // Evidence, process and build metrics.
    expect(valueOf(s, "talon_evidence_records_appended_total")).toBeGreaterThanOrEqual(8);
    expect(valueOf(s, "talon_evidence_last_seq")).toBeGreaterThanOrEqual(8);
    expect(valueOf(s, "talon_evidence_writable")).toBe(1);
    expect(valueOf(s, "talon_evidence_append_failures_total")).toBe(0);
    for (const name of ["process_cpu_seconds_total", "process_resident_memory_bytes", "process_start_time_seconds", "process_open_fds", "nodejs_heap_used_bytes"]) {
      expect(valueOf(s, name), name).toBeGreaterThan(0);
    }
    expect(valueOf(s, "nodejs_eventloop_lag_seconds")).toBeGreaterThanOrEqual(0);
    expect(valueOf(s, "talon_build_info", { uws: "native", node: process.version })).toBe(1);
    expect(valueOf(s, "talon_upstream_up", { agent: "helpdesk" })).toBe(1);
    expect(valueOf(s, "talon_upstream_up", { agent: "echo", upstream: "node echo-upstream.mjs" })).toBe(1);

    const check = checkMetrics(promtool, text);
    expect(check.output).toBe("");
    expect(check.status).toBe(0);
  });

  it("summarizes the registry for the admin API, behind the admin token", async () => {
    const denied = await fetch(`${base}/admin/v1/telemetry/stats`);
    expect(denied.status).toBe(401);
    const { status, json } = await adminCall(talon, ENV.TALON_ADMIN_TOKEN, "/admin/v1/telemetry/stats");
    expect(status).toBe(200);
    const stats = json as {
      requests: { total: number; byStatus: Record<string, number>; byVendorTool: { vendor: string; tool: string; total: number; allowed: number }[] };
      upstreamLatencySeconds: { count: number; p50: number; p95: number; p99: number };
      policyEvaluationSeconds: { count: number; p50: number; p99: number };
      redactions: { total: number; byField: Record<string, number> };
      process: { rssBytes: number; eventLoopLagSeconds: { mean: number } };
      uptimeSeconds: number;
    };
    expect(stats.requests.byStatus).toEqual({ allowed: 3, blocked: 3, rate_limited: 1, pending: 0, error: 1 });
    expect(stats.requests.total).toBe(8);
    expect(stats.requests.byVendorTool).toContainEqual(expect.objectContaining({ vendor: "zendesk-ai-agent", tool: "zendesk_ticket_read", total: 3, allowed: 2 }));
    expect(stats.upstreamLatencySeconds.count).toBe(4);
    expect(stats.upstreamLatencySeconds.p50).toBeGreaterThan(0);
    expect(stats.upstreamLatencySeconds.p99).toBeGreaterThanOrEqual(stats.upstreamLatencySeconds.p50);
    expect(stats.policyEvaluationSeconds.count).toBe(8);
    expect(stats.redactions).toEqual({ total: 5, byField: { email: 2, phone: 2, secret: 1 } });
    expect(stats.process.rssBytes).toBeGreaterThan(0);
    expect(stats.uptimeSeconds).toBeGreaterThanOrEqual(0);
  });

  it("answers version, info and gateway status", async () => {
    const version = (await (await fetch(`${base}/version`)).json()) as Record<string, unknown>;
    expect(version).toMatchObject({ name: "talon", uws: "native", node: process.version });
    expect(version.bundleHash).toMatch(/^[0-9a-f]{64}$/);
    expect(typeof version.compilerVersion).toBe("string");
    const info = (await (await fetch(`${base}/info`)).json()) as { agents: unknown[] };
    expect(info).toMatchObject({ bundleHash: version.bundleHash, uws: "native" });
    expect(info.agents).toEqual([
      { name: "echo", mode: "intercept", upstream: "node echo-upstream.mjs", transport: "stdio" },
      { name: "helpdesk", mode: "intercept", upstream: `127.0.0.1:${upstream.port}`, transport: "http" },
    ]);
    const status = (await (await fetch(`${base}/api/gateway/status`)).json()) as Record<string, unknown>;
    expect(status).toMatchObject({ status: "ready", version: version.version, bundleHash: version.bundleHash, evidence: { writable: true } });
    expect(status.agents).toEqual([
      expect.objectContaining({ name: "echo", upstreamState: "up", detail: expect.stringMatching(/\/node$/) }),
      expect.objectContaining({ name: "helpdesk", upstreamState: "up", detail: `127.0.0.1:${upstream.port}` }),
    ]);
    expect((status.evidence as { lastSeq: number }).lastSeq).toBeGreaterThanOrEqual(8);
  });

  it("is not ready while the HTTP upstream is down, names it, and is ready again when it is back; liveness stays 200", async () => {
    const readyz = async () => {
      const res = await fetch(`${base}/readyz`);
      return { status: res.status, body: (await res.json()) as { status: string; checks: Record<string, string>; failing?: string[] } };
    };
    expect((await readyz()).status).toBe(200);
    const port = upstream.port;
    await upstream.stop();
    const down = await eventually(async () => {
      const r = await readyz();
      return r.status === 503 ? r : undefined;
    }, 15_000);
    expect(down.body.status).toBe("not_ready");
    expect(down.body.failing).toEqual(["upstream:helpdesk"]);
    expect(down.body.checks["upstream:helpdesk"]).toMatch(/^unreachable: .*ECONNREFUSED/);
    expect(down.body.checks).toMatchObject({ bundle: "ok", evidence: "ok", "upstream:echo": "ok" });
    expect((await fetch(`${base}/ready`)).status).toBe(503);
    for (const path of ["/live", "/healthz"]) expect((await fetch(`${base}${path}`)).status).toBe(200);
    expect(valueOf(parseSamples(await scrape()), "talon_upstream_up", { agent: "helpdesk" })).toBe(0);

    upstream = await startHttpServer(ZENDESK_UPSTREAM, ["--port", String(port)]);
    const up = await eventually(async () => {
      const r = await readyz();
      return r.status === 200 ? r : undefined;
    }, 15_000);
    expect(up.body).toEqual({ status: "ready", checks: { bundle: "ok", evidence: "ok", "upstream:echo": "ok", "upstream:helpdesk": "ok" } });
    expect((await fetch(`${base}/live`)).status).toBe(200);
  }, 60_000);
});
