/**
 * Command-line parsing for `talonc`: a command, positional arguments and a fixed set of flags
 * (`-o/--out`, `--format`, `--canonical`, `--dump-after`, `--help`, `--version`). Anything else is
 * a usage error (exit 2).
 */

/** A parsed command line. */
export interface ParsedArgs {
  readonly command: string | undefined;
  readonly positional: readonly string[];
  readonly out?: string;
  readonly format?: string;
  readonly canonical: boolean;
  readonly dumpAfter?: string;
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
]);

/** Parse argv (without node and script); throws `UsageError`. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const values: Record<string, string> = {};
  let canonical = false;
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
    help,
    version,
    ...(values["out"] !== undefined ? { out: values["out"] } : {}),
    ...(values["format"] !== undefined ? { format: values["format"] } : {}),
    ...(values["dumpAfter"] !== undefined ? { dumpAfter: values["dumpAfter"] } : {}),
  };
}

/** `talonc --help`. */
export const USAGE = `talonc — the Talon policy compiler

Usage:
  talonc build <dir> -o <out>          compile <dir> into a bundle: policy.ts, policy.mjs, manifest.json, server.mjs
  talonc check <dir> [--format json]   report diagnostics only
  talonc ir <file|dir> [--canonical]   print the checked IR (--canonical: sorted, span-free JSON)

Options:
  --dump-after=<stage>   print what a stage produced: parse, check, ir, emit
  -h, --help             show this help
  --version              print the compiler version

<dir> means every *.talon and *.talon.yaml file directly inside it, plus their imports.
Exit status: 0 ok, 1 errors in the policy, 2 bad usage, 3 internal compiler error.
`;
