/**
 * The compiler as a table of stages, in order: parse (every input with its front end, and its imports) → check →
 * ir → emit. Each stage reads and writes the shared state, can dump what it produced
 * (`--dump-after=<stage>`), and is timed. A stage that reports an error stops the pipeline.
 */
import { Diagnostics } from "./diagnostics/diagnostic.js";
import type { FileAst } from "./lower/ast.js";
import type { Source } from "./source/source.js";
import { check } from "./check/check.js";
import { loadInputs, nodeHost, type LoadHost } from "./check/imports.js";
import type { Program } from "./check/program.js";
import { emitPolicy, type EmittedPolicy } from "./emit/emit.js";
import { bundleHash } from "./emit/bundle-hash.js";
import { compilerVersion } from "./emit/version.js";
import { lowerProgram } from "./ir/from-ast.js";
import type { BundleIR } from "./ir/ir.js";
import { printIr } from "./ir/print.js";

/** The stages, in order. */
export type StageName = "parse" | "check" | "ir" | "emit";

/** Options of `compile`. */
export interface CompileOptions {
  /** Last stage to run (default "ir"; "emit" also generates `policy.ts`/`policy.mjs`). */
  readonly until?: StageName;
  /** Called with a stage's dump after it runs (`--dump-after`). */
  readonly dumpAfter?: StageName;
  readonly onDump?: (stage: StageName, text: string) => void;
  /** File access for imports; default the real file system. */
  readonly host?: LoadHost;
  /** Header data for the emitted module. */
  readonly regenerate?: { readonly dir: string; readonly out: string };
  /** Type-check the emitted TypeScript (default true). */
  readonly typecheck?: boolean;
  /** Reorder the parsed files and declarations before check (`talonc test --shuffle`, §7.4). */
  readonly reorder?: (files: readonly FileAst[]) => FileAst[];
}

/** What `compile` returns: whatever the stages that ran produced, and all diagnostics. */
export interface CompileResult {
  readonly ir?: BundleIR;
  readonly policy?: EmittedPolicy;
  readonly bundleHash?: string;
  readonly diagnostics: Diagnostics;
  /** Sources by display path, for rendering diagnostics. */
  readonly sources: Map<string, Source>;
  /** Milliseconds per stage that ran. */
  readonly timings: Partial<Record<StageName, number>>;
}

interface State {
  readonly inputs: readonly { path: string; text: string }[];
  readonly opts: CompileOptions;
  readonly diags: Diagnostics;
  sources: Map<string, Source>;
  files?: FileAst[];
  program?: Program;
  ir?: BundleIR;
  hash?: string;
  policy?: EmittedPolicy;
}

interface Stage {
  readonly name: StageName;
  run(s: State): void;
  dump(s: State): string;
}

const json = (v: unknown) => JSON.stringify(v, (k, x: unknown) => (k === "span" ? undefined : x), 2);

/** The stage table. */
export const STAGES: readonly Stage[] = [
  {
    name: "parse",
    run(s) {
      const loaded = loadInputs(s.inputs, s.diags, s.opts.host ?? nodeHost);
      s.files = s.opts.reorder ? s.opts.reorder(loaded.files) : loaded.files;
      s.sources = loaded.sources;
    },
    dump: (s) => json(s.files),
  },
  {
    name: "check",
    run(s) {
      s.program = check(s.files!, s.diags);
    },
    dump: (s) => s.program!.agents.map((a) => `agent ${JSON.stringify(a.name)}: ${a.parts.length} part(s), ${a.tools.length} tool item(s), ${a.rules.length} rule(s)`).join("\n"),
  },
  {
    name: "ir",
    run(s) {
      const ir = lowerProgram(s.program!, s.diags);
      if (ir) {
        s.ir = ir;
        s.hash = bundleHash(ir, compilerVersion());
      }
    },
    dump: (s) => (s.ir ? printIr(s.ir) : "(no IR)"),
  },
  {
    name: "emit",
    run(s) {
      s.policy = emitPolicy(s.ir!, {
        compilerVersion: compilerVersion(),
        bundleHash: s.hash!,
        regenerate: s.opts.regenerate ?? { dir: "<dir>", out: "<out>" },
        ...(s.opts.typecheck !== undefined ? { typecheck: s.opts.typecheck } : {}),
      });
    },
    dump: (s) => s.policy?.policyTs ?? "",
  },
];

/** Compile inputs (display path + text). Stops after `opts.until` (default "ir") or the first stage with errors. */
export function compile(inputs: readonly { path: string; text: string }[], opts: CompileOptions = {}): CompileResult {
  const s: State = { inputs, opts, diags: new Diagnostics(), sources: new Map() };
  const timings: Partial<Record<StageName, number>> = {};
  const until = opts.until ?? "ir";
  for (const stage of STAGES) {
    const t0 = performance.now();
    stage.run(s);
    timings[stage.name] = performance.now() - t0;
    if (opts.dumpAfter === stage.name) opts.onDump?.(stage.name, stage.dump(s));
    if (s.diags.hasErrors || stage.name === until) break;
  }
  return {
    ...(s.ir ? { ir: s.ir } : {}),
    ...(s.policy ? { policy: s.policy } : {}),
    ...(s.hash ? { bundleHash: s.hash } : {}),
    diagnostics: s.diags,
    sources: s.sources,
    timings,
  };
}
