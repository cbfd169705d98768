import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runE2e } from "../../bench/e2e/e2e.js";
import { POLICY_DIR, TALONC_JS } from "../../bench/paths.js";
import { buildBundle } from "../../bench/e2e/talon.js";
import { benchSubjects, DECIDE_CASES, divergences, loadBundle, timeDecide } from "../../bench/suites/decide.js";
import { requireDist } from "./dist.js";

// These need the compiler and runtime (dist/compiler/cli/talonc.js and the bundle's server.mjs).
describe.skipIf(!existsSync(TALONC_JS))("bench against a built Talon", () => {
  it("compiles the bench policy to the decisions it states, then times them", async () => {
    const work = await mkdtemp(join(tmpdir(), "talon-bench-decide-test-"));
    try {
      const bundle = await loadBundle(await buildBundle(POLICY_DIR, join(work, "bundle")));
      const { agent, principal } = benchSubjects(bundle);
      for (const c of DECIDE_CASES) expect(divergences(c, agent.decide(c.tool, principal, c.args))).toEqual([]);
      const timings = await timeDecide(bundle, 20);
      expect(timings.map((t) => t.label)).toEqual(DECIDE_CASES.map((c) => c.label));
      for (const t of timings) expect(t.nsPerOp).toBeGreaterThan(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it("runs every target through Talon without errors", async () => {
    requireDist();
    const work = await mkdtemp(join(tmpdir(), "talon-bench-e2e-test-"));
    try {
      const { rows, failures } = await runE2e({
        targets: ["direct", "talon-http", "talon-stdio"], concurrencies: [1, 4], requestsAt: () => 200,
        maxSeconds: 20, workDir: work, log: () => undefined,
      });
      expect(failures).toEqual([]);
      expect(rows.map((r) => `${r.target}/${r.concurrency}/${r.report.requests}/${r.report.errors}`)).toEqual([
        "direct/1/200/0", "direct/4/200/0", "talon-http/1/200/0", "talon-http/4/200/0", "talon-stdio/1/200/0", "talon-stdio/4/200/0",
      ]);
      for (const r of rows.filter((r) => r.target !== "direct")) {
        expect(r.ratio).toBeGreaterThan(0);
        expect(typeof r.cpu.talon).toBe("number");
      }
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });
});
