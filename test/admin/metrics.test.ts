/**
 * The metrics registry and the text format it writes: escaping, counters, gauges, histogram
 * bucketing (`le` is inclusive, buckets cumulative, `+Inf` = count), quantile estimates, and the
 * proxy metrics' status mapping, label caps and redaction field counts.
 */
import { describe, expect, it } from "vitest";
import { escapeHelp, escapeLabelValue, formatValue } from "../../runtime/admin/exposition.js";
import { estimateQuantile, HistogramChild, mergeCounts } from "../../runtime/admin/histogram.js";
import { Registry } from "../../runtime/admin/metrics.js";
import { MAX_TOOLS, ProxyMetrics, requestStatus } from "../../runtime/admin/proxy-metrics.js";
import { redactedFieldCounts, summarizeRedactions } from "../../runtime/evidence/format.js";
import type { Principal } from "../../runtime/hooks.js";

const vendor: Principal = { id: "zd", kind: "vendor", index: 0, teams: [] };
const anonymous: Principal = { id: "anonymous", kind: "anonymous", index: -1, teams: [] };

describe("the text exposition format", () => {
  it("escapes backslash, double quote and newline in label values, backslash and newline in HELP", () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    expect(escapeLabelValue("plain")).toBe("plain");
    expect(escapeHelp('a\\b"c\nd')).toBe('a\\\\b"c\\nd');
  });

  it("writes values as Go's ParseFloat reads them", () => {
    expect([Infinity, -Infinity, NaN, 0, 1.5, 1e-7, 12345678901].map(formatValue)).toEqual(["+Inf", "-Inf", "NaN", "0", "1.5", "1e-7", "12345678901"]);
  });

  it("renders HELP and TYPE once per family, samples with escaped labels, nothing for families without children", () => {
    const r = new Registry();
    const c = r.counter("x_requests_total", "Requests.\nSecond line.", ["tool", "status"]);
    c.labels('a"b', "ok").inc();
    c.labels('a"b', "ok").inc(2);
    c.labels("c\\d", "no").inc();
    r.gauge("x_up", "Up.").labels().set(1);
    r.gauge("x_unused", "No children.", ["l"]);
    expect(r.render()).toBe(
      [
        "# HELP x_requests_total Requests.\\nSecond line.",
        "# TYPE x_requests_total counter",
        'x_requests_total{tool="a\\"b",status="ok"} 3',
        'x_requests_total{tool="c\\\\d",status="no"} 1',
        "# HELP x_up Up.",
        "# TYPE x_up gauge",
        "x_up 1",
        "",
      ].join("\n"),
    );
  });

  it("keeps one child per label values, whatever characters they hold", () => {
    const c = new Registry().counter("x_total", "X.", ["a", "b"]);
    expect(c.labels("1:2", "3")).toBe(c.labels("1:2", "3"));
    expect(c.labels("1:2", "3")).not.toBe(c.labels("1", "2:3"));
    expect(c.size).toBe(2);
  });

  it("refuses names the format or the lint reject, and clashes", () => {
    const r = new Registry();
    expect(() => r.counter("x_requests", "X.")).toThrow(/_total/);
    expect(() => r.gauge("1x", "X.")).toThrow(/invalid metric name/);
    expect(() => r.gauge("x", "X.", ["__x"])).toThrow(/invalid label name/);
    expect(() => r.histogram("h_seconds", "H.", ["le"], [1])).toThrow(/reserved/);
    expect(() => r.histogram("h_seconds", "H.", [], [2, 1])).toThrow(/increase/);
    r.histogram("h_seconds", "H.", [], [1]);
    expect(() => r.gauge("h_seconds_count", "C.")).toThrow(/already taken/);
  });

  it("runs scrape hooks before rendering", () => {
    const r = new Registry();
    const total = r.counter("ext_total", "Kept elsewhere.").labels();
    let source = 5;
    r.onScrape(() => total.setTotal(source));
    expect(r.render()).toContain("ext_total 5");
    source = 9;
    expect(r.render()).toContain("ext_total 9");
  });
});

