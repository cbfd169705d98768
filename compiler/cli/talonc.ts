#!/usr/bin/env node
/**
 * `talonc`: the compiler's command line (`build`, `check`, `ir`, `fmt`, `convert`). `runTalonc` is the whole program
 * as a function of argv and output sinks, so tests call it directly; the bottom of this file runs
 * it when the module is the process entry point.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { diagnosticsToJson, renderDiagnostics, summary } from "../diagnostics/render.js";
import { InternalEmitError } from "../emit/typecheck.js";
import { compilerVersion } from "../emit/version.js";
import { canonicalIr, printIr } from "../ir/print.js";
import { compile, STAGES, type CompileResult, type StageName } from "../pipeline.js";
import { USAGE, UsageError, parseArgs, type ParsedArgs } from "./args.js";
import { buildDir, writeBundle } from "./build.js";
import { cmdConvert, cmdFmt } from "./fmt-convert.js";
import { collectInputs } from "./inputs.js";
import { runExplain } from "../explain/command.js";
import { runTestCommand } from "../testing/command.js";

/** Where `talonc` writes. */
export interface TalonIo {
  stdout(text: string): void;
  stderr(text: string): void;
}

function report(io: TalonIo, r: CompileResult): void {
  const ds = r.diagnostics.sorted();
  if (ds.length > 0) io.stderr(renderDiagnostics(ds, r.sources) + "\n\n");
  io.stderr(summary(ds) + "\n");
}

function stageOf(args: ParsedArgs): StageName | undefined {
  if (args.dumpAfter === undefined) return undefined;
  const s = STAGES.find((st) => st.name === args.dumpAfter);
  if (!s) throw new UsageError(`unknown stage \`${args.dumpAfter}\` (stages: ${STAGES.map((x) => x.name).join(", ")})`);
  return s.name;
}

function dumper(io: TalonIo) {
  return (stage: StageName, text: string) => io.stdout(`=== after ${stage} ===\n${text}\n`);
}

function one(args: ParsedArgs, what: string): string {
  if (args.positional.length !== 1) throw new UsageError(`\`talonc ${args.command}\` takes one ${what}`);
  return args.positional[0]!;
}

function cmdBuild(args: ParsedArgs, io: TalonIo): number {
  const dir = one(args, "directory");
  if (args.out === undefined) throw new UsageError("`talonc build` needs `-o <out>`");
  const dumpAfter = stageOf(args);

  const { result, files } = buildDir(dir, args.out, dumpAfter ? { dumpAfter, onDump: dumper(io) } : {});
  report(io, result);
  if (!files) return 1;
  writeBundle(args.out, files);
  io.stdout(`wrote ${args.out} (bundle ${result.bundleHash})\n`);
  return 0;
}

function compileArg(args: ParsedArgs, io: TalonIo, until: StageName): CompileResult {
  const path = one(args, "file or directory");
  const dumpAfter = stageOf(args);
  const pre = new Diagnostics();
  const inputs = collectInputs(path, pre);
  if (pre.hasErrors) return { diagnostics: pre, sources: new Map(), timings: {} };
  const order = STAGES.map((s) => s.name);
  const last = dumpAfter && order.indexOf(dumpAfter) > order.indexOf(until) ? dumpAfter : until;
  return compile(inputs, { until: last, ...(dumpAfter ? { dumpAfter, onDump: dumper(io) } : {}) });
}

function cmdCheck(args: ParsedArgs, io: TalonIo): number {
  if (args.format !== undefined && args.format !== "json" && args.format !== "text") throw new UsageError(`unknown format \`${args.format}\` (json or text)`);
  const r = compileArg(args, io, "ir");
  if (args.format === "json") {
    const ds = r.diagnostics.sorted();
    io.stdout(JSON.stringify({ diagnostics: diagnosticsToJson(ds), summary: summary(ds) }, null, 2) + "\n");
  } else report(io, r);
  return r.diagnostics.hasErrors ? 1 : 0;
}

