/**
 * The end-to-end run: the fast upstream alone, then Talon in front of it over HTTP, then the same
 * with evidence off (a bench-only launcher whose evidence sink records nothing, to show what the
 * store costs), then Talon in front of its stdio mode, each at every concurrency, with the load
 * generator in its own process.
 * A target that cannot run (Talon not built, build diagnostics, crash) is recorded as a failure
 * with its message and the run goes on with the next target.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { FAST_UPSTREAM_JS } from "../paths.js";
import { runLoad, type LoadReport } from "./load-run.js";
import { childPids } from "./proc-cpu.js";
import { startServer, type RunningServer } from "./processes.js";
import { buildBenchBundle, startTalon, type UpstreamChoice } from "./talon.js";
import { benchNode } from "../node-binary.js";

/** The things measured. */
export type Target = "direct" | "talon-http" | "talon-http-no-evidence" | "talon-stdio";
export const TARGETS: readonly Target[] = ["direct", "talon-http", "talon-http-no-evidence", "talon-stdio"];

/** One load run's outcome. */
export interface E2eRow {
  readonly target: Target;
  readonly concurrency: number;
  readonly report: LoadReport;
  /**
   * CPU% during the measured phase (100 = one core); null when unknown or not involved. `other` is
   * what the rest of the machine used meanwhile: when it is high, the run competed with other work.
   */
  readonly cpu: {
    readonly loadgen: number;
    readonly upstream: number | null;
    readonly talon: number | null;
    readonly other: number | null;
  };
  /** This row's req/s over the direct row's at the same concurrency; null for direct rows. */
  readonly ratio: number | null;
}

export interface E2eFailure {
  readonly target: Target;
  readonly message: string;
}

export interface E2eOptions {
  readonly targets: readonly Target[];
  readonly concurrencies: readonly number[];
  /** Measured requests at a concurrency (warm-up is a tenth of it). */
  readonly requestsAt: (concurrency: number) => number;
  /** Cap on one load run's measured phase, in seconds (0: none). */
  readonly maxSeconds: number;
  readonly client?: string;
  /** Scratch directory for policies, bundles and Talon's data. */
  readonly workDir: string;
  readonly log: (line: string) => void;
}

export interface E2eResult {
  readonly rows: E2eRow[];
  readonly failures: E2eFailure[];
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Run every requested target; never throws for a single target's failure. */
export async function runE2e(opts: E2eOptions): Promise<E2eResult> {
  const rows: E2eRow[] = [];
  const failures: E2eFailure[] = [];
  const upstream = await startServer("fast-upstream", benchNode(), [FAST_UPSTREAM_JS, "--port", "0"], {
    ready: /^listening (\d+)$/,
  });
  const upstreamUrl = `http://127.0.0.1:${upstream.ready[1]}/mcp`;
  opts.log(`fast upstream (pid ${upstream.pid}) at ${upstreamUrl}`);
  // The token and redaction key only need to match between Talon's env and the load generator.
  const token = randomBytes(24).toString("hex");
  const env = { ...process.env, TALON_BENCH_TOKEN: token, TALON_BENCH_REDACTION_KEY: randomBytes(32).toString("hex") };

  const measure = async (target: Target, url: string, auth: string | undefined, talon: RunningServer | null) => {
    for (const concurrency of opts.concurrencies) {
      const requests = opts.requestsAt(concurrency);
      opts.log(`${target} c=${concurrency}: ${requests} requests…`);
      // For stdio the upstream is Talon's child, found when the measured phase starts.
      const { report, cpu } = await runLoad({
        url, concurrency, requests, warmup: Math.max(100, Math.round(requests / 10)),
        token: auth, client: opts.client, maxSeconds: opts.maxSeconds,
        watch: () => ({
          upstream: target === "talon-stdio" && talon !== null ? childPids(talon.pid)[0] : upstream.pid,
          talon: talon?.pid,
        }),
      });
      const direct = rows.find((r) => r.target === "direct" && r.concurrency === concurrency);
      rows.push({
        target, concurrency, report,
        cpu: {
          loadgen: report.cpuPct,
          upstream: cpu.upstream ?? null,
          talon: cpu.talon ?? null,
          other: cpu.machine == null
            ? null
            : Math.max(0, cpu.machine - report.cpuPct - (cpu.upstream ?? 0) - (cpu.talon ?? 0)),
        },
        ratio: target === "direct" || direct === undefined || direct.report.reqPerSec === 0
          ? null
          : Math.round((report.reqPerSec / direct.report.reqPerSec) * 1000) / 1000,
      });
      if (report.errors > 0) opts.log(`  ${report.errors} errors; first: ${report.firstError}`);
    }
  };

  const viaTalon = async (target: Target, choice: UpstreamChoice, evidence = true): Promise<void> => {
    let talon: RunningServer | null = null;
    try {
      const dir = join(opts.workDir, target);
      const bundle = await buildBenchBundle(choice, dir);
      const started = await startTalon(bundle, join(dir, "data"), env, { evidence });
      talon = started;
      opts.log(`talon (pid ${started.pid}) at ${started.url}, upstream ${choice.kind}`);
      await measure(target, started.url, token, started);
    } catch (err) {
      failures.push({ target, message: describe(err) });
      opts.log(`${target}: FAILED: ${describe(err)}`);
    } finally {
      await talon?.stop();
    }
  };

  try {
    for (const target of opts.targets) {
      if (target === "direct") {
        await measure("direct", upstreamUrl, undefined, null).catch((err: unknown) => {
          failures.push({ target, message: describe(err) });
        });
      } else if (target === "talon-http") {
        await viaTalon(target, { kind: "http", url: upstreamUrl });
      } else if (target === "talon-http-no-evidence") {
        await viaTalon(target, { kind: "http", url: upstreamUrl }, false);
      } else {
        await viaTalon(target, { kind: "stdio", argv: [benchNode(), FAST_UPSTREAM_JS, "--stdio"] });
      }
    }
  } finally {
    await upstream.stop();
  }
  return { rows, failures };
}
