/**
 * Micro-benchmark of conditions (LANGUAGE.md §5, §7.1): a policy whose forbid, grant and approve
 * rules read the arguments is compiled in memory, and `decide` of the generated bundle is timed
 * against the reference interpreter (`decideRef`) on the same calls. Before timing, both engines
 * must agree on every case and give the expected reason (a fast wrong answer is not a result).
 * Standalone: `node dist/bench/suites/conditions.js`.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { decideRef } from "../../compiler/interp/decide.js";
import type { BundleIR } from "../../compiler/ir/ir.js";
import { compile } from "../../compiler/pipeline.js";
import type { CompiledAgent, DecideContext, Decision, Principal } from "../../runtime/hooks.js";
import { runMain } from "../flags.js";

const POLICY = `talon 1
team approvers { approvers "lead@x" }
vendor "zd" { token env("ZD") }
agent "cond" {
  upstream "https://up"
  posture read_write
  tool ticket_update { class write }
  tool ticket_search { class read }
  tool "macro_*" { class write }
  @id("vendor") grant vendor "zd" read, write on "ticket_*"
  @id("macros") grant vendor "zd" write on "macro_*" when args.tags.all(t, t.startsWith("ok_")) && size(args.body) < 2000
  @id("no-bulk") forbid tool ticket_update when args.ids.exists(i, i in 1..100) || args.scope == "all"
  @id("oversight") approve tool ticket_update when args.priority == "urgent" || args.impact > 500 by team approvers
  @id("night") forbid tool "macro_*" when now.hour("Europe/Madrid") in 0..5
}
`;

interface Case {
  readonly label: string;
  readonly tool: string;
  readonly args: unknown;
  readonly expect: Decision["reason"];
}

const CASES: readonly Case[] = [
  { label: "exact, conditions F -> allow", tool: "ticket_update", args: { ids: [500, 501], scope: "one", priority: "low", impact: 3 }, expect: "allow" },
  { label: "exact, approval (U: no impact)", tool: "ticket_update", args: { ids: [500], scope: "one", priority: "low" }, expect: "approval_required" },
  { label: "exact, forbid (T via exists)", tool: "ticket_update", args: { ids: [500, 7], priority: "low", impact: 3 }, expect: "forbid" },
  { label: "exact, no condition", tool: "ticket_search", args: { query: "eSIM" }, expect: "allow" },
  { label: "glob, conditional grant T", tool: "macro_close", args: { tags: ["ok_a", "ok_b"], body: "thanks" }, expect: "allow" },
];

const BATCH = 1000;
const NOW: DecideContext = { meta: {}, now: Date.UTC(2026, 10, 21, 12) };

/** One case's timing in both engines. */
export interface ConditionTiming {
  readonly label: string;
  readonly compiledNs: number;
  readonly interpNs: number;
}

async function load(): Promise<{ ir: BundleIR; agent: CompiledAgent; principal: Principal }> {
  const files = [{ path: "cond.talon", text: POLICY }];
  const r = compile(files, { until: "emit", regenerate: { dir: "cond", out: "out" } });
  const errors = r.diagnostics.sorted().filter((d) => d.severity === "error");
  if (errors.length > 0 || !r.policy || !r.ir) throw new Error(`bench policy does not compile: ${errors.map((d) => `${d.code} ${d.message}`).join("; ")}`);
  const dir = await mkdtemp(join(tmpdir(), "talon-bench-cond-"));
  try {
    await writeFile(join(dir, "policy.mjs"), r.policy.policyMjs);
    const mod = (await import(pathToFileURL(join(dir, "policy.mjs")).href)) as { agents: readonly CompiledAgent[]; principals: readonly { id: string; kind: "vendor" | "caller"; index: number; teams: readonly string[] }[] };
    const spec = mod.principals.find((p) => p.id === "zd")!;
    return { ir: r.ir, agent: mod.agents[0]!, principal: { id: spec.id, kind: spec.kind, index: spec.index, teams: spec.teams } };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Check both engines on every case, then time them. */
export async function runConditionsSuite(timeMs = 300): Promise<ConditionTiming[]> {
  const { ir, agent, principal } = await load();
  for (const c of CASES) {
    const got = agent.decide(c.tool, principal, c.args, NOW);
    const ref = decideRef(ir, "cond", c.tool, principal, c.args, NOW);
    if (got.reason !== c.expect || JSON.stringify(got) !== JSON.stringify(ref)) {
      throw new Error(`${c.label}: compiled ${got.reason}, interpreter ${ref.reason}, expected ${c.expect}; not timing`);
    }
  }
  let sink = 0;
  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  for (const c of CASES) {
    bench.add(`compiled ${c.label}`, () => {
      for (let i = 0; i < BATCH; i++) sink += agent.decide(c.tool, principal, c.args, NOW).ruleIds.length;
    });
    bench.add(`interp ${c.label}`, () => {
      for (let i = 0; i < BATCH / 10; i++) sink += decideRef(ir, "cond", c.tool, principal, c.args, NOW).ruleIds.length;
    });
  }
  await bench.run();
  if (sink < 0) console.log(sink);
  const ns = (name: string, per: number) => {
    const r = bench.tasks.find((t) => t.name === name)!.result;
    if (r.state !== "completed") throw new Error(`${name}: ${r.state}`);
    return Math.round(((r.latency.mean * 1e6) / per) * 10) / 10;
  };
  return CASES.map((c) => ({ label: c.label, compiledNs: ns(`compiled ${c.label}`, BATCH), interpNs: ns(`interp ${c.label}`, BATCH / 10) }));
}

/** The suite's console table. */
export function formatConditions(timings: readonly ConditionTiming[]): string {
  const rows = timings.map(
    (t) => `  ${t.label.padEnd(32)} ${t.compiledNs.toFixed(1).padStart(8)} ns/op compiled ${t.interpNs.toFixed(1).padStart(10)} ns/op interpreter  (${(t.interpNs / t.compiledNs).toFixed(0)}x)`,
  );
  return ["decide() with conditions, compiled vs reference interpreter:", ...rows].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("conditions", async () => {
    console.log(formatConditions(await runConditionsSuite()));
  });
}
