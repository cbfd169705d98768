/**
 * Test helper: compiles the state modules into `dist/` (like test/runtime/evidence-build.ts does
 * for the CLI), so child processes can import them. Only their own import graph is compiled.
 */
import fs from "node:fs";
import path from "node:path";
import ts from "typescript";
import { ROOT } from "../runtime/evidence-build.js";

/** Builds the modules and returns the `file:` URL of each built root, by source path. */
export function buildState(roots: readonly string[]): Record<string, string> {
  const config = ts.readConfigFile(path.join(ROOT, "tsconfig.json"), ts.sys.readFile);
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
