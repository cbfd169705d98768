import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runE2e } from "../../bench/e2e/e2e.js";
import { childPids, cpuTicks, sampleCpu } from "../../bench/e2e/proc-cpu.js";
import { formatE2e } from "../../bench/e2e/table.js";
import { buildBundle, policyWithUpstream, TalonUnavailable } from "../../bench/e2e/talon.js";
import { FlagError, intFlag, parseFlags } from "../../bench/flags.js";
import { benchNode, findNativeUwsNode, nodeHasNativeUws } from "../../bench/node-binary.js";
import { POLICY_DIR, TALONC_JS } from "../../bench/paths.js";
import { DECIDE_CASES, divergences } from "../../bench/suites/decide.js";
import type { Decision } from "../../runtime/hooks.js";
import { requireDist } from "./dist.js";

const POLICY = 'talon 1\nagent "bench" {\n  mode intercept\n  upstream "http://127.0.0.1:9/mcp"\n}\n';

describe("policyWithUpstream", () => {
  it("points the agent at an HTTP upstream, keeping the indentation", () => {
    expect(policyWithUpstream(POLICY, { kind: "http", url: "http://127.0.0.1:43210/mcp" }))
      .toContain('\n  upstream "http://127.0.0.1:43210/mcp"\n');
  });
  it("writes a stdio upstream with escaped strings", () => {
    const out = policyWithUpstream(POLICY, { kind: "stdio", argv: ["/usr/bin/node", 'C:\\a "b".js', "--stdio"] });
    expect(out).toContain('  upstream stdio ["/usr/bin/node", "C:\\\\a \\"b\\".js", "--stdio"]\n');
  });
  it("refuses a policy without the placeholder line, and control characters", () => {
    expect(() => policyWithUpstream("talon 1\n", { kind: "http", url: "http://x/mcp" })).toThrow(/no line 'upstream/);
    expect(() => policyWithUpstream(POLICY, { kind: "stdio", argv: ["a\nb"] })).toThrow(/control characters/);
  });
});

describe("flags", () => {
  it("reads values, booleans and optional values", () => {
    const spec = { a: "string", b: "boolean", save: "optional" } as const;
    const f = parseFlags(["--a", "1", "--b", "--save"], spec);
    expect([f.get("a"), f.get("b"), f.get("save")]).toEqual(["1", true, ""]);
    expect(parseFlags(["--save", "v1", "--a=2"], spec).get("save")).toBe("v1");
    expect(intFlag(parseFlags(["--a", "50_000"], spec), "a", 0)).toBe(50000);
  });
  it("rejects unknown flags, missing values and non-integers", () => {
    expect(() => parseFlags(["--nope"], {})).toThrow(FlagError);
    expect(() => parseFlags(["--a"], { a: "string" })).toThrow(/needs a value/);
    expect(() => intFlag(parseFlags(["--a", "1e3"], { a: "string" }), "a", 0)).toThrow(/non-negative integer/);
  });
});

describe("decide divergence check", () => {
  const decision = (over: Partial<Decision>): Decision => ({
    effect: "allow", reason: "allow", ruleIds: ["bench-grant"], message: "", upstream: null, toolClass: "read", listed: true, ...over,
  });
  it("accepts what the policy says and lists every difference otherwise", () => {
    const allowed = DECIDE_CASES[0]!;
    expect(divergences(allowed, decision({}))).toEqual([]);
    expect(divergences(allowed, decision({ effect: "deny", reason: "default:no_grant", ruleIds: [] }))).toEqual([
      "effect deny, expected allow",
      "reason default:no_grant, expected allow",
      "ruleIds [] lack bench-grant",
    ]);
  });
});

describe("process CPU sampling", () => {
  it("reads this process's ticks and a child's pid and CPU", async () => {
    expect(cpuTicks(process.pid)).toBeGreaterThanOrEqual(0);
    expect(cpuTicks(2 ** 30)).toBeNull();
    // The child burns 200 ms of CPU (by its own account, not wall time), says so, and waits.
    const burn = "while (process.cpuUsage().user < 2e5); console.log('done'); process.stdin.resume();";
    const child = spawn(process.execPath, ["-e", burn], { stdio: ["pipe", "pipe", "inherit"] });
    const sample = sampleCpu([child.pid!]);
    await new Promise((r) => child.stdout!.once("data", r));
    expect(childPids(process.pid)).toContain(child.pid);
    const pct = sample.stop().get(child.pid!);
    expect(pct).toBeGreaterThan(0);
    expect(sample.machinePct()).toBeGreaterThan(0);
    child.stdin!.end();
    await new Promise((r) => child.on("exit", r));
  });
});

describe("bench node", () => {
  it("picks a Node that loads native uWebSockets.js, never one from node_modules/.bin", () => {
    const node = benchNode();
    expect(nodeHasNativeUws(node)).toBe(true);
    const found = findNativeUwsNode();
    if (found !== null) expect(found).not.toMatch(/node_modules/);
  });
});

describe("end-to-end runner", () => {
  it("measures the direct target and renders a table", async () => {
    requireDist();
    const work = await mkdtemp(join(tmpdir(), "talon-bench-test-"));
    try {
      const lines: string[] = [];
      const { rows, failures } = await runE2e({
        targets: ["direct"], concurrencies: [1, 4], requestsAt: () => 300, maxSeconds: 10, workDir: work,
        log: (l) => lines.push(l),
      });
      expect(failures).toEqual([]);
      expect(rows.map((r) => [r.target, r.concurrency, r.report.requests, r.report.errors, r.ratio])).toEqual([
        ["direct", 1, 300, 0, null],
        ["direct", 4, 300, 0, null],
      ]);
      expect(rows[0]!.cpu.talon).toBeNull();
      const table = formatE2e(rows, [{ target: "talon-http", message: "Talon compiler not built: x\nmore" }]);
      expect(table.split("\n")[0]).toMatch(/^target\s+c\s+req\/s\s+p50 ms/);
      expect(table).toContain("talon-http: not measured: Talon compiler not built: x");
      expect(lines.some((l) => l.startsWith("fast upstream (pid"))).toBe(true);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  });

  it.skipIf(existsSync(TALONC_JS))("says the compiler is missing when talonc is not built", async () => {
    await expect(buildBundle(POLICY_DIR, join(tmpdir(), "never"))).rejects.toThrow(TalonUnavailable);
  });
});

describe("conditions suite", () => {
  it("checks both engines on every case before timing them, and times both", async () => {
    const { runConditionsSuite } = await import("../../bench/suites/conditions.js");
    const timings = await runConditionsSuite(20);
    expect(timings.length).toBe(5);
    for (const t of timings) {
      expect(t.compiledNs).toBeGreaterThan(0);
      expect(t.interpNs).toBeGreaterThan(t.compiledNs);
    }
  }, 60_000);
});
