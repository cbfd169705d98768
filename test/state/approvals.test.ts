import { afterEach, describe, expect, it } from "vitest";
import { ApprovalQueue } from "../../runtime/state/approvals.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { input, tempDataDir } from "./helpers.js";

const stores: StateStore[] = [];
function openStore(dir = tempDataDir()): StateStore {
  const s = StateStore.open(dir);
  stores.push(s);
  return s;
}
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

describe("ApprovalQueue", () => {
  it("creates durable pending requests with apr_ ids, lists and filters them", async () => {
    const dir = tempDataDir();
    const s = StateStore.open(dir);
    const q = new ApprovalQueue(s);
    const a = await q.create(input({ createdAt: 1, expiresAt: 100 }));
    const b = await q.create(input({ agent: "other", createdAt: 2, expiresAt: 100 }));
    expect(a.id).toMatch(/^apr_[0-9a-f]{24}$/);
    expect(a).toMatchObject({ status: "pending", votes: [], quorum: 2, args: { amount: 120 } });
    await s.close();
    const q2 = new ApprovalQueue(openStore(dir));
    expect(q2.get(a.id)).toEqual(a);
    expect(q2.get("apr_nope")).toBeUndefined();
    expect(q2.list().map((r) => r.id)).toEqual([a.id, b.id]);
    expect(q2.list({ agent: "other" }).map((r) => r.id)).toEqual([b.id]);
    expect(q2.list({ status: "approved" })).toEqual([]);
  });

  it("rejects malformed input", async () => {
    const q = new ApprovalQueue(openStore());
    await expect(q.create(input({ quorum: 0 }))).rejects.toThrow(/quorum/);
    await expect(q.create(input({ wait: "later" as "hold" }))).rejects.toThrow(/wait/);
    await expect(q.create(input({ expiresAt: 0, createdAt: 10 }))).rejects.toThrow(/expiresAt/);
  });

  it("quorum distinct approvals approve; repeats are not double counted; only approvers vote", async () => {
    const q = new ApprovalQueue(openStore());
    const r = await q.create(input());
    const now = r.createdAt + 10;
    expect(await q.vote(r.id, "mallory", "approve", now)).toMatchObject({ ok: false, error: "not_approver" });
    const first = await q.vote(r.id, "alice", "approve", now, "ok by me");
    expect(first).toMatchObject({ ok: true, repeated: false, request: { status: "pending" } });
    expect(await q.vote(r.id, "alice", "approve", now + 1)).toMatchObject({ ok: true, repeated: true, request: { status: "pending" } });
    const second = await q.vote(r.id, "bob", "approve", now + 2);
    expect(second).toMatchObject({ ok: true, request: { status: "approved", decidedAt: now + 2 } });
    if (!second.ok) throw new Error("unreachable");
    expect(second.request.votes).toEqual([
      { approver: "alice", decision: "approve", at: now, note: "ok by me" },
      { approver: "bob", decision: "approve", at: now + 2 },
    ]);
    expect(await q.vote(r.id, "carol", "deny", now + 3)).toMatchObject({ ok: false, error: "decided" });
    expect(await q.vote("apr_000000000000000000000000", "alice", "approve", now)).toMatchObject({ ok: false, error: "not_found" });
  });

  it("any deny denies (also after the same approver's approve)", async () => {
    const q = new ApprovalQueue(openStore());
    const r = await q.create(input());
    await q.vote(r.id, "alice", "approve", r.createdAt);
    const d = await q.vote(r.id, "alice", "deny", r.createdAt + 1, "wrong amount");
    expect(d).toMatchObject({ ok: true, request: { status: "denied", votes: [{ approver: "alice", decision: "deny", note: "wrong amount" }] } });
  });

  it("a vote after expiry is refused and marks the request expired", async () => {
    const q = new ApprovalQueue(openStore());
    const r = await q.create(input({ quorum: 1 }));
    expect(await q.vote(r.id, "alice", "approve", r.expiresAt)).toMatchObject({ ok: false, error: "expired" });
    expect(q.get(r.id)).toMatchObject({ status: "expired", votes: [] });
  });

  it("claimExecution: an approved request executes once, and only for its own hash", async () => {
    const q = new ApprovalQueue(openStore());
    const r = await q.create(input({ quorum: 1 }));
    expect(await q.claimExecution(r.id, r.hash)).toBe(false); // still pending
    await q.vote(r.id, "alice", "approve", r.createdAt);
    expect(await q.claimExecution(r.id, "other-hash")).toBe(false);
    const claims = await Promise.all([q.claimExecution(r.id, r.hash), q.claimExecution(r.id, r.hash), q.claimExecution(r.id, r.hash)]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(q.get(r.id)).toMatchObject({ status: "executed" });
    expect(await q.claimExecution(r.id, r.hash)).toBe(false);
  });

  it("waitFor wakes at once on an in-process vote", async () => {
    const q = new ApprovalQueue(openStore(), { pollMs: 60_000 });
    const r = await q.create(input({ quorum: 1 }));
    const started = Date.now();
    const waiting = q.waitFor(r.id, Date.now() + 30_000);
    setTimeout(() => void q.vote(r.id, "bob", "deny", Date.now()), 20);
    const done = await waiting;
    expect(done.status).toBe("denied");
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("waitFor sees a vote written through another queue instance by polling", async () => {
    const store = openStore();
    const q = new ApprovalQueue(store, { pollMs: 20 });
    const other = new ApprovalQueue(store);
    const r = await q.create(input({ quorum: 1 }));
    const waiting = q.waitFor(r.id, Date.now() + 30_000);
    await new Promise((res) => setTimeout(res, 50));
    await other.vote(r.id, "carol", "approve", Date.now());
    expect((await waiting).status).toBe("approved");
  });

  it("waitFor times out at untilMs with the request written as expired; abort and close reject", async () => {
    const q = new ApprovalQueue(openStore(), { pollMs: 10 });
    const r = await q.create(input());
    const done = await q.waitFor(r.id, Date.now() + 60);
    expect(done.status).toBe("expired");
    expect(q.get(r.id)?.status).toBe("expired");

    const r2 = await q.create(input());
    const ac = new AbortController();
    const w = q.waitFor(r2.id, Date.now() + 30_000, ac.signal);
    ac.abort(new Error("client went away"));
    await expect(w).rejects.toThrow(/client went away/);
    const w2 = q.waitFor(r2.id, Date.now() + 30_000);
    await new Promise((res) => setTimeout(res, 20));
    await q.close();
    await expect(w2).rejects.toThrow(/closed/);
    await expect(q.waitFor("apr_000000000000000000000000", Date.now() + 10)).rejects.toThrow(/closed/);
  });

  it("expire(now) marks only overdue pending requests", async () => {
    const q = new ApprovalQueue(openStore());
    const old = await q.create(input({ createdAt: 0, expiresAt: 10 }));
    const fresh = await q.create(input({ createdAt: 0, expiresAt: 1_000 }));
    expect(await q.expire(500)).toBe(1);
    expect(q.get(old.id)?.status).toBe("expired");
    expect(q.get(fresh.id)?.status).toBe("pending");
  });
});
