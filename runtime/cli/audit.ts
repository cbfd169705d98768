/**
 * `talon audit`: read, prove and maintain the evidence log.
 *
 *   list        matching tool-call records (or other kinds), seed format or JSON lines
 *   show ID     one entry, whole
 *   verify      walk the chain and its checkpoints (a store, or an export file)
 *   export      the chain as JSON Lines or CSV, verifiable offline
 *   checkpoint  print the newest signed checkpoint, to keep outside the store
 *   purge       apply the retention, leaving a signed anchor
 *   keygen      a new Ed25519 signing key for checkpoints
 *
 * Reading commands open the store read-only, so they run beside a live server. Exit codes: 0
 * success (also when nothing matches), 1 the store could not be read or did not verify, 2 usage
 * (unknown flag, bad value, missing data directory or store).
 */
import { formatEntry } from "../evidence/format.js";
import type { EntryFilter } from "../evidence/filter.js";
import { EVIDENCE_KINDS, type EvidenceKind } from "../evidence/record.js";
import { parseDuration } from "../helpers/duration.js";
import { AUDIT_CHAIN_USAGE, runChainCommand } from "./audit-chain.js";
import { parseTime, withStore } from "./audit-store.js";
import { parseFlags, UsageError } from "./flags.js";

const LIST_USAGE = `usage: talon audit list [options]

List evidence records (one per tools/call decision), oldest first.

options:
  --data DIR           data directory of the server (default ./.talon)
  --agent NAME         only records of this agent
  --tool NAME          only calls of this client tool name
  --decision allow|deny
  --caller ID          only calls of this principal
  --kind KIND          proxy_tool_call (default), proxy_tool_request, external_event, or all
  --last DURATION      only records from the last DURATION (500ms 30s 5m 24h 7d 2w 1h30m)
  --since TIME         only records at or after TIME (ISO 8601, or ms since epoch)
  --until TIME         only records before TIME
  --limit N            only the newest N matching records
  --json               one JSON record per line
  -h, --help           show this help`;

/** Usage text for `talon audit`. */
export const AUDIT_USAGE = `usage: talon audit <list|show|verify|export|checkpoint|purge|keygen> [options]

${LIST_USAGE.replace(/^usage: /, "")}

talon audit show ID [--data DIR] [--json]
                       one entry, whole
${AUDIT_CHAIN_USAGE}`;

export type { LineSink } from "./audit-store.js";
import type { LineSink } from "./audit-store.js";

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
  try {
    switch (sub) {
      case "list":
        return await list(rest, out, err);
      case "show":
        return await show(rest, out, err);
      case "verify":
      case "export":
      case "checkpoint":
      case "purge":
      case "keygen":
        return await runChainCommand(sub, rest, out, err);
      default:
        err(sub === undefined ? "talon audit: missing subcommand" : `talon audit: unknown subcommand "${sub}"`);
        err(AUDIT_USAGE);
        return 2;
    }
  } catch (e) {
    if (e instanceof UsageError) {
      err(`talon audit ${sub}: ${e.message}`);
      err(`run \`talon audit ${sub} --help\` for the options`);
      return 2;
    }
    err(`talon audit ${sub}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}

async function list(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values } = parseFlags(args, {
    data: { type: "string" },
    agent: { type: "string" },
    tool: { type: "string" },
    decision: { type: "string" },
    caller: { type: "string" },
    kind: { type: "string" },
    last: { type: "string" },
    since: { type: "string" },
    until: { type: "string" },
    limit: { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    out(LIST_USAGE);
    return 0;
  }
  for (const flag of ["data", "agent", "tool", "decision", "caller", "kind", "last", "since", "until", "limit"] as const) {
    if (values[flag] === "") throw new UsageError(`--${flag} needs a non-empty value`);
  }
  const filter: EntryFilter = { kind: "proxy_tool_call" };
  if (values.agent !== undefined) filter.agent = values.agent;
  if (values.tool !== undefined) filter.tool = values.tool;
  if (values.caller !== undefined) filter.caller = values.caller;
  if (values.decision !== undefined) {
    if (values.decision !== "allow" && values.decision !== "deny") throw new UsageError(`--decision must be allow or deny, got "${values.decision}"`);
    filter.decision = values.decision;
  }
  if (values.kind !== undefined) {
    if (values.kind === "all") delete filter.kind;
    else if (!EVIDENCE_KINDS.includes(values.kind as EvidenceKind)) throw new UsageError(`--kind must be one of ${EVIDENCE_KINDS.join(", ")}, all; got "${values.kind}"`);
    else filter.kind = values.kind as EvidenceKind;
  }
  if (values.last !== undefined) {
    if (values.since !== undefined) throw new UsageError("--last and --since cannot be combined");
    try {
      filter.since = Date.now() - parseDuration(values.last);
    } catch (e) {
      throw new UsageError(`--last: ${(e as Error).message}`);
    }
  }
  if (values.since !== undefined) filter.since = parseTime("--since", values.since);
  if (values.until !== undefined) filter.until = parseTime("--until", values.until);
  if (values.limit !== undefined) {
    if (!/^[0-9]{1,9}$/.test(values.limit)) throw new UsageError(`--limit must be a whole number, got "${values.limit}"`);
    filter.limit = Number(values.limit);
  }
  return withStore("list", values.data, err, (store) => {
    const entries = store.entries(filter);
    if (entries.length === 0) {
      // In --json mode stdout stays pure JSON lines; the note goes to stderr.
      (values.json ? err : out)("no evidence records match");
      return 0;
    }
    entries.forEach((e, i) => {
      if (values.json) return out(JSON.stringify(e));
      if (i > 0) out("");
      for (const line of formatEntry(e)) out(line);
    });
    return 0;
  });
}

async function show(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values, positionals } = parseFlags(args, { data: { type: "string" }, json: { type: "boolean" }, help: { type: "boolean", short: "h" } }, true);
  if (values.help) {
    out("usage: talon audit show ID [--data DIR] [--json]\n\nOne evidence entry, whole (as JSON), found by its id (evt_…) or sequence number.");
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? "missing entry id (evt_… or a sequence number)" : `unexpected argument "${positionals[1]}"`);
  const id = positionals[0]!;
  return withStore("show", values.data, err, (store) => {
    const bySeq = /^[0-9]{1,15}$/.test(id) ? Number(id) : null;
    for (const { seq, line } of store.lines()) {
      if (bySeq !== null ? seq !== bySeq : !line.startsWith(`{"id":${JSON.stringify(id)},`)) continue;
      const entry = JSON.parse(line) as Parameters<typeof formatEntry>[0];
      if (values.json) out(line);
      else {
        for (const l of formatEntry(entry)) out(l);
        out(JSON.stringify(entry, null, 2));
      }
      return 0;
    }
    err(`talon audit show: no entry ${id}`);
    return 1;
  });
}
