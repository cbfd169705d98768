/**
 * A small command-line flag reader shared by the bench entry points (`--name value`,
 * `--name=value`, and bare boolean `--name`). Unknown flags and missing values are errors, so a
 * mistyped `--concurency 32` cannot silently run the default.
 */

/**
 * What each accepted flag takes. "optional" takes a value when the next argument is not itself a
 * flag (`--save mytag`), else reads as "" (`--save --quick`).
 */
export type FlagSpec = Readonly<Record<string, "string" | "boolean" | "optional">>;

/** Parsed flags: string flags map to their value, boolean flags to true. */
export type Flags = ReadonlyMap<string, string | true>;

/** A usage error, reported by the entry points as `<prog>: <message>` and exit code 2. */
export class FlagError extends Error {
  override readonly name = "FlagError";
}

/** Read `argv` (without node and script) against `spec`. */
export function parseFlags(argv: readonly string[], spec: FlagSpec): Flags {
  const out = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith("--")) throw new FlagError(`unexpected argument '${arg}'`);
    const eq = arg.indexOf("=");
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const kind = spec[name];
    if (kind === undefined) {
      throw new FlagError(`unknown flag '--${name}' (known: ${Object.keys(spec).map((k) => `--${k}`).join(" ")})`);
    }
    if (kind === "boolean") {
      if (eq !== -1) throw new FlagError(`flag '--${name}' takes no value`);
      out.set(name, true);
      continue;
    }
    if (kind === "optional" && eq === -1 && (argv[i + 1] === undefined || argv[i + 1]!.startsWith("--"))) {
      out.set(name, "");
      continue;
    }
    const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new FlagError(`flag '--${name}' needs a value`);
    out.set(name, value);
  }
  return out;
}

/** A string flag's value, or `fallback` when absent. */
export function stringFlag(flags: Flags, name: string, fallback: string): string {
  const v = flags.get(name);
  return typeof v === "string" ? v : fallback;
}

/** A non-negative integer flag (underscores allowed: `50_000`), or `fallback` when absent. */
export function intFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags.get(name);
  if (typeof v !== "string") return fallback;
  const cleaned = v.replaceAll("_", "");
  if (!/^\d+$/.test(cleaned)) throw new FlagError(`flag '--${name}' needs a non-negative integer, got '${v}'`);
  return Number(cleaned);
}

/** A positive number flag (fractions allowed), or `fallback` when absent. */
export function numberFlag(flags: Flags, name: string, fallback: number): number {
  const v = flags.get(name);
  if (typeof v !== "string") return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new FlagError(`flag '--${name}' needs a positive number, got '${v}'`);
  return n;
}

/** Run an entry point's main, turning errors into a one-line message and an exit code. */
export function runMain(prog: string, main: () => Promise<void>): void {
  main().catch((err: unknown) => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${prog}: ${message}\n`);
    process.exitCode = err instanceof FlagError ? 2 : 1;
  });
}
