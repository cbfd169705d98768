import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../runtime/cli/audit.js";
import { EvidenceStore, type EvidenceInput, type EvidenceRecord } from "../../runtime/evidence/store.js";
import { buildEvidenceCli } from "./evidence-build.js";

const NOW = Date.now();
let dataDir = "";
let recs: EvidenceRecord[] = [];

function base(over: Partial<EvidenceInput>): EvidenceInput {
  return {
    time: NOW,
    kind: "proxy_tool_call",
    agent: "zendesk-vendor-proxy",
    caller: "zendesk-ai-agent",
    callerKind: "vendor",
    session: "s1",
    tool: "zendesk_ticket_search",
    upstreamTool: "ticket_search",
    upstream: "zendesk-ai-vendor.com",
    decision: "allow",
    reason: "allow",
    ruleIds: ["grant-xyz"],
    message: "allowed by grant-xyz",
    bundleHash: "sha256:0f",
    latencyMs: 1.2344,
    outcome: "ok",
    ...over,
  };
}

beforeAll(async () => {
  dataDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "talon-audit-")), ".talon");
  const store = EvidenceStore.open(dataDir);
  recs = [
    await store.append(base({ time: NOW - 10 * 60_000 })),
    await store.append(
      base({
        time: NOW - 60_000,
        tool: "zendesk_ticket_delete",
        upstreamTool: null,
        decision: "deny",
        reason: "forbid",
        ruleIds: ["zd-forbidden"],
        message: "deleting tickets is forbidden",
        outcome: "denied",
        latencyMs: 0.05,
      }),
    ),
    await store.append(
      base({
        time: NOW - 30_000,
        agent: "other-agent",
        caller: null,
        callerKind: "anonymous",
        upstream: "node",
        upstreamTool: null,
        decision: "deny",
        reason: "default:no_grant",
        ruleIds: [],
        message: "no grant allows this call",
        outcome: "denied",
      }),
    ),
    await store.append(base({ time: NOW - 10_000, outcome: "upstream_error", error: "connect ECONNREFUSED", latencyMs: 12 })),
  ];
  await store.close();
});

async function audit(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAudit(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

const clock = (ms: number) => new Date(ms).toTimeString().slice(0, 8);

/** The four records as the human format prints them. */
function expected(): string[][] {
  const [r1, r2, r3, r4] = recs as [EvidenceRecord, EvidenceRecord, EvidenceRecord, EvidenceRecord];
  return [
    [
      `[${clock(r1.time)}] proxy_tool_call`,
      "  Tool: zendesk_ticket_search",
      "  Upstream: ticket_search (zendesk-ai-vendor.com)",
      "  Caller: zendesk-ai-agent (vendor)",
      "  Policy: ALLOWED (rule grant-xyz)",
      "  Latency: 1.234 ms",
      `  Evidence: ${r1.id}`,
    ],
    [
      `[${clock(r2.time)}] proxy_tool_call`,
      "  Tool: zendesk_ticket_delete",
      "  Upstream: zendesk-ai-vendor.com (not called)",
      "  Caller: zendesk-ai-agent (vendor)",
      "  Policy: DENIED (forbid zd-forbidden: deleting tickets is forbidden)",
      "  Latency: 0.050 ms",
      `  Evidence: ${r2.id}`,
    ],
    [
      `[${clock(r3.time)}] proxy_tool_call`,
      "  Tool: zendesk_ticket_search",
      "  Upstream: node (not called)",
      "  Caller: anonymous",
      "  Policy: DENIED (default:no_grant)",
      "  Latency: 1.234 ms",
      `  Evidence: ${r3.id}`,
    ],
    [
      `[${clock(r4.time)}] proxy_tool_call`,
      "  Tool: zendesk_ticket_search",
      "  Upstream: ticket_search (zendesk-ai-vendor.com)",
      "  Caller: zendesk-ai-agent (vendor)",
      "  Policy: ALLOWED (rule grant-xyz)",
      "  Outcome: upstream_error (connect ECONNREFUSED)",
      "  Latency: 12.000 ms",
      `  Evidence: ${r4.id}`,
    ],
  ];
}

/** Records joined the way the CLI separates them: one blank line between records. */
const joined = (blocks: string[][]) => blocks.flatMap((b, i) => (i === 0 ? b : ["", ...b]));

describe("talon audit list (in process)", () => {
  it("prints every record in the seed's format, oldest first", async () => {
    const r = await audit("list", "--data", dataDir);
    expect(r).toEqual({ code: 0, out: joined(expected()), err: [] });
  });

  it("--last 5m leaves out older records", async () => {
    const r = await audit("list", "--data", dataDir, "--last", "5m");
    expect(r.code).toBe(0);
    expect(r.out).toEqual(joined(expected().slice(1)));
  });

  it("filters by agent, tool, decision and limit", async () => {
    const [e1, e2, e3, e4] = expected() as [string[], string[], string[], string[]];
    expect((await audit("list", "--data", dataDir, "--agent", "zendesk-vendor-proxy", "--last", "5m")).out).toEqual(joined([e2, e4]));
    expect((await audit("list", "--data", dataDir, "--decision", "deny")).out).toEqual(joined([e2, e3]));
    expect((await audit("list", "--data", dataDir, "--tool", "zendesk_ticket_search", "--decision", "allow")).out).toEqual(joined([e1, e4]));
    expect((await audit("list", "--data", dataDir, "--limit", "1")).out).toEqual(e4);
  });

  it("--json prints one JSON record per line", async () => {
    const r = await audit("list", "--data", dataDir, "--json");
    expect(r.code).toBe(0);
    expect(r.out.map((l) => JSON.parse(l))).toEqual(recs);
  });

  it("reports an empty result and exits 0", async () => {
    expect(await audit("list", "--data", dataDir, "--agent", "nobody")).toEqual({ code: 0, out: ["no evidence records match"], err: [] });
    // In --json mode stdout stays JSON-only.
    expect(await audit("list", "--data", dataDir, "--agent", "nobody", "--json")).toEqual({
      code: 0,
      out: [],
      err: ["no evidence records match"],
    });
  });

  it.each([
    [["list", "--bogus"], /^talon audit list: Unknown option '--bogus'$/],
    [["list", "--json=yes"], /^talon audit list: Option '--json' does not take an argument$/],
    [["list", "--last", "5x"], /^talon audit list: --last: invalid duration "5x": unknown unit "x"/],
    [["list", "--last"], /^talon audit list: --last needs a value$/],
    [["list", "--last", "--json"], /^talon audit list: --last needs a value$/],
    [["list", "--decision", "maybe"], /^talon audit list: --decision must be allow or deny, got "maybe"$/],
    [["list", "--limit", "ten"], /^talon audit list: --limit must be a whole number, got "ten"$/],
    [["list", "--agent", ""], /^talon audit list: --agent needs a non-empty value$/],
    [["list", "extra"], /^talon audit list: Unexpected argument 'extra'$/],
    [[], /^talon audit: missing subcommand$/],
    [["frob"], /^talon audit: unknown subcommand "frob"$/],
  ])("usage error %j exits 2", async (argv, message) => {
    // --data goes first so that a flag at the end really is the last argument.
    const r = await audit(...(argv[0] === "list" ? ["list", "--data", dataDir, ...argv.slice(1)] : argv));
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err[0]).toMatch(message);
    if (argv[0] === "list") expect(r.err[1]).toBe("run `talon audit list --help` for the options");
  });

  it("exits 2 when the data directory or the store is missing", async () => {
    const missing = path.join(os.tmpdir(), "talon-audit-does-not-exist", "data");
    const r1 = await audit("list", "--data", missing);
    expect(r1).toEqual({ code: 2, out: [], err: [`talon audit list: data directory ${missing} does not exist (set it with --data DIR)`] });

    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "talon-audit-empty-"));
    const r2 = await audit("list", "--data", empty);
    expect(r2.code).toBe(2);
    expect(r2.err[0]).toMatch(/^talon audit list: no evidence store in .*talon-audit-empty-.* \(expected .*evidence\.lmdb/);
  });

  it("prints help on --help and exits 0", async () => {
    const r = await audit("list", "--help");
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^usage: talon audit list \[options\]/);
  });

  it("escapes control characters so a tool name cannot forge audit lines", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "talon-audit-hostile-"));
    const store = EvidenceStore.open(dir);
    await store.append(base({ tool: "evil\n  Policy: ALLOWED (rule forged)\u202e", decision: "deny", reason: "default:not_exposed", ruleIds: [] }));
    await store.close();
    const r = await audit("list", "--data", dir);
    expect(r.out).toHaveLength(7);
    expect(r.out[1]).toBe("  Tool: evil\\n  Policy: ALLOWED (rule forged)\\u202e");
    expect(r.out[4]).toBe("  Policy: DENIED (default:not_exposed)");
  });
});

