/**
 * Test helper: compiles the `talon` CLI (and with it the evidence store) into `dist/` with the
 * project's tsconfig, exactly as `npx tsc -p tsconfig.json` would emit those files, so tests can
 * run the built files in child processes. Only the CLI's own import graph is compiled, so other
 * in-progress folders cannot break these tests. Files are written via rename, so test files
 * building in parallel never see a half-written module.
 */
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

/** Repository root. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/**
 * Compiles the import graphs of `roots` (paths relative to the repository) into `dist/`, and
 * returns the `file:` URL of each built root, by source path.
 */
export function buildModules(roots: readonly string[]): Record<string, string> {
  const configPath = path.join(ROOT, "tsconfig.json");
  const config = ts.readConfigFile(configPath, ts.sys.readFile);
  if (config.error) throw new Error(ts.flattenDiagnosticMessageText(config.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const program = ts.createProgram({ rootNames: roots.map((r) => path.join(ROOT, r)), options: parsed.options });
  const diagnostics = ts.getPreEmitDiagnostics(program);
  if (diagnostics.length > 0) {
    const host = { getCanonicalFileName: (f: string) => f, getCurrentDirectory: () => ROOT, getNewLine: () => "\n" };
    throw new Error(ts.formatDiagnostics(diagnostics, host));
  }
  program.emit(undefined, (fileName, text) => {
    fs.mkdirSync(path.dirname(fileName), { recursive: true });
    const tmp = `${fileName}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, text);
    fs.renameSync(tmp, fileName);
  });
  const out: Record<string, string> = {};
  for (const r of roots) out[r] = new URL(`file://${path.join(ROOT, "dist", r.replace(/\.ts$/, ".js"))}`).href;
  return out;
}

/** Builds and returns absolute paths of the built CLI and store modules. */
export function buildEvidenceCli(): { talonJs: string; storeJs: string } {
  buildModules(["runtime/cli/talon.ts"]);
  return {
    talonJs: path.join(ROOT, "dist/runtime/cli/talon.js"),
    storeJs: path.join(ROOT, "dist/runtime/evidence/store.js"),
  };
}
