/**
 * Command-line parsing for `talonc`: a command, positional arguments and a fixed set of flags
 * (`-o/--out`, `--format`, `--canonical`, `--check`, `--write`, `--dump-after`, `--help`, `--version`). Anything else is
 * a usage error (exit 2).
 */

/** A parsed command line. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: readonly string[];
  readonly out?: string;
  readonly format?: string;
  readonly canonical: boolean;
  /** `talonc fmt --check`: list files that would change, exit 1 if any. */
  readonly check: boolean;
  /** `talonc fmt --write`: rewrite files in place. */
  readonly write: boolean;
  readonly dumpAfter?: string;
  /** `talonc test --coverage`: warn (TAL0803) about rules no test determined. */
  readonly coverage: boolean;
  /** `talonc test --shuffle[=seed]`: "" when no seed was given. */
  readonly shuffle?: string;
  /** `talonc explain --as <principal> --args '{…}' --meta '{…}' --at <ISO time>`. */
  readonly as?: string;
  readonly argsJson?: string;
  readonly metaJson?: string;
  readonly at?: string;
  readonly help: boolean;
  readonly version: boolean;
}

/** A bad command line; `message` says what is wrong. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

const VALUED = new Map([
  ["-o", "out"],
  ["--out", "out"],
  ["--format", "format"],
  ["--dump-after", "dumpAfter"],
  ["--as", "as"],
  ["--args", "argsJson"],
  ["--meta", "metaJson"],
  ["--at", "at"],
]);

/** Parse argv (without node and script); throws `UsageError`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let canonical = false;
  let coverage = false;
  let shuffle: string | undefined;
  let check = false;
  let write = false;
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const eq = arg.startsWith("--") ? arg.indexOf("=") : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const key = VALUED.get(flag);
    if (key) {
      const v = eq > 0 ? arg.slice(eq + 1) : argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag} needs a value`);
      if (key in values) throw new UsageError(`${flag} given twice`);
      values[key] = v;
    } else if (arg === "--canonical") canonical = true;
    else if (arg === "--coverage") coverage = true;
    else if (flag === "--shuffle") {
      if (shuffle !== undefined) throw new UsageError("--shuffle given twice");
      shuffle = eq > 0 ? arg.slice(eq + 1) : "";
    }
    else if (arg === "--check") check = true;
    else if (arg === "--write") write = true;
    else if (arg === "--help" || arg === "-h") help = true;
    else if (arg === "--version") version = true;
    else if (arg.startsWith("-") && arg !== "-") throw new UsageError(`unknown option \`${arg}\``);
    else positional.push(arg);
  }
  const [command, ...rest] = positional;
  return {
    command,
    positional: rest,
    canonical,
    check,
    write,
    help,
    version,
    ...(values["out"] !== undefined ? { out: values["out"] } : {}),
    ...(values["format"] !== undefined ? { format: values["format"] } : {}),
    ...(values["dumpAfter"] !== undefined ? { dumpAfter: values["dumpAfter"] } : {}),
    coverage,
    ...(shuffle !== undefined ? { shuffle } : {}),
    ...(values["as"] !== undefined ? { as: values["as"] } : {}),
    ...(values["argsJson"] !== undefined ? { argsJson: values["argsJson"] } : {}),
    ...(values["metaJson"] !== undefined ? { metaJson: values["metaJson"] } : {}),
    ...(values["at"] !== undefined ? { at: values["at"] } : {}),
  };
}

/** `talonc --help`. */
export const USAGE = `talonc — the Talon policy compiler

Usage:
  talonc build <dir> -o <out>          compile <dir> into a bundle: policy.ts, policy.mjs, manifest.json, server.mjs
  talonc check <dir> [--format json]   report diagnostics only
  talonc ir <file|dir> [--canonical]   print the checked IR (--canonical: sorted, span-free JSON)
  talonc test <file|dir> [--coverage] [--shuffle[=seed]] [--format json]
                                       run the policy's test blocks against the generated bundle
  talonc explain <file|dir> <agent> <tool> --as <principal> [--args '{…}'] [--meta '{…}'] [--at <ISO time>] [--format json]
                                       explain one decision with the reference interpreter
  talonc fmt <file|dir> [--check|--write]
                                       format .talon source (stdout; --write rewrites the files,
                                       --check lists files that would change and exits 1 if any)
  talonc convert <vendor.yaml> [-o <out.talon>]
                                       print the .talon form of a vendor YAML config (checked to
                                       give the same canonical IR)

Options:
  --dump-after=<stage>   print what a stage produced: parse, check, ir, emit
  -h, --help             show this help
  --version              print the compiler version

<dir> means every *.talon and *.talon.yaml file directly inside it, plus their imports.
Exit status: 0 ok, 1 errors in the policy, 2 bad usage, 3 internal compiler error.
`;
