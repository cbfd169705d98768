/**
 * Building and starting Talon for the end-to-end run: the bench policy is copied into a temp dir
 * with its `upstream` line pointed at the fast upstream, compiled with `talonc build`, and the
 * bundle's `server.mjs` is started on a free port. Missing pieces (compiler or runtime not built
 * yet) raise `TalonUnavailable` with a message saying exactly what is missing.
 */
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { POLICY_FILE, SERVE_WITHOUT_EVIDENCE_JS, TALONC_JS } from "../paths.js";
import { runCommand, startServer, type RunningServer } from "./processes.js";
import { benchNode } from "../node-binary.js";

/** Talon cannot be benchmarked here; the message says what is missing. */
export class TalonUnavailable extends Error {
  override readonly name = "TalonUnavailable";
}

/** Where the bench agent's upstream is. */
export type UpstreamChoice =
  | { readonly kind: "http"; readonly url: string }
  | { readonly kind: "stdio"; readonly argv: readonly string[] };

// The placeholder line in bench/policy/bench.talon.
const UPSTREAM_LINE = /^([ \t]*)upstream[ \t]+"http:\/\/127\.0\.0\.1:\d+\/mcp"[ \t]*$/m;

/** A `.talon` string literal (the language's escapes are a subset of JSON's for these characters). */
function talonString(value: string): string {
  if (/[\u0000-\u001f\u007f]/.test(value)) throw new Error(`cannot put control characters in a policy string: ${JSON.stringify(value)}`);
  return `"${value.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/** The bench policy text with its upstream replaced. */
export function policyWithUpstream(policyText: string, upstream: UpstreamChoice): string {
  if (!UPSTREAM_LINE.test(policyText)) {
    throw new Error(`${POLICY_FILE}: no line 'upstream "http://127.0.0.1:<port>/mcp"' to rewrite`);
  }
  const spec =
    upstream.kind === "http"
      ? `upstream ${talonString(upstream.url)}`
      : `upstream stdio [${upstream.argv.map(talonString).join(", ")}]`;
  return policyText.replace(UPSTREAM_LINE, (_m, indent: string) => `${indent}${spec}`);
}

/** Run `talonc build <policyDir> -o <outDir>`; returns outDir. Diagnostics end up in the error. */
export async function buildBundle(policyDir: string, outDir: string): Promise<string> {
  if (!existsSync(TALONC_JS)) {
    throw new TalonUnavailable(`Talon compiler not built: ${TALONC_JS} is missing (it comes from compiler/cli/talonc.ts)`);
  }
  const res = await runCommand(benchNode(), [TALONC_JS, "build", policyDir, "-o", outDir]);
  if (res.code !== 0) {
    throw new Error(`talonc build ${policyDir} failed (exit ${res.code}):\n${(res.stderr + res.stdout).trim()}`);
  }
  if (!existsSync(join(outDir, "policy.mjs"))) {
    throw new Error(`talonc build succeeded but wrote no ${join(outDir, "policy.mjs")}`);
  }
  return outDir;
}

/** Write the bench policy for `upstream` under `workDir/policy` and build it to `workDir/bundle`. */
export async function buildBenchBundle(upstream: UpstreamChoice, workDir: string): Promise<string> {
  const policyDir = join(workDir, "policy");
  await mkdir(policyDir, { recursive: true });
  await writeFile(join(policyDir, "bench.talon"), policyWithUpstream(await readFile(POLICY_FILE, "utf8"), upstream));
  return buildBundle(policyDir, join(workDir, "bundle"));
}

/** A running Talon and its MCP endpoint. */
export interface RunningTalon extends RunningServer {
  readonly url: string;
}

/**
 * Start `<bundleDir>/server.mjs` on 127.0.0.1 with a free port; resolves on its `listening` line.
 * With `evidence: false`, the bundle is served by serve-without-evidence.js instead: the same
 * runtime with an evidence sink that records nothing (bench only).
 */
export async function startTalon(bundleDir: string, dataDir: string, env: NodeJS.ProcessEnv, opts: { evidence?: boolean } = {}): Promise<RunningTalon> {
  const server = join(bundleDir, "server.mjs");
  if (!existsSync(server)) {
    throw new TalonUnavailable(`Talon runtime entry missing: talonc wrote no ${server}`);
  }
  if (opts.evidence === false && !existsSync(SERVE_WITHOUT_EVIDENCE_JS)) {
    throw new TalonUnavailable(`bench not built: ${SERVE_WITHOUT_EVIDENCE_JS} is missing (run npm run build)`);
  }
  await mkdir(dataDir, { recursive: true });
  const entry = opts.evidence === false ? [SERVE_WITHOUT_EVIDENCE_JS, bundleDir] : [server];
  // TALON_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir /tmp/prof": profile Talon itself under load.
  const nodeArgs = (process.env.TALON_BENCH_NODE_ARGS ?? "").split(" ").filter((a) => a !== "");
  const running = await startServer(
    "talon",
    benchNode(),
    [...nodeArgs, ...entry, "--host", "127.0.0.1", "--port", "0", "--data", dataDir],
    { ready: /listening (http:\/\/\S+)/, env, timeoutMs: 20_000 },
  );
  return { ...running, url: running.ready[1]! };
}
