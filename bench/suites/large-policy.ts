/**
 * Micro-benchmark of a large policy: the generated 1,000-rule policy of bench/policy/large-policy.ts
 * is compiled through the real pipeline (parse → check → ir → emit), its `policy.mjs` imported, and
 * `decide()` of the bundle timed against the reference interpreter (`decideRef`) on a fixed call
 * mix (allowed, forbidden by glob, conditional forbid and grant, no grant, unexposed, approval and
 * confirm pending, malformed name). Before timing, both engines must give the same decision on
 * every call and the decision the policy prescribes (a fast wrong answer is not a result).
 * The issue's target: compiled ≥ 10× faster than the interpreter and well under 1 µs per decision.
 * Standalone: `node dist/bench/suites/large-policy.js [--domains N] [--no-typecheck]` (40 domains =
 * 1,000 rules; `--no-typecheck` skips the compiler's self-check of the emitted TypeScript, which
 * is most of the compile time at this size).
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { decideRef } from "../../compiler/interp/decide.js";
import type { BundleIR } from "../../compiler/ir/ir.js";
import { compile } from "../../compiler/pipeline.js";
import { bundleRuntime } from "../../runtime/helpers/bundle-runtime.js";
import type { CompiledBundle, CompiledAgent, DecideContext, Decision, Principal } from "../../runtime/hooks.js";
import { intFlag, parseFlags, runMain } from "../flags.js";
import { FULL_DOMAINS, LARGE_AGENT, largeCalls, largePolicy, RULES_PER_DOMAIN, type LargeCall } from "../policy/large-policy.js";

/** The issue's targets for the mix: speed-up over the interpreter, and compiled time per decision. */
export const TARGET_SPEEDUP = 10;
export const TARGET_COMPILED_NS = 1000;

const NOW: DecideContext = { meta: {}, now: Date.UTC(2026, 10, 21, 12) };
// A compiled decision takes tens to hundreds of ns, below one timer read: each tinybench iteration
// runs a batch. The interpreter is ~100× slower, so its batch is smaller.
const COMPILED_BATCH = 1000;
const INTERP_BATCH = 10;

/** A compiled large policy: its IR (for the interpreter), the agent of its bundle, and principals by id. */
export interface LoadedLarge {
  readonly ir: BundleIR;
  readonly agent: CompiledAgent;
  readonly principals: ReadonlyMap<string, Principal>;
  readonly domains: number;
  readonly rules: number;
  readonly tools: number;
  readonly compileMs: number;
}

/** Size of the generated policy, and whether the compiler type-checks the emitted TypeScript (default true, as `talonc build`). */
export interface LargeOptions {
  readonly domains?: number;
  readonly typecheck?: boolean;
}

