/**
 * Several processes on one state store: the transactions that make confirm tokens single-use,
 * approvals execute once, and idempotency claims exclusive hold across processes, not only
 * inside one.
 */
import { execFile } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ApprovalQueue } from "../../runtime/state/approvals.js";
import { ConfirmTokens } from "../../runtime/state/confirm-tokens.js";
import { IdempotencyStore } from "../../runtime/state/idempotency.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { buildModules } from "../runtime/evidence-build.js";
import { input, tempDataDir } from "./helpers.js";

let urls: Record<string, string> = {};
let dataDir = "";
let store: StateStore;

beforeAll(() => {
  urls = buildModules(["runtime/state/state-store.ts", "runtime/state/approvals.ts", "runtime/state/confirm-tokens.ts", "runtime/state/idempotency.ts"]);
  dataDir = tempDataDir("talon-procs-");
  store = StateStore.open(dataDir);
});
afterAll(async () => {
  await store.close();
});

/** Runs an ES module body in a child process with `store` open on the data dir; resolves with its stdout. */
function child(body: string): Promise<string> {
  const script = `
    import { StateStore } from ${JSON.stringify(urls["runtime/state/state-store.ts"])};
    import { ApprovalQueue } from ${JSON.stringify(urls["runtime/state/approvals.ts"])};
    import { ConfirmTokens } from ${JSON.stringify(urls["runtime/state/confirm-tokens.ts"])};
    import { IdempotencyStore } from ${JSON.stringify(urls["runtime/state/idempotency.ts"])};
    const store = StateStore.open(${JSON.stringify(dataDir)});
    const result = await (async () => { ${body} })();
    await store.close();
    process.stdout.write(JSON.stringify(result));
  `;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) reject(new Error(`child failed: ${stderr || err.message}`));
      else resolve(stdout);
    });
  });
}

describe("state shared by processes", () => {
  it("a confirm token is redeemed by exactly one of several processes", async () => {
    const token = await new ConfirmTokens(store, { sweepEveryMs: 0 }).issue("h", Date.now());
    const body = `const ct = new ConfirmTokens(store, { sweepEveryMs: 0 }); return ct.redeem(${JSON.stringify(token)}, "h", Date.now());`;
    const results = await Promise.all([child(body), child(body), child(body), child(body)]);
    expect(results.filter((r) => r === "true")).toHaveLength(1);
  });

  it("an approval approved twice executes once across processes", async () => {
    const q = new ApprovalQueue(store);
    const r = await q.create(input({ quorum: 1 }));
    await q.vote(r.id, "alice", "approve", Date.now());
    const body = `const q = new ApprovalQueue(store); await q.vote(${JSON.stringify(r.id)}, "bob", "approve", Date.now()); return q.claimExecution(${JSON.stringify(r.id)}, ${JSON.stringify(r.hash)});`;
    const results = await Promise.all([child(body), child(body), child(body)]);
    expect(results.filter((x) => x === "true")).toHaveLength(1);
    expect(q.get(r.id)).toMatchObject({ status: "executed" });
    await q.close();
  });

  it("an idempotency key is claimed by one process; the others replay its result", async () => {
    const body = `
      const idem = new IdempotencyStore(store, { sweepEveryMs: 0, pollMs: 10 });
      const r = await idem.begin("order-42", "args", 60_000, Date.now());
      if (r.kind === "new") {
        await new Promise((res) => setTimeout(res, 150));
        await idem.complete("order-42", JSON.stringify({ by: process.pid }));
      }
      return r;`;
    const results = (await Promise.all([child(body), child(body), child(body), child(body)])).map((s) => JSON.parse(s) as { kind: string; resultJson?: string });
    expect(results.filter((r) => r.kind === "new")).toHaveLength(1);
    const replays = results.filter((r) => r.kind === "replay");
    expect(replays).toHaveLength(3);
    expect(new Set(replays.map((r) => r.resultJson)).size).toBe(1);
    // And this process sees the same entry.
    const mine = await new IdempotencyStore(store, { sweepEveryMs: 0 }).begin("order-42", "args", 60_000, Date.now());
    expect(mine).toMatchObject({ kind: "replay", resultJson: replays[0]!.resultJson });
  });
});