function cmdIr(args: ParsedArgs, io: TalonIo): number {
  const r = compileArg(args, io, "ir");
  const ds = r.diagnostics.sorted();
  if (r.diagnostics.hasErrors || !r.ir) {
    report(io, r);
    return 1;
  }
  if (ds.length > 0) io.stderr(renderDiagnostics(ds, r.sources) + "\n");
  io.stdout(args.canonical ? canonicalIr(r.ir) + "\n" : printIr(r.ir));
  return 0;
}

function formatJson(args: ParsedArgs): boolean {
  if (args.format !== undefined && args.format !== "json" && args.format !== "text") throw new UsageError(`unknown format \`${args.format}\` (json or text)`);
  return args.format === "json";
}

function cmdExplain(args: ParsedArgs, io: TalonIo): number {
  if (args.positional.length !== 3) throw new UsageError("`talonc explain` takes a file or directory, an agent and a tool");
  const [path, agent, tool] = args.positional as [string, string, string];
  return runExplain({ path, agent, tool, as: args.as, argsJson: args.argsJson, metaJson: args.metaJson, at: args.at, json: formatJson(args) }, io);
}

async function cmdTest(args: ParsedArgs, io: TalonIo): Promise<number> {
  const path = one(args, "file or directory");
  let shuffle: number | null | undefined;
  if (args.shuffle !== undefined) {
    if (args.shuffle !== "" && !/^\d{1,10}$/.test(args.shuffle)) throw new UsageError(`--shuffle seed must be a non-negative integer, got \`${args.shuffle}\``);
    shuffle = args.shuffle === "" ? null : Number(args.shuffle) >>> 0;
  }
  return runTestCommand(path, { coverage: args.coverage, shuffle, json: formatJson(args) }, io);
}

/** An exception from a command, as talonc reports it: usage (2) or internal error (3). */
function failure(e: unknown, io: TalonIo): number {
  if (e instanceof UsageError) {
    io.stderr(`talonc: ${e.message}\n\n${USAGE}`);
    return 2;
  }
  const msg = e instanceof InternalEmitError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
  io.stderr(`talonc: internal error (please report): ${msg}\n`);
  return 3;
}

/**
 * Run talonc, including the commands that must import generated code (`test`); returns the exit
 * status. The process entry point uses this one.
 */
export async function runTaloncAsync(argv: readonly string[], io: TalonIo): Promise<number> {
  let args: ParsedArgs;
  try {
    args = parseArgs(argv);
    if (args.command !== "test" || args.help || args.version) return runTalonc(argv, io);
    return await cmdTest(args, io);
  } catch (e) {
    return failure(e, io);
  }
}

/** Run talonc; returns the exit status. `talonc test` imports generated code: use `runTaloncAsync` for it. */
export function runTalonc(argv: readonly string[], io: TalonIo): number {
  try {
    const args = parseArgs(argv);
    if (args.help) {
      io.stdout(USAGE);
      return 0;
    }
    if (args.version) {
      io.stdout(`talonc ${compilerVersion()}\n`);
      return 0;
    }
    switch (args.command) {
      case "build":
        return cmdBuild(args, io);
      case "check":
        return cmdCheck(args, io);
      case "ir":
        return cmdIr(args, io);
      case "explain":
        return cmdExplain(args, io);
      case "test":
        throw new UsageError("`talonc test` runs asynchronously (it imports the generated bundle); call runTaloncAsync");
      case "fmt":
        return cmdFmt(args, io);
      case "convert":
        return cmdConvert(args, io);
      case undefined:
        throw new UsageError("missing command");
      default:
        throw new UsageError(`unknown command \`${args.command}\``);
    }
  } catch (e) {
    return failure(e, io);
  }
}

function isEntryPoint(): boolean {
  const main = process.argv[1];
  if (!main) return false;
  try {
    return import.meta.url === pathToFileURL(realpathSync(main)).href;
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  process.exitCode = await runTaloncAsync(process.argv.slice(2), {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}
