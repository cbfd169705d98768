import { describe, expect, it } from "vitest";
import { formatMetrics, runMetricsSuite } from "../../bench/suites/metrics.js";

describe("metrics suite", () => {
  it("times the per-call metric hooks after checking what they count, well under 1 µs for a call without redactions", async () => {
    const rows = await runMetricsSuite(50);
    expect(rows.map((r) => r.label.replace(/\d+ lines/, "N lines"))).toEqual([
      "resolve the call's series",
      "allowed call (decide, upstream, record)",
      "blocked call (decide, record)",
      "allowed call redacting 2 fields",
      "scrape (N lines)",
    ]);
    for (const r of rows) expect(r.nsPerOp).toBeGreaterThan(0);
    // ~40 ns here; the margin absorbs a loaded CI machine, not a regression to string building per call.
    expect(rows[1]!.nsPerOp).toBeLessThan(1000);
    expect(formatMetrics(rows)).toContain("ns/op");
  });
});
