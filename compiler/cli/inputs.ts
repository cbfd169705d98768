/**
 * What `talonc build|check|ir <dir>` compiles: every `*.talon` and `*.talon.yaml` directly inside
 * the directory (not recursive), sorted by name; their imports are followed by the load stage.
 * An unreadable path is TAL1102; a directory with no such file is TAL1103.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { Source } from "../source/source.js";

/** One input file: display path and text. */
export interface Input {
  readonly path: string;
  readonly text: string;
}

/** Is this a policy file name `talonc` picks up from a directory? */
export function isPolicyFile(name: string): boolean {
  return name.endsWith(".talon") || name.endsWith(".talon.yaml");
}

const nowhere = (path: string) => new Source(path, "").span(0, 0);

function readText(path: string, diags: Diagnostics): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch (e) {
    diags.report("TAL1102", nowhere(path), { args: { path, reason: (e as NodeJS.ErrnoException).code ?? String(e) } });
    return undefined;
  }
}

/** The inputs of a directory, or of a single file. */
export function collectInputs(path: string, diags: Diagnostics): Input[] {
  let isDir: boolean;
  try {
    isDir = statSync(path).isDirectory();
  } catch (e) {
    diags.report("TAL1102", nowhere(path), { args: { path, reason: (e as NodeJS.ErrnoException).code ?? String(e) } });
    return [];
  }
  if (!isDir) {
    const text = readText(path, diags);
    return text === undefined ? [] : [{ path, text }];
  }
  const names = readdirSync(path)
    .filter(isPolicyFile)
    .filter((n) => {
      try {
        return statSync(join(path, n)).isFile();
      } catch {
        return false;
      }
    })
    .sort();
  if (names.length === 0) {
    diags.report("TAL1103", nowhere(path), { args: { dir: path } });
    return [];
  }
  const inputs: Input[] = [];
  for (const n of names) {
    const p = join(path, n);
    const text = readText(p, diags);
    if (text !== undefined) inputs.push({ path: p, text });
  }
  return inputs;
}
