/**
 * `talon approvals`: list, show, approve and deny approval requests (LANGUAGE.md §7.1 step 8)
 * from a shell, beside a running server. It opens the same LMDB state store as the server
 * (`<data>/state`); a vote committed here is seen by the server's waiting call within its poll
 * interval.
 *
 * The approver names themself with `--as`: whoever can write the data directory is trusted, as
 * with every other file of the server. The admin HTTP API (runtime/admin) is the authenticated path.
 *
 * Exit codes: 0 success, 1 the request is unknown, the voter is not an approver, the request is
 * already decided or expired, or the store cannot be read; 2 usage.
 */
import path from "node:path";
import { APPROVAL_STATUSES, ApprovalQueue, isApprovalId, MAX_NOTE_LENGTH, type ApprovalFilter, type ApprovalRequest, type ApprovalStatus } from "../state/approvals.js";
import { StateStore } from "../state/state-store.js";
import type { LineSink } from "./audit.js";
import { parseFlags, UsageError } from "./flags.js";

export const APPROVALS_USAGE = `usage: talon approvals <subcommand> [options]

subcommands:
  list [--status pending|approved|denied|expired|executed|all] [--agent NAME] [--json]
                       approval requests, oldest first (default: pending)
  show <id> [--json]   one request with its arguments and votes
  approve <id> --as APPROVER [--note TEXT]
  deny <id> --as APPROVER [--note TEXT]

options (all subcommands):
  --data DIR           data directory of the server (default ./.talon)
  -h, --help           show this help`;

const stdoutLine: LineSink = (line) => void process.stdout.write(line + "\n");
const stderrLine: LineSink = (line) => void process.stderr.write(line + "\n");


