/**
 * `npm run bench` (= `npm run build && node dist/bench/run.js`): the micro-benchmark suites, then
 * the end-to-end load run (fast upstream direct, Talon over HTTP, Talon over stdio) at
 * concurrency 1 and 32, printed as one table (the work is in runner.ts).
 *
 * Flags: `--quick` (10x fewer requests), `--save [tag]` (write bench/results/<tag or date>/),
 * `--direct-only` (no Talon: suites skipped, direct target only), `--targets direct,talon-http,…`,
 * `--concurrency 1,32`, `--requests N` (every concurrency), `--max-seconds S` (cap per load run,
 * default 20), `--client raw|undici`, `--skip-suites`, `--skip-e2e`.
 * Exit code 1 when any part could not run (for example Talon not built yet), 2 for bad flags.
 *
 * Under `npm run`, `node` is node_modules/.bin/node (Node 22), for which uWebSockets.js has no
 * native addon; this entry then re-runs itself on a PATH node that has one (see node-binary.ts)
 * before loading anything that imports uWS, so every process of the benchmark runs on the same,
 * native-uWS Node.
 */
import { spawnSync } from "node:child_process";
import { runMain } from "./flags.js";
import { benchNode } from "./node-binary.js";

const SWITCHED = "TALON_BENCH_NODE_SWITCHED";

/** Re-run this script on `node` (once); returns false when already on it. */
function switchNode(node: string): boolean {
  if (node === process.execPath || process.env[SWITCHED] === "1") return false;
  console.log(`bench: ${process.execPath} (${process.version}) has no native uWebSockets.js; re-running on ${node}`);
  const r = spawnSync(node, [process.argv[1]!, ...process.argv.slice(2)], {
    stdio: "inherit",
    env: { ...process.env, [SWITCHED]: "1" },
  });
  process.exitCode = r.status ?? 1;
  return true;
}

runMain("bench", async () => {
  if (switchNode(benchNode())) return;
  // Loaded only now: it imports uWebSockets.js, which prints a warning on a Node without the addon.
  const { runBench } = await import("./runner.js");
  process.exitCode = await runBench(process.argv.slice(2));
});
