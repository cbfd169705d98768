/**
 * A deterministic, generated large policy for bench/suites/large-policy.ts: one agent made of
 * "domains" (`d000`, `d001`, …), each exposing six tools (exact names, renames and globs) and
 * carrying `RULES_PER_DOMAIN` rules of every kind — glob and conditional forbids, grants to
 * vendors, callers, teams and `anyone` with and without conditions (`==`, `>`, `in`, `matches`,
 * `has`, `??`, `exists`, `size`), limits, idempotency and redactions; one domain in eight also has
 * an `approve` and a `confirm`. 40 domains give 1,000 rules over 240 exposed tools, 40
 * principals (20 vendors, half of them with a `tools` boundary, and 20 callers) and 10 teams.
 *
 * The same text comes out for the same size, so timings compare across runs. `largeCalls` gives
 * the fixed call mix the suite times, with the decision each call must get.
 */
import type { Decision } from "../../runtime/hooks.js";

/** Rules each domain contributes. */
export const RULES_PER_DOMAIN = 25;
/** Domains of the full-size policy: 40 × 25 = 1,000 rules. */
export const FULL_DOMAINS = 40;
/** The agent's name. */
export const LARGE_AGENT = "large";

/** Shape of a generated policy: how many of each thing it declares. */
export interface LargeShape {
  readonly domains: number;
  readonly vendors: number;
  readonly callers: number;
  readonly teams: number;
}

/** Smallest size whose call mix has distinct domains for the plain and the approval/confirm calls. */
const MIN_DOMAINS = 4;

/** The shape for `domains` domains (≥ 4): half as many vendors and callers, a quarter as many teams. */
export function largeShape(domains: number): LargeShape {
  if (!Number.isInteger(domains) || domains < MIN_DOMAINS || domains > 999) {
    throw new Error(`large policy: domains must be an integer in ${MIN_DOMAINS}..999, got ${domains}`);
  }
  const half = Math.max(2, Math.floor(domains / 2));
  return { domains, vendors: half, callers: half, teams: Math.max(2, Math.floor(domains / 4)) };
}

const pad = (n: number) => String(n).padStart(3, "0");
const dom = (k: number) => `d${pad(k)}`;
const vendor = (i: number) => `vendor-${pad(i)}`;
const caller = (i: number) => `caller-${pad(i)}`;
const team = (i: number) => `t${pad(i)}`;

/** Domains with an `approve` and a `confirm` (one in eight). */
const overseen = (k: number) => k % 8 === 3;

/** Vendors with an even index carry a boundary: the domains they are the main vendor of. */
function vendorBoundary(s: LargeShape, v: number): string[] | null {
  if (v % 2 !== 0) return null;
  const refs: string[] = [];
  for (let k = v; k < s.domains; k += s.vendors) refs.push(`"${dom(k)}_*"`);
  return refs;
}

function principals(s: LargeShape): string[] {
  const out: string[] = ['team approvers { approvers "lead@acme.example", "deputy@acme.example" }'];
  for (let t = 0; t < s.teams; t++) {
    const members: string[] = [];
    for (let c = t; c < s.callers; c += s.teams) members.push(`"${caller(c)}"`);
    out.push(`team ${team(t)} { members ${members.join(", ")} }`);
  }
  for (let v = 0; v < s.vendors; v++) {
    const boundary = vendorBoundary(s, v);
    out.push(`vendor "${vendor(v)}" { token env("LARGE_VENDOR_${pad(v)}")${boundary === null ? "" : `  tools ${boundary.join(", ")}`} }`);
  }
  for (let c = 0; c < s.callers; c++) out.push(`caller "${caller(c)}" { token env("LARGE_CALLER_${pad(c)}") }`);
  return out;
}

function tools(k: number): string[] {
  const d = dom(k);
  return [
    `tool ${d}_search { class read }`,
    `tool ${d}_read -> "get_${d}" { class read }`,
    `tool ${d}_update -> "update_${d}" { class write }`,
    `tool ${d}_delete { class destructive }`,
    `tool "${d}_report_*" { class read }`,
    `tool "${d}_admin_*" { class destructive }`,
  ];
}

