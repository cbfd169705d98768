/**
 * One-liner helpers for check tests: compile policy text through the real front ends and check,
 * then look at diagnostics as `"TAL0302 4:10"` strings (code, line, column).
 */
import { expect } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import type { LoadHost } from "../../compiler/check/imports.js";
import { compile, type CompileResult } from "../../compiler/pipeline.js";

/** Files by path; a plain string is one file `policy.talon`. */
export type Files = string | Readonly<Record<string, string>>;

/** An in-memory host serving `files` for imports. */
export function memoryHost(files: Readonly<Record<string, string>>): LoadHost {
  return {
    readFile: (p) => files[p.replace(/^\.\//, "")],
    listDir: (dir) => {
      const prefix = dir === "." ? "" : `${dir.replace(/\/$/, "")}/`;
      const names = Object.keys(files)
        .filter((f) => f.startsWith(prefix))
        .map((f) => f.slice(prefix.length).split("/")[0]!);
      return names.length > 0 ? [...new Set(names)] : undefined;
    },
  };
}

/** Compile to the IR. With a record, every file is an input unless `inputs` names the entry files. */
export function compileFiles(files: Files, inputs?: readonly string[]): CompileResult {
  const map = typeof files === "string" ? { "policy.talon": files } : files;
  const names = inputs ?? Object.keys(map).sort();
  return compile(
    names.map((path) => ({ path, text: map[path]! })),
    { host: memoryHost(map) },
  );
}

/** `"TAL0302 4:10"` for each diagnostic (optionally only the given codes), sorted by position. */
export function diagsAt(files: Files, codes?: readonly string[], inputs?: readonly string[]): string[] {
  return compileFiles(files, inputs)
    .diagnostics.sorted()
    .filter((d) => !codes || codes.includes(d.code))
    .map((d) => `${d.code} ${d.span.line}:${d.span.col}`);
}

/** All diagnostics (objects), for looking at messages, help and related spans. */
export function diagnostics(files: Files, inputs?: readonly string[]): Diagnostic[] {
  return compileFiles(files, inputs).diagnostics.sorted();
}

/** Assert the policy has no errors, and return its IR. */
export function expectValid(files: Files, inputs?: readonly string[]) {
  const r = compileFiles(files, inputs);
  const errors = r.diagnostics.sorted().filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.code} ${d.span.line}:${d.span.col} ${d.message}`)).toEqual([]);
  expect(r.ir).toBeDefined();
  return r.ir!;
}

/** A principal with a token, so agents are not anonymous (no TAL1005 noise). */
export const PRELUDE = `talon 1
vendor "v" { token env("V_TOKEN") }
`;
