/**
 * The bench's evidence parts: the append-throughput suite (which verifies what it timed before
 * reporting), and the evidence-off target, whose launcher serves the same bundle through the same
 * runtime with an evidence sink that writes nothing, so the evidence-on rows can be compared.
 */
import { existsSync, readdirSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runE2e } from "../../bench/e2e/e2e.js";
import { TALONC_JS } from "../../bench/paths.js";
import { formatEvidence, runEvidenceSuite } from "../../bench/suites/evidence.js";
import { requireDist } from "./dist.js";

describe("evidence bench", () => {
  it("times committed and fsync-durable appends and a sustained run, after verifying the store", async () => {
    const r = await runEvidenceSuite(20, 500);
    expect(r.timings.map((t) => [t.label, t.batch])).toEqual([
      ["committed (journal write), 1 per turn", 1],
      ["committed (journal write), 32 per turn", 32],
      ["fsync-durable, 1 + fdatasync", 1],
      ["fsync-durable, 32 + fdatasync", 32],
      ["fsync-durable, 256 + fdatasync", 256],
    ]);
    for (const t of r.timings) expect(t.recordsPerSec).toBeGreaterThan(0);
    expect(r.sustained.records).toBe(500);
    expect(r.lineBytes).toBeGreaterThan(500);
    expect(formatEvidence(r)).toContain("sustained, LMDB index caught up");
    expect(existsSync(r.dir)).toBe(false); // cleaned up
  });

  it.skipIf(!existsSync(TALONC_JS))("runs Talon with evidence on and off; the off launcher writes no evidence", async () => {
    requireDist();
    const work = await mkdtemp(join(tmpdir(), "talon-bench-noev-test-"));
    try {
      const { rows, failures } = await runE2e({
        targets: ["talon-http", "talon-http-no-evidence"], concurrencies: [4], requestsAt: () => 200,
        maxSeconds: 20, workDir: work, log: () => undefined,
      });
      expect(failures).toEqual([]);
      expect(rows.map((r) => `${r.target}/${r.report.requests}/${r.report.errors}`)).toEqual(["talon-http/200/0", "talon-http-no-evidence/200/0"]);
      const on = readdirSync(join(work, "talon-http", "data"));
      const off = readdirSync(join(work, "talon-http-no-evidence", "data"));
      expect(on).toContain("evidence.lmdb");
      expect(off.filter((f) => f.startsWith("evidence") || f.endsWith(".journal"))).toEqual([]);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
