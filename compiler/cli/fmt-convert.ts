/**
 * `talonc fmt <file|dir> [--check|--write]` and `talonc convert <vendor.yaml> [-o out.talon]`.
 * `fmt` on a directory formats every `*.talon` file in it (not recursive, like the compiler's
 * inputs; YAML is left alone). Exit status: 0 ok; 1 a file has errors, or `--check` found files
 * that would change; 2 bad usage.
 */
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isYamlPath } from "../check/imports.js";
import { convertYaml } from "../convert/convert.js";
import { renderDiagnostics, summary } from "../diagnostics/render.js";
import { formatTalon } from "../format/format.js";
import type { Source } from "../source/source.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { UsageError, type ParsedArgs } from "./args.js";
import type { TalonIo } from "./talonc.js";

function only(args: ParsedArgs, what: string): string {
  if (args.positional.length !== 1) throw new UsageError(`\`talonc ${args.command}\` takes one ${what}`);
  return args.positional[0]!;
}

function reportErrors(io: TalonIo, diags: Diagnostics, sources: Map<string, Source>): void {
  const ds = diags.sorted();
  if (ds.length > 0) io.stderr(renderDiagnostics(ds, sources) + "\n\n");
  io.stderr(summary(ds) + "\n");
}

/** The `.talon` files `fmt` works on; undefined (after reporting) when the path cannot be read. */
function fmtTargets(path: string, io: TalonIo): string[] | undefined {
  try {
    if (!statSync(path).isDirectory()) return [path];
    const files = readdirSync(path)
      .filter((n) => n.endsWith(".talon") && statSync(join(path, n)).isFile())
      .sort()
      .map((n) => join(path, n));
    if (files.length === 0) io.stderr(`talonc: no *.talon files in \`${path}\`\n`);
    return files.length === 0 ? undefined : files;
  } catch (e) {
    io.stderr(`talonc: cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return undefined;
  }
}

export function cmdFmt(args: ParsedArgs, io: TalonIo): number {
  const path = only(args, "file or directory");
  if (args.check && args.write) throw new UsageError("`--check` and `--write` exclude each other");
  if (args.out !== undefined || args.format !== undefined || args.canonical) throw new UsageError("`talonc fmt` takes only `--check` or `--write`");
  if (isYamlPath(path)) throw new UsageError("`talonc fmt` formats .talon files; `talonc convert` turns a vendor YAML into one");
  const files = fmtTargets(path, io);
  if (!files) return 1;
  let status = 0;
  const changed: string[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch (e) {
      io.stderr(`talonc: cannot read \`${file}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
      status = 1;
      continue;
    }
    const r = formatTalon(file, text);
    if (!r.ok) {
      reportErrors(io, r.diagnostics, new Map([[file, r.source]]));
      status = 1;
      continue;
    }
    if (r.text !== text) changed.push(file);
    if (args.write) {
      if (r.text !== text) writeFileSync(file, r.text);
    } else if (!args.check) io.stdout(r.text);
  }
  if (args.check) {
    for (const f of changed) io.stdout(`${f}\n`);
    if (changed.length > 0) {
      io.stderr(`talonc: ${changed.length} file(s) would be reformatted\n`);
      status = 1;
    }
  } else if (args.write) for (const f of changed) io.stderr(`formatted ${f}\n`);
  return status;
}

export function cmdConvert(args: ParsedArgs, io: TalonIo): number {
  const path = only(args, "vendor YAML file");
  if (args.check || args.write || args.format !== undefined || args.canonical) throw new UsageError("`talonc convert` takes only `-o <out.talon>`");
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    io.stderr(`talonc: cannot read \`${path}\`: ${(e as NodeJS.ErrnoException).code ?? String(e)}\n`);
    return 1;
  }
  const r = convertYaml(path, text, args.out);
  if (r.text === undefined) {
    reportErrors(io, r.diagnostics, r.sources);
    return 1;
  }
  if (args.out !== undefined) {
    writeFileSync(args.out, r.text);
    io.stderr(`wrote ${args.out}\n`);
  } else io.stdout(r.text);
  return 0;
}