/** Runs `talon approvals <argv…>` (argv excludes "approvals"); never throws. */
export async function runApprovals(argv: string[], out: LineSink = stdoutLine, err: LineSink = stderrLine, now: () => number = Date.now): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === "-h" || sub === "--help" || sub === "help") {
    (sub === undefined ? err : out)(APPROVALS_USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (!["list", "show", "approve", "deny"].includes(sub)) {
    err(`talon approvals: unknown subcommand "${sub}"`);
    err(APPROVALS_USAGE);
    return 2;
  }
  let args: Args;
  try {
    args = parse(sub, rest);
  } catch (e) {
    err(`talon approvals ${sub}: ${(e as Error).message}`);
    err("run `talon approvals --help` for the options");
    return 2;
  }
  if (args.help) {
    out(APPROVALS_USAGE);
    return 0;
  }
  if (!StateStore.exists(args.dataDir)) {
    err(`talon approvals ${sub}: no state store in ${args.dataDir} (expected ${path.join(args.dataDir, "state")}, written by \`talon serve --data DIR\`; set it with --data DIR)`);
    return 2;
  }
  let store: StateStore | null = null;
  try {
    store = StateStore.open(args.dataDir);
    const queue = new ApprovalQueue(store);
    switch (sub) {
      case "list":
        return await list(queue, args, out, err, now());
      case "show":
        return show(queue, args, out, err, now());
      default:
        return await vote(queue, sub as "approve" | "deny", args, out, err, now());
    }
  } catch (e) {
    err(`talon approvals ${sub}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store?.close();
  }
}

interface Args {
  dataDir: string;
  help: boolean;
  json: boolean;
  id: string;
  status: ApprovalStatus | "all";
  agent: string | undefined;
  as: string;
  note: string | undefined;
}

function parse(sub: string, argv: string[]): Args {
  const parsed = parseFlags(
    argv,
    {
      data: { type: "string" },
      status: { type: "string" },
      agent: { type: "string" },
      json: { type: "boolean" },
      as: { type: "string" },
      note: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
    true,
  );
  const { values, positionals } = parsed;
  const a: Args = {
    dataDir: path.resolve(values.data ?? "./.talon"),
    help: values.help === true,
    json: values.json === true,
    id: "",
    status: "pending",
    agent: values.agent,
    as: values.as ?? "",
    note: values.note,
  };
  if (a.help) return a;
  for (const flag of ["data", "agent", "as", "status"] as const) {
    if (values[flag] === "") throw new UsageError(`--${flag} needs a non-empty value`);
  }
  const allowed: Record<string, readonly string[]> = {
    list: ["data", "status", "agent", "json"],
    show: ["data", "json"],
    approve: ["data", "as", "note"],
    deny: ["data", "as", "note"],
  };
  for (const flag of Object.keys(values)) {
    if (flag !== "help" && !allowed[sub]!.includes(flag)) throw new UsageError(`--${flag} does not apply to ${sub}`);
  }
  if (sub === "list") {
    if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
    if (values.status !== undefined) {
      if (values.status !== "all" && !APPROVAL_STATUSES.includes(values.status as ApprovalStatus)) {
        throw new UsageError(`--status must be one of ${APPROVAL_STATUSES.join(", ")}, all; got "${values.status}"`);
      }
      a.status = values.status as ApprovalStatus | "all";
    }
    return a;
  }
  if (positionals.length === 0) throw new UsageError("missing approval id (see `talon approvals list`)");
  if (positionals.length > 1) throw new UsageError(`unexpected argument "${positionals[1]}"`);
  a.id = positionals[0]!;
  if (sub !== "show") {
    if (a.as === "") throw new UsageError("--as APPROVER is required: who approves or denies");
    if (a.note !== undefined && a.note.length > MAX_NOTE_LENGTH) throw new UsageError(`--note is longer than ${MAX_NOTE_LENGTH} characters`);
  }
  return a;
}

async function list(queue: ApprovalQueue, a: Args, out: LineSink, err: LineSink, now: number): Promise<number> {
  // Requests whose time ran out while no one waited on them read as what they are.
  await queue.expire(now);
  const filter: ApprovalFilter = { ...(a.status !== "all" ? { status: a.status } : {}), ...(a.agent !== undefined ? { agent: a.agent } : {}) };
  const reqs = queue.list(filter);
  if (a.json) {
    for (const r of reqs) out(JSON.stringify(r));
    if (reqs.length === 0) err("no approval requests match");
    return 0;
  }
  if (reqs.length === 0) {
    out(`no ${a.status === "all" ? "" : a.status + " "}approval requests${a.agent !== undefined ? ` for agent ${a.agent}` : ""}`);
    return 0;
  }
  const rows = reqs.map((r) => [
    r.id,
    duration(now - r.createdAt),
    r.agent,
    r.caller ?? "(anonymous)",
    r.tool,
    r.teams.join(",") || "-",
    r.status,
    `${approveCount(r)}/${r.quorum}`,
    r.status === "pending" ? duration(r.expiresAt - now) : "-",
  ]);
  for (const line of table(["ID", "AGE", "AGENT", "CALLER", "TOOL", "TEAMS", "STATUS", "VOTES", "EXPIRES IN"], rows)) out(line);
  return 0;
}

function show(queue: ApprovalQueue, a: Args, out: LineSink, err: LineSink, now: number): number {
  const r = lookup(queue, a.id, err, "show");
  if (!r) return 1;
  if (a.json) {
    out(JSON.stringify(r));
    return 0;
  }
  for (const line of describe(r, now)) out(line);
  return 0;
}

async function vote(queue: ApprovalQueue, decision: "approve" | "deny", a: Args, out: LineSink, err: LineSink, now: number): Promise<number> {
  if (!lookup(queue, a.id, err, decision)) return 1;
  const res = await queue.vote(a.id, a.as, decision, now, a.note);
  if (!res.ok) {
    err(`talon approvals ${decision}: ${res.message}`);
    return 1;
  }
  const r = res.request;
  if (res.repeated) out(`${a.as} had already voted ${decision} on ${r.id}; nothing changed (status ${r.status})`);
  else if (r.status === "pending") out(`${decision === "approve" ? "approved" : "denied"} by ${a.as}: ${r.id} has ${approveCount(r)}/${r.quorum} approvals; still pending`);
  else out(`${r.id} is now ${r.status} (${approveCount(r)}/${r.quorum} approvals)`);
  return 0;
}

function lookup(queue: ApprovalQueue, id: string, err: LineSink, sub: string): ApprovalRequest | undefined {
  const r = queue.get(id);
  if (!r) err(`talon approvals ${sub}: no approval request ${JSON.stringify(id)}${isApprovalId(id) ? "" : " (ids look like apr_ followed by 24 hex digits)"}`);
  return r;
}

function describe(r: ApprovalRequest, now: number): string[] {
  const lines = [
    `id:         ${r.id}`,
    `status:     ${r.status}${r.decidedAt !== undefined ? ` at ${iso(r.decidedAt)}` : ""}${r.executedAt !== undefined ? `, executed at ${iso(r.executedAt)}` : ""}`,
    `agent:      ${r.agent}`,
    `caller:     ${r.caller ?? "(anonymous)"}`,
    `tool:       ${r.tool}${r.upstreamTool !== r.tool ? ` (upstream ${r.upstreamTool})` : ""}`,
    `rules:      ${r.ruleIds.join(", ")}`,
    `teams:      ${r.teams.join(", ") || "-"}`,
    `approvers:  ${r.approvers.join(", ") || "-"} (quorum ${r.quorum}, ${r.wait})`,
    `created:    ${iso(r.createdAt)} (${duration(now - r.createdAt)} ago)`,
    `expires:    ${iso(r.expiresAt)}${r.status === "pending" ? ` (in ${duration(r.expiresAt - now)})` : ""}`,
    `hash:       ${r.hash}`,
    `votes:      ${r.votes.length === 0 ? "none" : ""}`,
  ];
  for (const v of r.votes) lines.push(`  ${v.decision.padEnd(7)} ${v.approver} at ${iso(v.at)}${v.note !== undefined ? `: ${v.note}` : ""}`);
  lines.push("arguments (as the upstream gets them, redacted):");
  for (const l of JSON.stringify(r.args, null, 2).split("\n")) lines.push("  " + l);
  return lines;
}

function approveCount(r: ApprovalRequest): number {
  return r.votes.filter((v) => v.decision === "approve").length;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** 45s, 12m, 3h5m, 2d4h; negative durations read as 0s. */
function duration(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 24) return m % 60 ? `${h}h${m % 60}m` : `${h}h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d}d${h % 24}h` : `${d}d`;
}

function table(head: string[], rows: string[][]): string[] {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join("  ");
  return [line(head), ...rows.map(line)];
}
