/**
 * Runs the load generator in its own process against one target and samples the CPU use of the
 * target's processes over exactly the load generator's measured phase (it writes `phase measure`
 * to stderr when the warm-up is over and `phase done` before it closes its session, which may end
 * a per-session process such as Talon's stdio upstream).
 */
import { LOADGEN_JS } from "../paths.js";
import { sampleCpu, type CpuSample } from "./proc-cpu.js";
import { runCommand } from "./processes.js";
import { benchNode } from "../node-binary.js";

/** The JSON line the load generator prints (see bench/load/loadgen.ts). */
export interface LoadReport {
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly errors: number;
  readonly requests: number;
  readonly concurrency: number;
  readonly client: string;
  readonly durationMs: number;
  /** The load generator's own CPU during the measured phase (100 = one core). */
  readonly cpuPct: number;
  readonly warmupErrors: number;
  readonly firstError: string | null;
}

/** What to run. */
export interface LoadOptions {
  readonly url: string;
  readonly concurrency: number;
  readonly requests: number;
  readonly warmup: number;
  readonly token?: string;
  readonly client?: string;
  readonly maxSeconds?: number;
  /**
   * Processes whose CPU use is sampled during the measured phase, by role. Called when the
   * measured phase starts, so processes spawned lazily during the warm-up are found.
   */
  readonly watch?: () => Readonly<Record<string, number | undefined>>;
}

function isLoadReport(value: unknown): value is LoadReport {
  if (typeof value !== "object" || value === null) return false;
  const r = value as Record<string, unknown>;
  return ["reqPerSec", "p50", "p95", "p99", "max", "errors", "requests", "concurrency"].every(
    (k) => typeof r[k] === "number",
  );
}

/**
 * Run one load; returns its report and the CPU% of each watched role, plus `machine` for the whole
 * machine (null when unknown).
 */
export async function runLoad(opts: LoadOptions): Promise<{ report: LoadReport; cpu: Record<string, number | null> }> {
  const args = [
    LOADGEN_JS,
    "--url", opts.url,
    "--concurrency", String(opts.concurrency),
    "--requests", String(opts.requests),
    "--warmup", String(opts.warmup),
  ];
  if (opts.token !== undefined) args.push("--token", opts.token);
  if (opts.client !== undefined) args.push("--client", opts.client);
  if (opts.maxSeconds !== undefined && opts.maxSeconds > 0) args.push("--max-seconds", String(opts.maxSeconds));
  let roles: [string, number | undefined][] = [];
  let sample: CpuSample | null = null;
  let perPid = new Map<number, number | null>();
  const result = await runCommand(benchNode(), args, {
    onStderrLine: (line) => {
      if (opts.watch === undefined) return;
      if (line === "phase measure") {
        roles = Object.entries(opts.watch());
        sample = sampleCpu(roles.flatMap(([, pid]) => (pid === undefined ? [] : [pid])));
      } else if (line === "phase done" && sample !== null) {
        perPid = sample.stop();
      }
    },
  });
  const cpu: Record<string, number | null> = {};
  for (const [role, pid] of roles) cpu[role] = pid === undefined ? null : (perPid.get(pid) ?? null);
  cpu.machine = (sample as CpuSample | null)?.machinePct() ?? null;
  const last = result.stdout.trim().split("\n").pop() ?? "";
  let parsed: unknown = null;
  try {
    parsed = JSON.parse(last);
  } catch {
    // reported below
  }
  if (result.code !== 0 || !isLoadReport(parsed)) {
    throw new Error(
      `loadgen against ${opts.url} (c=${opts.concurrency}) failed (exit ${result.code}): ` +
        (result.stderr.replace(/^phase (measure|done)\n/gm, "").trim() || last || "no output"),
    );
  }
  return { report: parsed, cpu };
}
