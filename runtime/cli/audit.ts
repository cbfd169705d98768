/**
 * `talon audit list`: read the evidence store and print matching records, in the seed's human
 * format or as JSON lines. Opens the store read-only, so it runs beside a live server.
 *
 * Exit codes: 0 success (also when nothing matches), 1 the store could not be read, 2 usage
 * (unknown flag, bad value, missing data directory or store).
 */
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { EvidenceStore } from "../evidence/store.js";
import { formatEvidence } from "../evidence/format.js";
import type { EvidenceFilter } from "../evidence/filter.js";
import { parseDuration } from "../helpers/duration.js";

/** Usage text for `talon audit`. */
export const AUDIT_USAGE = `usage: talon audit list [options]

List evidence records (one per tools/call decision), oldest first.

options:
  --data DIR           data directory of the server (default ./.talon)
  --agent NAME         only records of this agent
  --tool NAME          only calls of this client tool name
  --decision allow|deny
  --last DURATION      only records from the last DURATION (500ms 30s 5m 24h 7d 2w 1h30m)
  --limit N            only the newest N matching records
  --json               one JSON record per line
  -h, --help           show this help`;

/** A line sink; receives one line at a time, without a trailing newline. */
export type LineSink = (line: string) => void;

const stdoutLine: LineSink = (line) => void process.stdout.write(line + "\n");
const stderrLine: LineSink = (line) => void process.stderr.write(line + "\n");

/**
 * Runs `talon audit <argv…>` (argv excludes "audit") and returns the exit code. Records and help go
 * to `out`, errors to `err`; nothing throws, so the caller never prints a stack trace.
 */
export async function runAudit(argv: string[], out: LineSink = stdoutLine, err: LineSink = stderrLine): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === "-h" || sub === "--help" || sub === "help") {
    out(AUDIT_USAGE);
    return 0;
  }
  if (sub !== "list") {
    err(sub === undefined ? "talon audit: missing subcommand" : `talon audit: unknown subcommand "${sub}"`);
    err(AUDIT_USAGE);
    return 2;
  }
  const parsed = parseListArgs(rest);
  if (parsed === HELP) {
    out(AUDIT_USAGE);
    return 0;
  }
  if (typeof parsed === "string") {
    err(`talon audit list: ${parsed}`);
    err("run `talon audit list --help` for the options");
    return 2;
  }
  const storeFile = path.join(parsed.dataDir, "evidence.lmdb");
  if (!isDirectory(parsed.dataDir)) {
    err(`talon audit list: data directory ${parsed.dataDir} does not exist (set it with --data DIR)`);
    return 2;
  }
  if (!fs.existsSync(storeFile)) {
    err(`talon audit list: no evidence store in ${parsed.dataDir} (expected ${storeFile}, written by \`talon serve --data DIR\`)`);
    return 2;
  }
  let store: EvidenceStore | null = null;
  try {
    store = EvidenceStore.open(parsed.dataDir, { readOnly: true });
    const records = store.list(parsed.filter);
    if (records.length === 0) {
      // In --json mode stdout stays pure JSON lines; the note goes to stderr.
      (parsed.json ? err : out)("no evidence records match");
      return 0;
    }
    records.forEach((rec, i) => {
      if (parsed.json) return out(JSON.stringify(rec));
      if (i > 0) out("");
      for (const line of formatEvidence(rec)) out(line);
    });
    return 0;
  } catch (e) {
    err(`talon audit list: cannot read ${storeFile}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store?.close();
  }
}

interface ListArgs {
  dataDir: string;
  filter: EvidenceFilter;
  json: boolean;
}

const HELP = Symbol("help");

/** Flags of `talon audit list`, a one-line problem description, or HELP for -h/--help. */
function parseListArgs(args: string[]): ListArgs | string | typeof HELP {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: "string" },
        agent: { type: "string" },
        tool: { type: "string" },
        decision: { type: "string" },
        last: { type: "string" },
        limit: { type: "string" },
        json: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    // "argument missing" (at the end) and "argument is ambiguous" (followed by another flag) both mean this.
    const noValue = /^Option '(--[a-z]+)(?: <value>)?' argument (?:missing|is ambiguous)/.exec(message);
    if (noValue) return `${noValue[1]} needs a value`;
    // Node's messages go on with advice about "--" that does not apply here; keep the first sentence.
    return message.split(/\.\s|\n/)[0]!;
  }
  if (values.help) return HELP;
  for (const flag of ["data", "agent", "tool", "decision", "last", "limit"] as const) {
    if (values[flag] === "") return `--${flag} needs a non-empty value`;
  }
  const filter: EvidenceFilter = {};
  if (values.agent !== undefined) filter.agent = values.agent;
  if (values.tool !== undefined) filter.tool = values.tool;
  if (values.decision !== undefined) {
    if (values.decision !== "allow" && values.decision !== "deny") {
      return `--decision must be allow or deny, got "${values.decision}"`;
    }
    filter.decision = values.decision;
  }
  if (values.last !== undefined) {
    try {
      filter.since = Date.now() - parseDuration(values.last);
    } catch (e) {
      return `--last: ${(e as Error).message}`;
    }
  }
  if (values.limit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(values.limit)) return `--limit must be a whole number, got "${values.limit}"`;
    filter.limit = Number(values.limit);
  }
  return { dataDir: path.resolve(values.data ?? "./.talon"), filter, json: values.json === true };
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
