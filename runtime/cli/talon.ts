#!/usr/bin/env node
/**
 * The `talon` bin: dispatches `talon serve …`, `talon audit …` and `talon approvals …`.
 *
 * `serve` is loaded with a dynamic import of `runtime/serve.js` (its `runServe(bundleDir, argv)`),
 * so `talon audit` works in builds without the server and the audit path never loads uWS.
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { runApprovals } from "./approvals.js";
import { runAudit, type LineSink } from "./audit.js";

/** Usage text for `talon`. */
export const TALON_USAGE = `usage: talon <command> [options]

commands:
  serve <bundleDir> [--host HOST] [--port PORT] [--data DIR]
                       run a compiled policy bundle (data, including evidence, in DIR; default ./.talon)
  audit list [--data DIR] [--agent NAME] [--tool T] [--decision allow|deny] [--last 5m] [--json]
                       list evidence records
  audit show|verify|export|checkpoint|purge|keygen …
                       one entry; prove the hash chain; export it; signed checkpoints; retention
  approvals list|show|approve|deny [--data DIR] …
                       review approval requests; approve <id> --as APPROVER [--note TEXT]
  help                 show this help

run \`talon audit --help\` or \`talon approvals --help\` for their options`;

/** The module `talon serve` loads; the lead's runtime/serve.ts implements it. */
interface ServeModule {
  runServe(bundleDir: string, argv: string[]): Promise<void>;
}

const stdoutLine: LineSink = (line) => void process.stdout.write(line + "\n");
const stderrLine: LineSink = (line) => void process.stderr.write(line + "\n");

/**
 * Runs `talon <argv…>` (argv excludes node and the script). Resolves with the exit code, or with
 * undefined after `serve` started: the server then owns the process and its exit code.
 */
export async function runTalon(argv: string[], out: LineSink = stdoutLine, err: LineSink = stderrLine): Promise<number | undefined> {
  const [command, ...rest] = argv;
  switch (command) {
    case "audit":
      return runAudit(rest, out, err);
    case "approvals":
      return runApprovals(rest, out, err);
    case "serve":
      return serve(rest, out, err);
    case "help":
    case "--help":
    case "-h":
      out(TALON_USAGE);
      return 0;
    case undefined:
      err(TALON_USAGE);
      return 2;
    default:
      err(`talon: unknown command "${command}"`);
      err(TALON_USAGE);
      return 2;
  }
}

async function serve(args: string[], out: LineSink, err: LineSink): Promise<number | undefined> {
  const [bundleDir, ...flags] = args;
  if (bundleDir === "--help" || bundleDir === "-h") {
    out("usage: talon serve <bundleDir> [--host HOST] [--port PORT] [--data DIR]");
    return 0;
  }
  if (bundleDir === undefined || bundleDir.startsWith("-")) {
    err("talon serve: missing bundle directory");
    err("usage: talon serve <bundleDir> [--host HOST] [--port PORT] [--data DIR]");
    return 2;
  }
  const serveUrl = new URL("../serve.js", import.meta.url);
  let mod: Partial<ServeModule>;
  try {
    mod = (await import(serveUrl.href)) as Partial<ServeModule>;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // Only a missing serve.js itself means "not in this build"; a missing dependency of it is a real error.
    if (code === "ERR_MODULE_NOT_FOUND" && String((e as Error).message).includes(fileURLToPath(serveUrl))) {
      err(`talon serve: not available in this build (${fileURLToPath(serveUrl)} is missing)`);
    } else {
      err(`talon serve: cannot load the server: ${messageOf(e)}`);
    }
    return 1;
  }
  if (typeof mod.runServe !== "function") {
    err(`talon serve: ${fileURLToPath(serveUrl)} does not export runServe(bundleDir, argv)`);
    return 1;
  }
  try {
    await mod.runServe(bundleDir, flags);
    return undefined;
  } catch (e) {
    err(`talon serve: ${messageOf(e)}`);
    return 1;
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** True when this file is the process entry (also through npm's bin symlink). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  runTalon(process.argv.slice(2)).then(
    (code) => {
      if (code !== undefined) process.exitCode = code;
    },
    (e: unknown) => {
      // runTalon reports its own errors; this is the last guard against a stack trace.
      stderrLine(`talon: ${messageOf(e)}`);
      process.exitCode = 1;
    },
  );
}