/** Compile the generated policy and import its bundle. */
export async function loadLarge(opts: LargeOptions = {}): Promise<LoadedLarge> {
  const domains = opts.domains ?? FULL_DOMAINS;
  const text = largePolicy(domains);
  const started = performance.now();
  const r = compile([{ path: "large.talon", text }], { until: "emit", regenerate: { dir: "large", out: "out" }, typecheck: opts.typecheck ?? true });
  const compileMs = performance.now() - started;
  const errors = r.diagnostics.sorted().filter((d) => d.severity === "error");
  if (errors.length > 0 || !r.policy || !r.ir) {
    throw new Error(`large policy does not compile: ${errors.slice(0, 5).map((d) => `${d.span.line}:${d.span.col} ${d.code} ${d.message}`).join("; ")}`);
  }
  const dir = await mkdtemp(join(tmpdir(), "talon-bench-large-"));
  let bundle: CompiledBundle;
  try {
    await writeFile(join(dir, "policy.mjs"), r.policy.policyMjs);
    bundle = (await import(pathToFileURL(join(dir, "policy.mjs")).href)) as CompiledBundle;
    bundle.bind(bundleRuntime); // as `talon serve` does: detector conditions run, not U
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  const agent = bundle.agents.find((a) => a.name === LARGE_AGENT);
  const agentIr = r.ir.agents.find((a) => a.name === LARGE_AGENT);
  if (!agent || !agentIr) throw new Error(`large policy: no agent "${LARGE_AGENT}" in the bundle`);
  const principals = new Map<string, Principal>(
    bundle.principals.map((p) => [p.id, { id: p.id, kind: p.kind, index: p.index, teams: p.teams }]),
  );
  return { ir: r.ir, agent, principals, domains, rules: agentIr.rules.length, tools: agentIr.tools.length, compileMs };
}

/** JSON with object keys sorted, so two decisions compare by content, not by property order. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === "object" && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}

function principalOf(l: LoadedLarge, id: string): Principal {
  const p = l.principals.get(id);
  if (!p) throw new Error(`large policy: no principal ${JSON.stringify(id)}`);
  return p;
}

/** Every rule id a decision names: its own, and those of a pending confirm or approval. */
function namedIds(d: Decision): string[] {
  return [...d.ruleIds, ...(d.confirm?.ruleIds ?? []), ...(d.approval?.ruleIds ?? [])];
}

/**
 * Problems with the engines on the mix: a call where compiled and interpreter disagree, or where
 * either differs from what the policy prescribes. Empty when both are right everywhere.
 */
export function checkAgreement(l: LoadedLarge, calls: readonly LargeCall[]): string[] {
  const problems: string[] = [];
  for (const c of calls) {
    const who = principalOf(l, c.as);
    const got = l.agent.decide(c.tool, who, c.args, NOW);
    const ref = decideRef(l.ir, LARGE_AGENT, c.tool, who, c.args, NOW);
    if (canonical(got) !== canonical(ref)) {
      problems.push(`${c.label}: engines disagree: compiled ${canonical(got)} vs interpreter ${canonical(ref)}`);
      continue;
    }
    if (got.effect !== c.expect.effect || got.reason !== c.expect.reason) {
      problems.push(`${c.label}: ${got.effect}/${got.reason}, expected ${c.expect.effect}/${c.expect.reason} (${got.message})`);
    } else if (c.expect.ruleId !== undefined && !namedIds(got).includes(c.expect.ruleId)) {
      problems.push(`${c.label}: rule ids [${namedIds(got).join(", ")}] lack ${c.expect.ruleId}`);
    }
  }
  return problems;
}

/** One call's timing in both engines. */
export interface LargeTiming {
  readonly label: string;
  readonly compiledNs: number;
  readonly interpNs: number;
}

/** The suite's result. */
export interface LargeResult {
  readonly rules: number;
  readonly tools: number;
  readonly principals: number;
  readonly compileMs: number;
  readonly calls: readonly LargeTiming[];
  /** Mean over the mix (each call weighted once). */
  readonly mix: { readonly compiledNs: number; readonly interpNs: number; readonly speedup: number };
  readonly meetsTarget: boolean;
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** Compile, check agreement on the mix (throws, timing nothing, if any call is wrong), then time both engines. */
export async function runLargePolicySuite(timeMs = 300, opts: LargeOptions = {}): Promise<LargeResult> {
  return timeLarge(await loadLarge(opts), timeMs);
}

/** Check agreement on the mix of a loaded policy (throws, timing nothing, if any call is wrong), then time both engines. */
export async function timeLarge(l: LoadedLarge, timeMs = 300): Promise<LargeResult> {
  if (l.rules !== l.domains * RULES_PER_DOMAIN) throw new Error(`large policy: ${l.rules} rules in the IR, expected ${l.domains * RULES_PER_DOMAIN}`);
  const calls = largeCalls(l.domains);
  const problems = checkAgreement(l, calls);
  if (problems.length > 0) throw new Error(`large policy: not timing, the engines are wrong:\n  ${problems.join("\n  ")}`);

  let sink = 0; // read after the run so the calls cannot be optimized away
  const bench = new Bench({ time: timeMs, warmupTime: 100 });
  for (const c of calls) {
    const who = principalOf(l, c.as);
    bench.add(`compiled ${c.label}`, () => {
      for (let i = 0; i < COMPILED_BATCH; i++) sink += l.agent.decide(c.tool, who, c.args, NOW).ruleIds.length;
    });
    bench.add(`interp ${c.label}`, () => {
      for (let i = 0; i < INTERP_BATCH; i++) sink += decideRef(l.ir, LARGE_AGENT, c.tool, who, c.args, NOW).ruleIds.length;
    });
  }
  await bench.run();
  if (sink < 0) console.log(sink);
  const ns = (name: string, per: number) => {
    const r = bench.tasks.find((t) => t.name === name)!.result;
    if (r.state !== "completed") throw new Error(`large policy ${name}: ${r.state === "errored" ? r.error.message : r.state}`);
    return (r.latency.mean * 1e6) / per;
  };
  const timed = calls.map((c) => ({ label: c.label, compiledNs: ns(`compiled ${c.label}`, COMPILED_BATCH), interpNs: ns(`interp ${c.label}`, INTERP_BATCH) }));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const compiledNs = mean(timed.map((t) => t.compiledNs));
  const interpNs = mean(timed.map((t) => t.interpNs));
  const speedup = interpNs / compiledNs;
  return {
    rules: l.rules,
    tools: l.tools,
    principals: l.principals.size,
    compileMs: Math.round(l.compileMs),
    calls: timed.map((t) => ({ label: t.label, compiledNs: round1(t.compiledNs), interpNs: round1(t.interpNs) })),
    mix: { compiledNs: round1(compiledNs), interpNs: round1(interpNs), speedup: round1(speedup) },
    meetsTarget: speedup >= TARGET_SPEEDUP && compiledNs < TARGET_COMPILED_NS,
  };
}

/** The suite's console table. */
export function formatLargePolicy(r: LargeResult): string {
  const row = (label: string, c: number, i: number) =>
    `  ${label.padEnd(26)} ${c.toFixed(1).padStart(8)} ns/op compiled ${i.toFixed(1).padStart(11)} ns/op interpreter  (${(i / c).toFixed(0)}x)`;
  const verdict = r.meetsTarget
    ? `meets the target (≥ ${TARGET_SPEEDUP}x, < ${TARGET_COMPILED_NS} ns)`
    : `MISSES the target (≥ ${TARGET_SPEEDUP}x, < ${TARGET_COMPILED_NS} ns)`;
  return [
    `decide() of a ${r.rules}-rule policy (${r.tools} exposures, ${r.principals} principals; compiled in ${r.compileMs} ms), compiled vs reference interpreter:`,
    ...r.calls.map((t) => row(t.label, t.compiledNs, t.interpNs)),
    row("mix (mean)", r.mix.compiledNs, r.mix.interpNs) + `  ${verdict}`,
  ].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("large-policy", async () => {
    const flags = parseFlags(process.argv.slice(2), { domains: "string", "no-typecheck": "boolean" });
    const r = await runLargePolicySuite(300, { domains: intFlag(flags, "domains", FULL_DOMAINS), typecheck: flags.get("no-typecheck") !== true });
    console.log(formatLargePolicy(r));
    if (!r.meetsTarget) process.exitCode = 1;
  });
}
