import { execFile, spawnSync } from "node:child_process";
import os from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runApprovals } from "../../runtime/cli/approvals.js";
import { ApprovalQueue } from "../../runtime/state/approvals.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { buildEvidenceCli } from "../runtime/evidence-build.js";
import { input, tempDataDir } from "./helpers.js";

let talonJs = "";
let dataDir = "";
let store: StateStore;
let queue: ApprovalQueue;

beforeAll(() => {
  talonJs = buildEvidenceCli().talonJs;
  dataDir = tempDataDir("talon-approvals-cli-");
  store = StateStore.open(dataDir);
  queue = new ApprovalQueue(store, { pollMs: 25 });
});
afterAll(async () => {
  await queue.close();
  await store.close();
});

/** Runs the built CLI in a child process without blocking this event loop. */
function talon(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [talonJs, ...args], { cwd: os.tmpdir(), encoding: "utf8" }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === "number" ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe("talon approvals (child process, beside a live queue)", () => {
  it("approve from the CLI wakes a waiter in another process", async () => {
    const r = await queue.create(input({ quorum: 2 }));
    const waiting = queue.waitFor(r.id, Date.now() + 30_000);
    let settled = false;
    void waiting.then(() => (settled = true));

    const list = await talon("approvals", "list", "--data", dataDir);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^ID\s+AGE\s+AGENT\s+CALLER\s+TOOL\s+TEAMS\s+STATUS\s+VOTES\s+EXPIRES IN/);
    expect(list.stdout).toContain(r.id);
    expect(list.stdout).toMatch(new RegExp(`${r.id}\\s+\\d+s\\s+zendesk\\s+bot\\s+zendesk_refund\\s+finance\\s+pending\\s+0/2\\s+\\d+s`));

    const first = await talon("approvals", "approve", r.id, "--as", "alice", "--note", "fine", "--data", dataDir);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain("1/2 approvals; still pending");
    await new Promise((res) => setTimeout(res, 100));
    expect(settled).toBe(false);

    const second = await talon("approvals", "approve", r.id, "--as", "bob", "--data", dataDir);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain(`${r.id} is now approved`);
    const done = await waiting;
    expect(done.status).toBe("approved");
    expect(done.votes.map((v) => v.approver)).toEqual(["alice", "bob"]);
    expect(await queue.claimExecution(r.id, r.hash)).toBe(true);

    const show = await talon("approvals", "show", r.id, "--data", dataDir);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain("status:     executed");
    expect(show.stdout).toContain("approve alice at");
    expect(show.stdout).toContain('"email": "[REDACTED]"');
    const json = await talon("approvals", "show", r.id, "--json", "--data", dataDir);
    expect(JSON.parse(json.stdout)).toMatchObject({ id: r.id, status: "executed" });
  });

  it("deny from the CLI: the waiter sees denied; later votes are refused with exit 1", async () => {
    const r = await queue.create(input());
    const waiting = queue.waitFor(r.id, Date.now() + 30_000);
    const deny = await talon("approvals", "deny", r.id, "--as", "carol", "--note", "no", "--data", dataDir);
    expect(deny.code).toBe(0);
    expect((await waiting).status).toBe("denied");
    const late = await talon("approvals", "approve", r.id, "--as", "alice", "--data", dataDir);
    expect(late.code).toBe(1);
    expect(late.stderr).toContain("already denied");
  });

  it("clear errors: unknown id and non-approver exit 1, usage exits 2", async () => {
    const r = await queue.create(input());
    const cases: [string[], number, RegExp][] = [
      [["approvals", "approve", "apr_000000000000000000000000", "--as", "alice", "--data", dataDir], 1, /no approval request "apr_0+"/],
      [["approvals", "show", "nope", "--data", dataDir], 1, /ids look like apr_/],
      [["approvals", "approve", r.id, "--as", "mallory", "--data", dataDir], 1, /mallory is not an approver of .*alice, bob, carol/],
      [["approvals", "approve", r.id, "--data", dataDir], 2, /--as APPROVER is required/],
      [["approvals", "approve", "--as", "alice", "--data", dataDir], 2, /missing approval id/],
      [["approvals", "list", "--status", "maybe", "--data", dataDir], 2, /--status must be one of/],
      [["approvals", "list", "--as", "x", "--data", dataDir], 2, /--as does not apply to list/],
      [["approvals", "frobnicate"], 2, /unknown subcommand "frobnicate"/],
      [["approvals", "list", "--data", tempDataDir("talon-empty-")], 2, /no state store in/],
    ];
    for (const [args, code, message] of cases) {
      const got = await talon(...args);
      expect({ args, code: got.code }).toEqual({ args, code });
      expect(got.stderr).toMatch(message);
    }
    expect(queue.get(r.id)?.votes).toEqual([]);
  });

  it("list filters by status and agent, and --json prints one request per line", async () => {
    const other = await queue.create(input({ agent: "billing" }));
    const all = spawnSync(process.execPath, [talonJs, "approvals", "list", "--status", "all", "--json", "--data", dataDir], { encoding: "utf8" });
    expect(all.status).toBe(0);
    const rows = all.stdout.trim().split("\n").map((l) => JSON.parse(l) as { id: string; status: string });
    expect(rows.map((x) => x.status)).toEqual(expect.arrayContaining(["executed", "denied", "pending"]));
    const billing = spawnSync(process.execPath, [talonJs, "approvals", "list", "--agent", "billing", "--data", dataDir], { encoding: "utf8" });
    expect(billing.stdout.trim().split("\n")).toHaveLength(2);
    expect(billing.stdout).toContain(other.id);
    const none = spawnSync(process.execPath, [talonJs, "approvals", "list", "--status", "expired", "--data", dataDir], { encoding: "utf8" });
    expect(none.stdout.trim()).toBe("no expired approval requests");
  });

  it("runApprovals in process prints help and rejects a missing subcommand", async () => {
    const out: string[] = [];
    const err: string[] = [];
    expect(await runApprovals(["--help"], (l) => out.push(l), (l) => err.push(l))).toBe(0);
    expect(out.join("\n")).toContain("approve <id> --as APPROVER");
    expect(await runApprovals([], (l) => out.push(l), (l) => err.push(l))).toBe(2);
  });
});