describe("talon (built bin, child process)", () => {
  let talonJs = "";
  beforeAll(() => {
    talonJs = buildEvidenceCli().talonJs;
  });

  const talon = (args: string[], cwd?: string) =>
    spawnSync(process.execPath, [talonJs, ...args], { encoding: "utf8", cwd: cwd ?? os.tmpdir() });

  it("lists evidence while a writer holds the store open", async () => {
    const writer = EvidenceStore.open(dataDir, { name: "records" });
    try {
      const fresh = await writer.append(base({ time: Date.now(), tool: "zendesk_ticket_get" }));
      const run = talon(["audit", "list", "--data", dataDir, "--last", "5m", "--agent", "zendesk-vendor-proxy"]);
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);
      const lines = run.stdout.trimEnd().split("\n");
      const [, e2, , e4] = expected() as [string[], string[], string[], string[]];
      expect(lines.slice(0, 16)).toEqual(joined([e2, e4]));
      expect(lines.slice(16)).toEqual(["", `[${clock(fresh.time)}] proxy_tool_call`, "  Tool: zendesk_ticket_get", ...lines.slice(19)]);
      expect(lines.at(-1)).toBe(`  Evidence: ${fresh.id}`);
    } finally {
      await writer.close();
    }
  });

  it("reads ./.talon by default", () => {
    const run = talon(["audit", "list", "--json", "--limit", "1"], path.dirname(dataDir));
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).kind).toBe("proxy_tool_call");
  });

  it("exits 2 with a message, not a stack trace, on bad usage", () => {
    for (const args of [["audit", "list", "--bogus"], ["audit", "list", "--last", "soon"], ["frob"], [], ["serve"]]) {
      const run = talon(args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stdout).toBe("");
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(talon(["frob"]).stderr).toMatch(/^talon: unknown command "frob"\nusage: talon <command>/);
    expect(talon(["serve"]).stderr).toMatch(/^talon serve: missing bundle directory/);
    expect(talon(["audit", "list", "--data", path.join(os.tmpdir(), "talon-nope")]).status).toBe(2);
  });

  it("prints usage on --help", () => {
    const run = talon(["--help"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^usage: talon <command> \[options\]/);
    expect(run.stdout).toContain("audit list");
  });
});