describe("histograms", () => {
  it("count an observation in the first bucket whose bound is >= it, cumulatively, with +Inf = count", () => {
    const r = new Registry();
    const h = r.histogram("lat_seconds", "Latency.", ["tool"], [0.1, 0.5, 1]).labels("t");
    for (const v of [0.05, 0.1, 0.2, 0.5, 0.7, 1, 3]) h.observe(v);
    expect(r.render()).toBe(
      [
        "# HELP lat_seconds Latency.",
        "# TYPE lat_seconds histogram",
        'lat_seconds_bucket{tool="t",le="0.1"} 2',
        'lat_seconds_bucket{tool="t",le="0.5"} 4',
        'lat_seconds_bucket{tool="t",le="1"} 6',
        'lat_seconds_bucket{tool="t",le="+Inf"} 7',
        'lat_seconds_sum{tool="t"} 5.55',
        'lat_seconds_count{tool="t"} 7',
        "",
      ].join("\n"),
    );
  });

  it("write le without other labels when the family has none", () => {
    const r = new Registry();
    r.histogram("d_seconds", "D.", [], [1]).labels().observe(0.5);
    expect(r.render()).toContain('d_seconds_bucket{le="1"} 1\nd_seconds_bucket{le="+Inf"} 1\nd_seconds_sum 0.5\nd_seconds_count 1');
  });

  it("estimate quantiles as histogram_quantile does", () => {
    const bounds = Float64Array.from([1, 2, 4]);
    const h = new HistogramChild(bounds);
    expect(estimateQuantile(bounds, h.counts, 0.5)).toBeNull();
    for (let i = 0; i < 10; i++) h.observe(0.5); // bucket le=1
    for (let i = 0; i < 10; i++) h.observe(3); // bucket le=4
    expect(estimateQuantile(bounds, h.counts, 0.5)).toBe(1); // rank 10: the top of the first bucket
    expect(estimateQuantile(bounds, h.counts, 0.25)).toBe(0.5);
    expect(estimateQuantile(bounds, h.counts, 0.75)).toBe(3); // halfway through (2, 4]
    h.observe(100);
    expect(estimateQuantile(bounds, h.counts, 1)).toBe(4); // the +Inf bucket gives the highest bound
    const other = new HistogramChild(bounds);
    other.observe(1.5);
    expect(Array.from(mergeCounts([h, other], bounds))).toEqual([10, 1, 10, 1]);
  });
});

describe("proxy metrics", () => {
  it("map a record's outcome and reason to the request status", () => {
    const cases: [string, string, string][] = [
      ["ok", "allow", "allowed"],
      ["tool_error", "allow", "allowed"],
      ["replayed", "allow", "allowed"],
      ["upstream_error", "allow", "error"],
      ["pending", "approval_required", "pending"],
      ["denied", "approval_required", "pending"],
      ["denied", "confirm_required", "pending"],
      ["denied", "rate_limited", "rate_limited"],
      ["denied", "malformed", "error"],
      ["denied", "internal", "error"],
      ["denied", "forbid", "blocked"],
      ["denied", "default:no_grant", "blocked"],
      ["denied", "path:denied", "blocked"],
      ["denied", "approval_denied", "blocked"],
      ["denied", "blocked", "blocked"],
    ];
    for (const [outcome, reason, status] of cases) expect(`${outcome}/${reason} → ${requestStatus(outcome, reason)}`).toBe(`${outcome}/${reason} → ${status}`);
  });

  it("count redacted fields as `talon audit list` prints them", () => {
    const report = [
      { pointer: "/structuredContent/tickets/0/requester/email" },
      { pointer: "/content/0/text/tickets/0/requester/email" }, // the text mirror of the same field
      { pointer: "/structuredContent/tickets/1/requester/email" },
      { pointer: "/arguments/phone" },
      { pointer: "/structuredContent/tags/3" },
      { pointer: "/arguments/a, 1 b" },
    ];
    expect(summarizeRedactions(report)).toBe("1 a, 1 b, 2 email, 1 item, 1 phone");
    expect(Object.fromEntries(redactedFieldCounts(report))).toEqual({ "a, 1 b": 1, email: 2, item: 1, phone: 1 });
  });

  it("label by vendor principal, else by agent, and cap the tool names a client can create", () => {
    const r = new Registry();
    const pm = new ProxyMetrics(r);
    const agent = pm.forAgent("helpdesk");
    const call = agent.call(vendor, "search");
    expect(agent.call(vendor, "search")).toBe(call);
    call.decided(0.002);
    call.upstreamWaited(3);
    call.recorded("ok", "allow", [{ pointer: "/structuredContent/email" }]);
    call.recorded("ok", "allow", [{ pointer: "/structuredContent/email" }]); // the same report again: remembered counts
    agent.call(anonymous, "search").recorded("denied", "forbid", []);
    agent.call(anonymous, "search").unrecorded();
    const text = r.render();
    expect(text).toContain('proxy_requests_total{vendor="zd",tool="search",status="allowed"} 2');
    expect(text).toContain('proxy_requests_total{vendor="helpdesk",tool="search",status="blocked"} 1');
    expect(text).toContain('proxy_requests_total{vendor="helpdesk",tool="search",status="error"} 1');
    expect(text).toContain('proxy_pii_redactions_total{vendor="zd",field="email"} 2');
    expect(text).toContain('proxy_upstream_latency_seconds_bucket{vendor="zd",tool="search",le="0.005"} 1');
    expect(text).toContain('proxy_policy_evaluation_duration_seconds_bucket{vendor="zd",le="0.000001"} 0');
    expect(text).toContain('proxy_policy_evaluation_duration_seconds_bucket{vendor="zd",le="0.0000025"} 1');

    for (let i = 0; i < MAX_TOOLS + 10; i++) agent.call(vendor, `t${i}`).recorded("denied", "default:not_exposed", []);
    const after = r.render();
    expect(after).toContain(`proxy_requests_total{vendor="zd",tool="_other",status="blocked"} 11`);
    expect(pm.requests.size).toBeLessThanOrEqual(MAX_TOOLS + 4);
  });
});
