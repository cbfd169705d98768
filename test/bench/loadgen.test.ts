import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runLoad } from "../../bench/e2e/load-run.js";
import { runCommand, type RunningServer } from "../../bench/e2e/processes.js";
import { benchNode } from "../../bench/node-binary.js";
import { LOADGEN_JS } from "../../bench/paths.js";
import { startFastUpstream } from "./dist.js";

let upstream: RunningServer;
let url: string;

beforeAll(async () => {
  ({ server: upstream, url } = await startFastUpstream());
});
afterAll(() => upstream.stop());

describe("loadgen process", () => {
  for (const client of ["raw", "undici"]) {
    it(`runs a session and reports every request (${client} client)`, async () => {
      const { report, cpu } = await runLoad({
        url, concurrency: 4, requests: 400, warmup: 50, client,
        watch: () => ({ upstream: upstream.pid }),
      });
      expect(report).toMatchObject({ requests: 400, errors: 0, concurrency: 4, client, firstError: null });
      expect(report.reqPerSec).toBeGreaterThan(0);
      expect(report.p50).toBeGreaterThan(0);
      expect(report.p50).toBeLessThanOrEqual(report.p95);
      expect(report.p95).toBeLessThanOrEqual(report.p99);
      expect(report.p99).toBeLessThanOrEqual(report.max);
      expect(typeof cpu.upstream).toBe("number");
    });
  }

  it("counts wrong answers as errors and keeps the first", async () => {
    const { report } = await runLoad({ url, concurrency: 2, requests: 30, warmup: 0, watch: () => ({}) });
    expect(report.errors).toBe(0);
    const bad = await runCommand(benchNode(), [LOADGEN_JS, "--url", url, "--requests", "30", "--warmup", "0", "--tool", "no_such_tool"]);
    expect(bad.code).toBe(0);
    const r = JSON.parse(bad.stdout);
    expect(r.requests).toBe(30);
    expect(r.errors).toBe(30);
    expect(r.firstError).toMatch(/-32602: Unknown tool: no_such_tool/);
  });

  it("stops at --max-seconds and reports what completed", async () => {
    const { report } = await runLoad({ url, concurrency: 1, requests: 10_000_000, warmup: 0, maxSeconds: 0.3, watch: () => ({}) });
    expect(report.requests).toBeGreaterThan(0);
    expect(report.requests).toBeLessThan(10_000_000);
    expect(report.errors).toBe(0);
  });

  it("fails clearly when the session cannot be opened", async () => {
    const wrongPath = url.replace("/mcp", "/nope");
    await expect(runLoad({ url: wrongPath, concurrency: 1, requests: 1, warmup: 0 })).rejects.toThrow(/initialize: HTTP 404/);
  });

  it("rejects bad flags with exit code 2", async () => {
    const noUrl = await runCommand(benchNode(), [LOADGEN_JS]);
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toMatch(/--url is required/);
    const typo = await runCommand(benchNode(), [LOADGEN_JS, "--url", url, "--concurency", "3"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown flag '--concurency'/);
    const badArgs = await runCommand(benchNode(), [LOADGEN_JS, "--url", url, "--args", "{x"]);
    expect(badArgs.stderr).toMatch(/--args must be JSON/);
  });
});
