/**
 * `talonc test <dir|file> [--coverage] [--shuffle[=seed]] [--format json]` (§11): compile with the
 * real pipeline, import the generated module, run every `test` block, and print one line per
 * failed expectation (`file:line:col: error[TAL0801]: test "name": expected …, got …
 * (determining: ids)`) and `N passed, N failed`. Exit 1 when a test fails, the policy does not
 * compile, or a shuffled build differs.
 *
 * `--coverage` adds a TAL0803 warning for each rule that determined no outcome in any test.
 * `--shuffle` rebuilds with permuted declarations (§7.4) and asserts the same canonical IR hash
 * (positions excluded: they are provenance, not meaning) and the same outcome of every call.
 */
import { createHash } from "node:crypto";
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { renderDiagnostics, summary } from "../diagnostics/render.js";
import { collectInputs } from "../cli/inputs.js";
import { canonicalJson } from "../ir/canonical.js";
import { policyOf, type BundleIR } from "../ir/ir.js";
import { buildForTest } from "./load.js";
import { runTests, uncovered, type TestResult } from "./run-tests.js";
import { shuffler } from "./shuffle.js";

export interface TestCommandOptions {
  readonly coverage: boolean;
  /** undefined = no shuffle; null = shuffle with a random seed. */
  readonly shuffle: number | null | undefined;
  readonly json: boolean;
}

export interface TestIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

/** How many shuffled builds `--shuffle` compares against the original. */
export const SHUFFLE_ROUNDS = 3;

/** SHA-256 of the canonical IR without positions or tests: what must not change under permutation. */
export function canonicalHash(ir: BundleIR): string {
  return createHash("sha256").update(canonicalJson(policyOf(ir))).digest("hex");
}

interface ShuffleReport {
  readonly seed: number;
  readonly rounds: number;
  readonly problems: readonly string[];
}

async function shuffleCheck(inputs: readonly { path: string; text: string }[], ir: BundleIR, results: readonly TestResult[], seed: number): Promise<ShuffleReport> {
  const problems: string[] = [];
  const want = canonicalHash(ir);
  const traces = new Map(results.map((r) => [`${r.test.agent}\u0000${r.test.name}`, r]));
  for (let round = 0; round < SHUFFLE_ROUNDS; round++) {
    const s = (seed + round * 0x9e3779b9) >>> 0;
    const b = await buildForTest(inputs, { reorder: shuffler(s) });
    if (!b.result.ir || !b.bundle) {
      problems.push(`permutation ${round + 1}: the shuffled bundle does not compile (${summary(b.result.diagnostics.sorted())})`);
      continue;
    }
    const got = canonicalHash(b.result.ir);
    if (got !== want) problems.push(`permutation ${round + 1}: canonical IR hash ${got.slice(0, 16)}… differs from ${want.slice(0, 16)}…`);
    for (const r of runTests(b.result.ir, b.bundle)) {
      const orig = traces.get(`${r.test.agent}\u0000${r.test.name}`);
      const a = orig?.trace.join(" ; ") ?? "(missing)";
      const c = r.trace.join(" ; ");
      if (a !== c || (orig?.failures.length ?? -1) !== r.failures.length) {
        problems.push(`permutation ${round + 1}: test ${JSON.stringify(r.test.name)} on ${JSON.stringify(r.test.agent)} gave ${c || "(no calls)"}, originally ${a || "(no calls)"}`);
      }
    }
  }
  return { seed, rounds: SHUFFLE_ROUNDS, problems };
}

/** Order `file:line:col` positions by file, then numerically by line and column. */
function comparePositions(a: string, b: string): number {
  const pa = /^(.*):(\d+):(\d+)$/.exec(a);
  const pb = /^(.*):(\d+):(\d+)$/.exec(b);
  if (!pa || !pb) return a < b ? -1 : a > b ? 1 : 0;
  if (pa[1] !== pb[1]) return pa[1]! < pb[1]! ? -1 : 1;
  return Number(pa[2]) - Number(pb[2]) || Number(pa[3]) - Number(pb[3]);
}

/** Run `talonc test`; returns the exit status. */
export async function runTestCommand(path: string, opts: TestCommandOptions, io: TestIo): Promise<number> {
  const pre = new Diagnostics();
  const inputs = collectInputs(path, pre);
  if (pre.hasErrors) {
    io.stderr(renderDiagnostics(pre.sorted(), new Map()) + "\n");
    return 1;
  }
  const build = await buildForTest(inputs);
  const ir = build.result.ir;
  if (build.result.diagnostics.hasErrors || !ir || !build.bundle) {
    const ds = build.result.diagnostics.sorted();
    io.stderr(renderDiagnostics(ds, build.result.sources) + "\n\n" + summary(ds) + "\n");
    return 1;
  }
  const results = runTests(ir, build.bundle);
  const missed = opts.coverage ? uncovered(ir, results) : [];
  const seed = opts.shuffle === undefined ? undefined : (opts.shuffle ?? Math.floor(Math.random() * 2 ** 32));
  const shuffle = seed === undefined ? undefined : await shuffleCheck(inputs, ir, results, seed);
  const failed = results.filter((r) => r.failures.length > 0).length;
  const passed = results.length - failed;
  const ok = failed === 0 && (shuffle?.problems.length ?? 0) === 0;

  if (opts.json) {
    io.stdout(
      JSON.stringify(
        {
          tests: results.map((r) => ({ name: r.test.name, agent: r.test.agent, at: r.test.at, passed: r.failures.length === 0, calls: r.trace, failures: r.failures })),
          ...(opts.coverage ? { coverage: missed.map((m) => ({ code: "TAL0803", severity: "warning", at: m.at, rule: m.id })) } : {}),
          ...(shuffle ? { shuffle } : {}),
          passed,
          failed,
        },
        null,
        2,
      ) + "\n",
    );
    return ok ? 0 : 1;
  }
  const lines = results.flatMap((r) => r.failures.map((f) => ({ at: f.at, text: `${f.at}: error[${f.code}]: test ${JSON.stringify(r.test.name)}: ${f.message}\n` })));
  for (const l of lines.sort((a, b) => comparePositions(a.at, b.at))) io.stdout(l.text);
  for (const m of missed) io.stdout(`${m.at}: warning[TAL0803]: rule \`${m.id}\` never determining in any test\n`);
  if (shuffle) {
    for (const p of shuffle.problems) io.stdout(`error: shuffle seed ${shuffle.seed}: ${p}\n`);
    io.stdout(`shuffle seed ${shuffle.seed}: ${shuffle.rounds} permutation(s), ${shuffle.problems.length === 0 ? "same IR hash and results" : `${shuffle.problems.length} difference(s)`}\n`);
  }
  io.stdout(`${passed} passed, ${failed} failed\n`);
  return ok ? 0 : 1;
}
