/**
 * Compile policy inputs through every stage (the real pipeline) and import the *generated*
 * `policy.mjs`, so `talonc test` exercises the artifact that ships (§11). The module is written
 * to a fresh temporary directory, imported, and the directory removed; each import is a new
 * module instance, so tests never share module state.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { bundleRuntime } from "../../runtime/helpers/bundle-runtime.js";
import type { CompiledAgent, CompiledBundle, Principal, PrincipalSpec } from "../../runtime/hooks.js";
import type { FileAst } from "../lower/ast.js";
import { compile, type CompileResult } from "../pipeline.js";

/** What `talonc test` reads from the generated module. */
export interface LoadedBundle {
  readonly principals: readonly PrincipalSpec[];
  readonly agents: readonly CompiledAgent[];
}

/** A compilation and, when it succeeded, its imported module. */
export interface TestBuild {
  readonly result: CompileResult;
  readonly bundle?: LoadedBundle;
}

let counter = 0;

/** Import generated module text from a temporary file, bound to the runtime's matchers (as `talon serve` binds it). */
export async function importGenerated(mjs: string): Promise<LoadedBundle> {
  const dir = mkdtempSync(join(tmpdir(), "talonc-test-"));
  try {
    const file = join(dir, `policy-${process.pid}-${counter++}.mjs`);
    writeFileSync(file, mjs);
    const mod = (await import(pathToFileURL(file).href)) as LoadedBundle & Partial<Pick<CompiledBundle, "bind">>;
    mod.bind?.(bundleRuntime);
    return mod;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Compile and import the generated module. */
export async function buildForTest(
  inputs: readonly { path: string; text: string }[],
  opts: { readonly reorder?: (files: readonly FileAst[]) => FileAst[]; readonly typecheck?: boolean } = {},
): Promise<TestBuild> {
  const result = compile(inputs, {
    until: "emit",
    regenerate: { dir: "<test>", out: "<test>" },
    ...(opts.reorder ? { reorder: opts.reorder } : {}),
    // The emitted TypeScript is type-checked by `talonc build`; tests run the emitted JavaScript,
    // which is the same with or without that check, so it is off unless asked for.
    typecheck: opts.typecheck ?? false,
  });
  if (result.diagnostics.hasErrors || !result.policy) return { result };
  return { result, bundle: await importGenerated(result.policy.policyMjs) };
}

/** The runtime principal for a declared id, or the anonymous principal; undefined when undeclared. */
export function principalOf(bundle: LoadedBundle, id: string): Principal | undefined {
  if (id === "anonymous") return { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
  const spec = bundle.principals.find((p) => p.id === id);
  return spec ? { id: spec.id, kind: spec.kind, index: spec.index, teams: spec.teams } : undefined;
}
