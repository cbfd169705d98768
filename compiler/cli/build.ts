/**
 * `talonc build`: compile a directory through every stage and produce the bundle's files in
 * memory; `writeBundle` then puts them on disk (each file written to a temporary name and renamed,
 * so a reader never sees half a file). Nothing is written when there are errors.
 */
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { buildManifest, bundleFiles, manifestNotes, type BundleFiles } from "../emit/bundle-files.js";
import { compilerVersion } from "../emit/version.js";
import { compile, type CompileOptions, type CompileResult } from "../pipeline.js";
import { collectInputs } from "./inputs.js";

/** The compilation and, when it succeeded, the bundle files. */
export interface BuildResult {
  readonly result: CompileResult;
  /** The bundle's files; undefined when the build failed. */
  readonly files?: BundleFiles;
}

/** Compile `dir` (its policy files and their imports) into bundle files. */
export function buildDir(dir: string, out: string, opts: Omit<CompileOptions, "until" | "regenerate"> = {}): BuildResult {
  const pre = new Diagnostics();
  const inputs = collectInputs(dir, pre);
  if (pre.hasErrors) return { result: { diagnostics: pre, sources: new Map(), timings: {} } };
  const result = compile(inputs, { ...opts, until: "emit", regenerate: { dir, out } });
  for (const d of pre.items) result.diagnostics.add(d);
  if (result.diagnostics.hasErrors || !result.ir || !result.policy || !result.bundleHash) return { result };
  const notes = manifestNotes(result.diagnostics.sorted());
  const manifest = buildManifest(result.ir, result.bundleHash, compilerVersion(), result.sources, resolve(dir), notes);
  return { result, files: bundleFiles(result.policy, manifest) };
}

/** Write bundle files into `out` (created if needed). */
export function writeBundle(out: string, files: BundleFiles): void {
  mkdirSync(out, { recursive: true });
  for (const [name, text] of Object.entries(files)) {
    const target = join(out, name);
    const tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    if (name === "server.mjs") chmodSync(tmp, 0o755);
    renameSync(tmp, target);
  }
}
