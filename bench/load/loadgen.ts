/**
 * `node dist/bench/load/loadgen.js --url http://127.0.0.1:P/mcp [--concurrency 1] [--requests 10000]
 *   [--warmup 1000] [--token T] [--tool ticket_search] [--args '{"query":"…"}'] [--client raw|undici]
 *   [--max-seconds 0]`
 *
 * Opens one MCP session, sends `--warmup` unrecorded `tools/call`s, writes `phase measure` to
 * stderr, sends `--requests` recorded ones at fixed concurrency over keep-alive connections, writes
 * `phase done` to stderr, closes the session, and prints one JSON line on stdout:
 * `{reqPerSec, p50, p95, p99, max, errors, requests, concurrency, client, durationMs, cpuPct, firstError}`
 * (latencies in ms). `--max-seconds` caps the measured phase (and the warm-up at a fifth of it);
 * `requests` then reports how many completed. `cpuPct` is this process's own CPU use during the measured phase (100 = one
 * core), which tells whether the load generator itself was the bottleneck. It runs in its own
 * process so that it never shares an event loop with the server it measures.
 */
import { FlagError, intFlag, numberFlag, parseFlags, runMain, stringFlag } from "../flags.js";
import { createClient, DEFAULT_CLIENT, isClientKind } from "./http-client.js";
import { runPhase } from "./phase.js";
import { closeSession, openSession } from "./session.js";
import { summarize } from "./stats.js";

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), {
    url: "string",
    concurrency: "string",
    requests: "string",
    warmup: "string",
    token: "string",
    tool: "string",
    args: "string",
    client: "string",
    "max-seconds": "string",
  });
  const urlText = stringFlag(flags, "url", "");
  if (urlText === "") throw new FlagError("--url is required (e.g. --url http://127.0.0.1:8080/mcp)");
  const url = new URL(urlText);
  const concurrency = intFlag(flags, "concurrency", 1);
  if (concurrency < 1) throw new FlagError("--concurrency must be at least 1");
  const requests = intFlag(flags, "requests", 10_000);
  const warmup = intFlag(flags, "warmup", 1_000);
  const maxSeconds = flags.has("max-seconds") ? numberFlag(flags, "max-seconds", 1) : 0;
  const clientKind = stringFlag(flags, "client", DEFAULT_CLIENT);
  if (!isClientKind(clientKind)) throw new FlagError(`--client must be raw or undici, got '${clientKind}'`);
  let args: unknown;
  try {
    args = JSON.parse(stringFlag(flags, "args", '{"query":"eSIM activation issue"}'));
  } catch {
    throw new FlagError("--args must be JSON");
  }
  const paramsJson = JSON.stringify({ name: stringFlag(flags, "tool", "ticket_search"), arguments: args });

  const client = createClient(clientKind, url, concurrency);
  const path = url.pathname + url.search;
  try {
    const session = await openSession(client, path, stringFlag(flags, "token", ""));
    const plan = { path, headers: session.headers, paramsJson };
    // With --max-seconds, the warm-up gets a fifth of that budget, so a slow target cannot stretch it.
    const warmDeadline = maxSeconds > 0 ? process.hrtime.bigint() + BigInt(Math.round(maxSeconds * 2e8)) : 0n;
    const warm = await runPhase(client, plan, { total: warmup, concurrency, firstId: 1, deadlineNs: warmDeadline });
    process.stderr.write("phase measure\n");

    const latencies = new Float64Array(requests);
    const cpu0 = process.cpuUsage();
    const deadlineNs = maxSeconds > 0 ? process.hrtime.bigint() + BigInt(Math.round(maxSeconds * 1e9)) : 0n;
    const run = await runPhase(client, plan, {
      total: requests,
      concurrency,
      firstId: 1 + warmup,
      latenciesNs: latencies,
      deadlineNs,
    });
    const cpu = process.cpuUsage(cpu0);
    process.stderr.write("phase done\n");
    await closeSession(client, path, session);

    const summary = summarize(latencies, run.completed, run.wallNs);
    const report = {
      ...summary,
      errors: run.errors,
      requests: run.completed,
      concurrency,
      client: clientKind,
      durationMs: Math.round(run.wallNs / 1e6),
      cpuPct: run.wallNs > 0 ? Math.round(((cpu.user + cpu.system) * 1e3 * 100) / run.wallNs) : 0,
      warmupErrors: warm.errors,
      firstError: run.firstError ?? warm.firstError,
    };
    process.stdout.write(JSON.stringify(report) + "\n");
  } finally {
    await client.close();
  }
}

runMain("loadgen", main);
