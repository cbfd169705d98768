/**
 * Type-checking the emitted `policy.ts` against the real `runtime/hooks.ts` before it ships: an
 * in-memory ts-morph project maps the module specifier `talon/runtime/hooks` to that file. A type
 * error here is a compiler bug, reported as an internal error that fails the build.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Project, ts } from "ts-morph";
import { repoInfo } from "./version.js";

/** Thrown when generated code does not type-check (a compiler bug, never a policy error). */
export class InternalEmitError extends Error {
  override readonly name = "InternalEmitError";
}

/** Type-check `policyTs`; throws `InternalEmitError` listing the errors. */
export function typecheckPolicy(policyTs: string): void {
  const project = new Project({
    useInMemoryFileSystem: true,
    compilerOptions: {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ES2022,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ["lib.es2022.d.ts"],
      types: [],
      baseUrl: "/",
      paths: { "talon/runtime/hooks": ["/talon/runtime/hooks.ts"] },
    },
  });
  project.createSourceFile("/talon/runtime/hooks.ts", readFileSync(join(repoInfo().root, "runtime", "hooks.ts"), "utf8"));
  project.createSourceFile("/bundle/policy.ts", policyTs);
  const diags = project.getPreEmitDiagnostics();
  if (diags.length === 0) return;
  const text = project.formatDiagnosticsWithColorAndContext(diags.slice(0, 10)).replace(/\u001b\[[0-9;]*m/g, "");
  throw new InternalEmitError(`generated policy.ts does not type-check (a talonc bug):\n${text}`);
}
