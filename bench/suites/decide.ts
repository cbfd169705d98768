/**
 * Micro-benchmark of the compiled decision: builds bench/policy with talonc, imports the generated
 * `policy.mjs`, and times `decide(tool, principal, args)` of the `bench` agent for an allowed tool,
 * a tool forbidden by glob and an unexposed tool.
 *
 * Before timing, every case's decision is compared with what the policy says; a divergent engine is
 * not timed (graphql-jit's rule: a fast wrong answer is not a result). Standalone:
 * `node dist/bench/suites/decide.js [--bundle <dir with policy.mjs>]`.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import type { CompiledAgent, CompiledBundle, Decision, Principal } from "../../runtime/hooks.js";
import { parseFlags, runMain, stringFlag } from "../flags.js";
import { POLICY_DIR } from "../paths.js";
import { buildBundle } from "../e2e/talon.js";

/** One timed call and the decision the bench policy prescribes for it. */
export interface DecideCase {
  readonly label: string;
  readonly tool: string;
  readonly args: unknown;
  readonly expect: { readonly effect: Decision["effect"]; readonly reason: Decision["reason"]; readonly ruleId?: string };
}

/** The cases, as bench/policy/bench.talon decides them. */
export const DECIDE_CASES: readonly DecideCase[] = [
  {
    label: "allowed   ticket_search",
    tool: "ticket_search",
    args: { query: "eSIM activation issue" },
    expect: { effect: "allow", reason: "allow", ruleId: "bench-grant" },
  },
  {
    label: "forbidden admin_purge (glob)",
    tool: "admin_purge",
    args: { confirm: true },
    expect: { effect: "deny", reason: "forbid", ruleId: "bench-forbid" },
  },
  {
    label: "unexposed secret_export",
    tool: "secret_export",
    args: {},
    expect: { effect: "deny", reason: "default:not_exposed" },
  },
];

/** Timing of one case. */
export interface DecideTiming {
  readonly label: string;
  readonly nsPerOp: number;
  readonly opsPerSec: number;
  /** Relative margin of error of the per-batch latency, in percent. */
  readonly rme: number;
  readonly samples: number;
}

// decide() takes tens of nanoseconds, far below what one timer read resolves; each tinybench
// iteration therefore runs a batch of calls and the per-call time is the batch time / BATCH.
const BATCH = 1000;

/** Load a generated bundle (named exports, or one default export holding them). */
export async function loadBundle(bundleDir: string): Promise<CompiledBundle> {
  const mod = (await import(pathToFileURL(join(bundleDir, "policy.mjs")).href)) as Record<string, unknown>;
  const bundle = (Array.isArray(mod.agents) ? mod : mod.default) as CompiledBundle | undefined;
  if (bundle === undefined || !Array.isArray(bundle.agents) || !Array.isArray(bundle.principals)) {
    throw new Error(`${bundleDir}/policy.mjs does not export { manifest, principals, agents }`);
  }
  return bundle;
}

/** The `bench` agent and the `bench-vendor` principal of a bundle. */
export function benchSubjects(bundle: CompiledBundle): { agent: CompiledAgent; principal: Principal } {
  const agent = bundle.agents.find((a) => a.name === "bench");
  const spec = bundle.principals.find((p) => p.id === "bench-vendor");
  if (agent === undefined) throw new Error(`bundle has no agent "bench" (has: ${bundle.agents.map((a) => a.name).join(", ")})`);
  if (spec === undefined) throw new Error(`bundle has no principal "bench-vendor"`);
  return { agent, principal: { id: spec.id, kind: spec.kind, index: spec.index, teams: spec.teams } };
}

/** Differences between a decision and a case's expectation; empty when they agree. */
export function divergences(c: DecideCase, d: Decision): string[] {
  const out: string[] = [];
  if (d.effect !== c.expect.effect) out.push(`effect ${d.effect}, expected ${c.expect.effect}`);
  if (d.reason !== c.expect.reason) out.push(`reason ${d.reason}, expected ${c.expect.reason}`);
  if (c.expect.ruleId !== undefined && !d.ruleIds.includes(c.expect.ruleId)) {
    out.push(`ruleIds [${d.ruleIds.join(", ")}] lack ${c.expect.ruleId}`);
  }
  return out;
}

/** Check every case, then time each; throws (without timing anything) if any case diverges. */
export async function timeDecide(bundle: CompiledBundle, timeMs = 500): Promise<DecideTiming[]> {
  const { agent, principal } = benchSubjects(bundle);
  const problems = DECIDE_CASES.flatMap((c) =>
    divergences(c, agent.decide(c.tool, principal, c.args)).map((p) => `${c.tool}: ${p}`),
  );
  if (problems.length > 0) {
    throw new Error(`compiled decide() diverges from bench/policy/bench.talon; not timing it:\n  ${problems.join("\n  ")}`);
  }
  let sink = 0; // read after the run so the calls cannot be optimized away
  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  for (const c of DECIDE_CASES) {
    bench.add(c.label, () => {
      for (let i = 0; i < BATCH; i++) sink += agent.decide(c.tool, principal, c.args).ruleIds.length;
    });
  }
  await bench.run();
  if (sink < 0) console.log(sink);
  return bench.tasks.map((task) => {
    const r = task.result;
    if (r.state !== "completed") {
      throw new Error(`decide ${task.name}: ${r.state === "errored" ? r.error.message : r.state}`);
    }
    const nsPerOp = (r.latency.mean * 1e6) / BATCH;
    return {
      label: task.name,
      nsPerOp: Math.round(nsPerOp * 10) / 10,
      opsPerSec: Math.round(1e9 / nsPerOp),
      rme: Math.round(r.latency.rme * 100) / 100,
      samples: r.latency.df + 1,
    };
  });
}

/** Build bench/policy with talonc into a temp dir and time its decide(). */
export async function runDecideSuite(timeMs?: number): Promise<DecideTiming[]> {
  const work = await mkdtemp(join(tmpdir(), "talon-bench-decide-"));
  try {
    return await timeDecide(await loadBundle(await buildBundle(POLICY_DIR, join(work, "bundle"))), timeMs);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The suite's console table. */
export function formatDecide(timings: readonly DecideTiming[]): string {
  const rows = timings.map(
    (t) =>
      `  ${t.label.padEnd(30)} ${t.nsPerOp.toFixed(1).padStart(9)} ns/op ${t.opsPerSec.toLocaleString("en-US").padStart(14)} ops/s  ±${t.rme.toFixed(2)}%`,
  );
  return ["decide() of the compiled bench policy:", ...rows].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("decide", async () => {
    const flags = parseFlags(process.argv.slice(2), { bundle: "string" });
    const dir = stringFlag(flags, "bundle", "");
    const timings = dir === "" ? await runDecideSuite() : await timeDecide(await loadBundle(dir));
    console.log(formatDecide(timings));
  });
}
