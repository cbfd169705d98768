/**
 * The benchmark proper, behind `bench/run.ts`: the micro-benchmark suites, then the end-to-end
 * load run (fast upstream direct, Talon over HTTP, Talon over stdio), printed as tables and
 * optionally saved under bench/results/<tag>/ (`e2e.json`, `decide.json`, `large-policy.json`,
 * `evidence.json`, `redact.json`).
 */
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runE2e, TARGETS, type E2eResult, type Target } from "./e2e/e2e.js";
import { formatMachine, machineInfo } from "./e2e/machine.js";
import { formatE2e } from "./e2e/table.js";
import { DEFAULT_CLIENT } from "./load/http-client.js";
import { FlagError, intFlag, numberFlag, parseFlags, stringFlag } from "./flags.js";
import { RESULTS_DIR } from "./paths.js";
import { formatConditions, runConditionsSuite } from "./suites/conditions.js";
import { formatDecide, runDecideSuite, type DecideTiming } from "./suites/decide.js";
import { formatEvidence, runEvidenceSuite, type EvidenceResult } from "./suites/evidence.js";
import { formatLargePolicy, runLargePolicySuite, type LargeResult } from "./suites/large-policy.js";
import { formatMetrics, runMetricsSuite } from "./suites/metrics.js";
import { formatRedact, timeRedact, type RedactTiming } from "./suites/redact.js";

function list(text: string): string[] {
  return text.split(",").map((s) => s.trim()).filter((s) => s !== "");
}

function saveTag(value: string | true | undefined): string | null {
  if (value === undefined) return null;
  const tag = value === true || value === "" ? new Date().toISOString().slice(0, 10) : value;
  if (!/^[A-Za-z0-9._-]+$/.test(tag) || tag.startsWith(".")) {
    throw new FlagError(`--save tag must be letters, digits, '.', '_' or '-', got '${tag}'`);
  }
  return tag;
}

/** Run the benchmark with command-line `argv` (see bench/run.ts); resolves to the exit code. */
export async function runBench(argv: readonly string[]): Promise<number> {
  const flags = parseFlags(argv, {
    quick: "boolean", save: "optional", "direct-only": "boolean", targets: "string", concurrency: "string",
    requests: "string", "max-seconds": "string", client: "string", "skip-suites": "boolean", "skip-e2e": "boolean",
  });
  const quick = flags.get("quick") === true;
  const directOnly = flags.get("direct-only") === true;
  const tag = saveTag(flags.get("save"));
  const targets = directOnly ? ["direct"] : list(stringFlag(flags, "targets", TARGETS.join(",")));
  for (const t of targets) {
    if (!(TARGETS as readonly string[]).includes(t)) throw new FlagError(`unknown target '${t}' (known: ${TARGETS.join(", ")})`);
  }
  const concurrencies = list(stringFlag(flags, "concurrency", "1,32")).map((c) => {
    if (!/^[1-9]\d*$/.test(c)) throw new FlagError(`--concurrency takes positive integers, got '${c}'`);
    return Number(c);
  });
  const fixedRequests = intFlag(flags, "requests", 0);
  const requestsAt = (c: number): number => fixedRequests || (c === 1 ? 20_000 : 50_000) / (quick ? 10 : 1);
  const maxSeconds = numberFlag(flags, "max-seconds", 20);
  const client = flags.has("client") ? stringFlag(flags, "client", "") : undefined;

  const machine = machineInfo();
  console.log(formatMachine(machine));
  let failed = false;

  /** Runs one suite and prints it; a suite that throws is reported and fails the run, the rest go on. */
  async function suite<T>(name: string, run: () => Promise<T>, format: (r: T) => string): Promise<T | null> {
    try {
      const r = await run();
      console.log(format(r));
      return r;
    } catch (err) {
      failed = true;
      console.log(`${name} suite: not run: ${err instanceof Error ? err.message : String(err)}`);
      return null;
    }
  }

  let decide: DecideTiming[] | null = null;
  let large: LargeResult | null = null;
  let evidence: EvidenceResult | null = null;
  let redact: RedactTiming[] | null = null;
  if (!directOnly && flags.get("skip-suites") !== true) {
    decide = await suite("decide", () => runDecideSuite(quick ? 200 : 500), formatDecide);
    await suite("conditions", () => runConditionsSuite(quick ? 100 : 300), formatConditions);
    redact = await suite("redaction", () => timeRedact(quick ? 300 : 1000), formatRedact);
    await suite("metrics", () => runMetricsSuite(quick ? 100 : 300), formatMetrics);
    evidence = await suite("evidence", () => runEvidenceSuite(quick ? 200 : 500, quick ? 5_000 : 20_000), formatEvidence);
    large = await suite("large-policy", () => runLargePolicySuite(quick ? 100 : 300), formatLargePolicy);
    // The performance target is a gate: margins are wide (two to three orders of
    // magnitude on the dev machine), so a miss means a regression, not noise.
    if (large !== null && !large.meetsTarget) failed = true;
  }

  let e2e: E2eResult | null = null;
  if (flags.get("skip-e2e") !== true) {
    const workDir = await mkdtemp(join(tmpdir(), "talon-bench-"));
    try {
      e2e = await runE2e({
        targets: targets as Target[], concurrencies, requestsAt, maxSeconds, client, workDir,
        log: (line) => console.log(`  ${line}`),
      });
    } finally {
      await rm(workDir, { recursive: true, force: true });
    }
    console.log(formatE2e(e2e.rows, e2e.failures));
    if (e2e.failures.length > 0 || e2e.rows.some((r) => r.report.errors > 0)) failed = true;
  }

  if (tag !== null) {
    const dir = join(RESULTS_DIR, tag);
    await mkdir(dir, { recursive: true });
    const meta = { tag, date: new Date().toISOString(), machine, quick, targets, concurrencies, maxSeconds, client: client ?? DEFAULT_CLIENT };
    if (e2e !== null) await writeFile(join(dir, "e2e.json"), JSON.stringify({ ...meta, ...e2e }, null, 2) + "\n");
    if (decide !== null) await writeFile(join(dir, "decide.json"), JSON.stringify({ ...meta, decide }, null, 2) + "\n");
    if (large !== null) await writeFile(join(dir, "large-policy.json"), JSON.stringify({ ...meta, largePolicy: large }, null, 2) + "\n");
    if (evidence !== null) await writeFile(join(dir, "evidence.json"), JSON.stringify({ ...meta, evidence }, null, 2) + "\n");
    if (redact !== null) await writeFile(join(dir, "redact.json"), JSON.stringify({ ...meta, redact }, null, 2) + "\n");
    console.log(`saved to ${dir}`);
  }
  return failed ? 1 : 0;
}
