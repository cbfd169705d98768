/**
 * Helpers for the bench tests that run compiled bench scripts (the load generator and the fast
 * upstream always run as their own processes, on the Node that loads native uWebSockets.js).
 */
import { existsSync } from "node:fs";
import { startServer, type RunningServer } from "../../bench/e2e/processes.js";
import { benchNode } from "../../bench/node-binary.js";
import { FAST_UPSTREAM_JS, LOADGEN_JS } from "../../bench/paths.js";

/** Fail early, with the fix, when `npm run build` has not produced dist/bench yet. */
export function requireDist(): void {
  for (const file of [FAST_UPSTREAM_JS, LOADGEN_JS]) {
    if (!existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before these tests`);
  }
}

/** Start the compiled fast upstream in HTTP mode on a free port. */
export async function startFastUpstream(): Promise<{ server: RunningServer; url: string }> {
  requireDist();
  const server = await startServer("fast-upstream", benchNode(), [FAST_UPSTREAM_JS, "--port", "0"], {
    ready: /^listening (\d+)$/,
  });
  return { server, url: `http://127.0.0.1:${server.ready[1]}/mcp` };
}
