/**
 * The compiler's public surface: the pipeline, the stages' entry points, the reference
 * interpreter and the bundle builder. The CLI (`cli/talonc.ts`) is a thin layer over these.
 */
export { compile, STAGES, type CompileOptions, type CompileResult, type StageName } from "./pipeline.js";
export { check } from "./check/check.js";
export { loadInputs, nodeHost, type LoadHost } from "./check/imports.js";
export { lowerProgram } from "./ir/from-ast.js";
export { canonicalIr, printIr, printExpr, printRule } from "./ir/print.js";
export { emitPolicy, type EmitOptions, type EmittedPolicy } from "./emit/emit.js";
export { bundleHash } from "./emit/bundle-hash.js";
export { buildManifest, bundleFiles, manifestNotes, serverModule, type BundleFiles } from "./emit/bundle-files.js";
export { compilerVersion } from "./emit/version.js";
export { decideRef, clientNameRef, resolveToolRef } from "./interp/decide.js";
export { buildDir, writeBundle } from "./cli/build.js";
export { collectInputs } from "./cli/inputs.js";
export { runTalonc } from "./cli/talonc.js";
export type { BundleIR } from "./ir/ir.js";
