/**
 * Where things are, independent of whether this code runs compiled (`dist/bench/…`) or as
 * TypeScript under vitest (`bench/…`): the repository root is found by walking up to the
 * `package.json` that sits next to a `bench/` folder.
 */
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "bench"))) return dir;
    if (dirname(dir) === dir) throw new Error(`cannot find the repository root above ${start}`);
  }
}

/** The repository root. */
export const REPO_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** Compiled bench scripts (what `npm run build` writes from bench/*.ts). */
export const DIST_BENCH = join(REPO_ROOT, "dist", "bench");

/** The compiled load generator and fast upstream entry points. */
export const LOADGEN_JS = join(DIST_BENCH, "load", "loadgen.js");
export const FAST_UPSTREAM_JS = join(DIST_BENCH, "upstream", "fast-upstream.js");

/** The bench-only entry point that serves a bundle with evidence off (e2e/serve-without-evidence.ts). */
export const SERVE_WITHOUT_EVIDENCE_JS = join(DIST_BENCH, "e2e", "serve-without-evidence.js");

/** The Talon compiler CLI (built from compiler/cli/talonc.ts). */
export const TALONC_JS = join(REPO_ROOT, "dist", "compiler", "cli", "talonc.js");

/** The bench policy folder and its one file. */
export const POLICY_DIR = join(REPO_ROOT, "bench", "policy");
export const POLICY_FILE = join(POLICY_DIR, "bench.talon");

/** Where `--save <tag>` writes results. */
export const RESULTS_DIR = join(REPO_ROOT, "bench", "results");
