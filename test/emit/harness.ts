/**
 * Helpers for tests that run generated code: compile policy files through every stage, write the
 * emitted `policy.mjs` to a temporary directory and import it, and build principals for calls.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { expect } from "vitest";
import { bundleRuntime } from "../../runtime/helpers/bundle-runtime.js";
import type { BundleRuntime, CompiledAgent, Principal, PrincipalSpec } from "../../runtime/hooks.js";
import type { BundleIR } from "../../compiler/ir/ir.js";
import { compile, type CompileResult } from "../../compiler/pipeline.js";
import { memoryHost, type Files } from "../check/harness.js";

/** What the emitted module exports. */
export interface LoadedPolicy {
  readonly BUNDLE_HASH: string;
  readonly principals: readonly PrincipalSpec[];
  readonly agents: readonly CompiledAgent[];
  readonly bind: (rt: BundleRuntime) => void;
}

export interface Emitted {
  readonly result: CompileResult;
  readonly ir: BundleIR;
  readonly policyTs: string;
  readonly policyMjs: string;
}

/** Compile files through `emit`; fails the test on errors. */
export function emitFiles(files: Files, regenerate = { dir: "policy", out: "out" }): Emitted {
  const map = typeof files === "string" ? { "policy.talon": files } : files;
  const result = compile(
    Object.keys(map)
      .sort()
      .map((path) => ({ path, text: map[path]! })),
    { until: "emit", host: memoryHost(map), regenerate },
  );
  const errors = result.diagnostics.sorted().filter((d) => d.severity === "error");
  expect(errors.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.code} ${d.message}`)).toEqual([]);
  return { result, ir: result.ir!, policyTs: result.policy!.policyTs, policyMjs: result.policy!.policyMjs };
}

let dir: string | undefined;
let counter = 0;

/**
 * Import generated module text (each call gets its own file, so modules never share state), bound
 * to the runtime's matchers as `talon serve` binds it (`bind: false` leaves it unbound).
 */
export async function importPolicy(mjs: string, opts: { readonly bind?: boolean } = {}): Promise<LoadedPolicy> {
  dir ??= mkdtempSync(join(tmpdir(), "talon-emit-"));
  const file = join(dir, `policy-${process.pid}-${counter++}.mjs`);
  writeFileSync(file, mjs);
  const mod = (await import(pathToFileURL(file).href)) as LoadedPolicy;
  if (opts.bind !== false) mod.bind(bundleRuntime);
  return mod;
}

/** The runtime principal for a declared id, or the anonymous principal. */
export function principalFor(policy: LoadedPolicy, id: string): Principal {
  if (id === "anonymous") return { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
  const spec = policy.principals.find((p) => p.id === id);
  if (!spec) throw new Error(`no principal ${JSON.stringify(id)} in the bundle`);
  return { id: spec.id, kind: spec.kind, index: spec.index, teams: spec.teams };
}

/** A compiled agent by name. */
export function agentOf(policy: LoadedPolicy, name: string): CompiledAgent {
  const a = policy.agents.find((x) => x.name === name);
  if (!a) throw new Error(`no agent ${JSON.stringify(name)} in the bundle`);
  return a;
}