/** The domain's rules; exactly RULES_PER_DOMAIN of them. */
function rules(s: LargeShape, k: number): string[] {
  const d = dom(k);
  const v = vendor(k % s.vendors);
  const v2 = vendor((k + 1) % s.vendors);
  const v3 = vendor((k + 2) % s.vendors);
  const c = caller(k % s.callers);
  const c2 = caller((k + 1) % s.callers);
  const t = team(k % s.teams);
  const t2 = team((k + 1) % s.teams);
  const out = [
    // forbids: by glob, and conditional
    `@id("${d}-admin") @reason("admin tools are never exposed to agents") forbid tool "${d}_admin_*"`,
    `@id("${d}-bulk-delete") forbid tool ${d}_delete when args.ids.exists(i, i in 1..100) || (args.scope ?? "one") == "all"`,
    `forbid tool ${d}_update when (args.note ?? "") matches /^(drop|truncate)_/`,
    `forbid tool ${d}_update when args.ids.exists(i, i > 1000000)`,
    `forbid tool ${d}_search when size(args.query ?? "") > 512`,
    `forbid tool "${d}_report_export*" when caller.kind == "vendor" && !has(args.purpose)`,
    // grants to vendors
    `grant vendor "${v}" read on "${d}_*"`,
    `grant vendor "${v}" write on ${d}_update when args.priority in ["low", "normal"] && (args.impact ?? 0) < 500`,
    `grant vendor "${v2}" read on ${d}_search, ${d}_read`,
    `grant vendor "${v3}" read on ${d}_search when args.query matches /^[a-z0-9 ]{1,64}$/`,
    `grant vendor "${v}" write on "${d}_report_*" when caller.kind == "vendor" && args.format == "csv"`,
    // grants to callers and teams
    `grant caller "${c}" read, write on "${d}_*" when has(args.ticket) && args.ticket.region in regions`,
    `grant caller "${c}" destructive on ${d}_delete when caller.id == "${c}" && size(args.ids ?? []) <= 10`,
    `grant caller "${c2}" read on "${d}_*" when (args.limit ?? 10) <= 100`,
    `grant team ${t} all on "${d}_*" unless args.dry_run == true`,
    `grant team ${t2} read on ${d}_search, ${d}_read`,
    `grant anyone read on "${d}_report_*"`,
    // obligations
    `limit rate 100 per 1m burst 20 by caller on tool "${d}_*"`,
    `limit rate 10 per 1s by tool on tool ${d}_delete`,
    `idempotent tool ${d}_update window 10m on_duplicate replay`,
    `redact tickets[*].requester.email with hash in result on tool "${d}_*"`,
    `redact tickets[*].description matching /\\+?[0-9]{9,15}/ with mask in result on tool "${d}_*"`,
    `redact **.token with remove in result on tool ${d}_read`,
  ];
  if (overseen(k)) {
    out.push(
      `@id("${d}-approve") approve tool ${d}_update when args.impact > 1000 || args.priority == "urgent" by team approvers { timeout 30m }`,
      `@id("${d}-confirm") confirm tool ${d}_delete unless args.dry_run == true`,
    );
  } else {
    out.push(
      `grant vendor "${v}" read on "${d}_report_*" when args.format in ["csv", "json"]`,
      `redact tickets[*].requester.phone with mask_middle in result on tool ${d}_search, ${d}_read`,
    );
  }
  if (out.length !== RULES_PER_DOMAIN) throw new Error(`large policy: domain ${d} has ${out.length} rules, expected ${RULES_PER_DOMAIN}`);
  return out;
}

/** The policy text for `domains` domains (`domains × RULES_PER_DOMAIN` rules). */
export function largePolicy(domains = FULL_DOMAINS): string {
  const s = largeShape(domains);
  const lines = [
    "talon 1",
    `## Generated by bench/policy/large-policy.ts (${domains} domains, ${domains * RULES_PER_DOMAIN} rules); do not edit.`,
    'secret redaction_key = env("TALON_BENCH_REDACTION_KEY")',
    'const regions = ["eu", "uk", "ch"]',
    ...principals(s),
    `agent "${LARGE_AGENT}" {`,
    '  upstream "https://large.example/mcp"',
    "  posture read_write",
  ];
  for (let k = 0; k < domains; k++) lines.push(...tools(k).map((l) => `  ${l}`));
  for (let k = 0; k < domains; k++) lines.push(...rules(s, k).map((l) => `  ${l}`));
  lines.push("}", "");
  return lines.join("\n");
}

/** One call of the timed mix and the decision the policy prescribes for it. */
export interface LargeCall {
  readonly label: string;
  /** Principal id. */
  readonly as: string;
  readonly tool: string;
  readonly args: unknown;
  readonly expect: { readonly effect: Decision["effect"]; readonly reason: Decision["reason"]; readonly ruleId?: string };
}

/**
 * The call mix for a policy of `domains` domains. Plain calls go to the middle domain and the
 * approval/confirm calls to the last overseen one, so the engines cannot stop at the first rules.
 */
export function largeCalls(domains = FULL_DOMAINS): LargeCall[] {
  const s = largeShape(domains);
  let m = Math.floor(domains / 2);
  if (overseen(m)) m++;
  const a = 8 * Math.floor((domains - 4) / 8) + 3;
  const dm = dom(m);
  const da = dom(a);
  const vm = vendor(m % s.vendors);
  const cm = caller(m % s.callers);
  const ca = caller(a % s.callers);
  const eu = { region: "eu" };
  return [
    { label: "allowed, exact name", as: vm, tool: `${dm}_search`, args: { query: "esim activation" }, expect: { effect: "allow", reason: "allow" } },
    { label: "allowed, renamed", as: vm, tool: `${dm}_read`, args: { id: 7 }, expect: { effect: "allow", reason: "allow" } },
    { label: "forbidden by glob", as: vm, tool: `${dm}_admin_purge`, args: {}, expect: { effect: "deny", reason: "forbid", ruleId: `${dm}-admin` } },
    { label: "conditional forbid fires", as: cm, tool: `${dm}_delete`, args: { ids: [42] }, expect: { effect: "deny", reason: "forbid", ruleId: `${dm}-bulk-delete` } },
    { label: "conditional grant holds", as: cm, tool: `${dm}_update`, args: { ticket: eu, priority: "low", impact: 3, ids: [5] }, expect: { effect: "allow", reason: "allow" } },
    { label: "no grant", as: vm, tool: `${dm}_delete`, args: { ids: [500] }, expect: { effect: "deny", reason: "default:no_grant" } },
    { label: "unexposed", as: vm, tool: "zz_unlisted_export", args: {}, expect: { effect: "deny", reason: "default:not_exposed" } },
    { label: "approval pending", as: ca, tool: `${da}_update`, args: { ticket: eu, priority: "urgent", impact: 5000, ids: [5] }, expect: { effect: "pending", reason: "approval_required", ruleId: `${da}-approve` } },
    { label: "confirm pending", as: ca, tool: `${da}_delete`, args: { ids: [500], dry_run: false }, expect: { effect: "pending", reason: "confirm_required", ruleId: `${da}-confirm` } },
    { label: "malformed name", as: vm, tool: `${dm}_s\u00e9arch`, args: {}, expect: { effect: "deny", reason: "invalid_tool_name" } },
  ];
}
