/**
 * Where the compiler lives: the repository root (the nearest `package.json` named "talon" above this
 * module, so it works from `dist/` and from the TypeScript sources under vitest) and its version.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

interface RepoInfo {
  readonly root: string;
  readonly version: string;
}

let cached: RepoInfo | undefined;

/** The repository root and compiler version. Throws if the package cannot be found. */
export function repoInfo(): RepoInfo {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, "package.json");
    if (existsSync(pkg)) {
      const json = JSON.parse(readFileSync(pkg, "utf8")) as { name?: string; version?: string };
      if (json.name === "talon") {
        cached = { root: dir, version: json.version ?? "0.0.0" };
        return cached;
      }
    }
    const up = dirname(dir);
    if (up === dir) throw new Error("internal: cannot find the talon package.json above the compiler");
    dir = up;
  }
}

/** The compiler version (package.json `version`). */
export function compilerVersion(): string {
  return repoInfo().version;
}
