import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { callHash } from "../../runtime/state/call-hash.js";
import { ConfirmTokens } from "../../runtime/state/confirm-tokens.js";
import { IdempotencyStore } from "../../runtime/state/idempotency.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { SWEEP_BATCH, sweepExpired } from "../../runtime/state/sweep.js";
import { tempDataDir } from "./helpers.js";

const open: StateStore[] = [];
function openStore(dir = tempDataDir()): StateStore {
  const s = StateStore.open(dir);
  open.push(s);
  return s;
}
afterEach(async () => {
  for (const s of open.splice(0)) await s.close();
});

describe("callHash", () => {
  it("is the sha256 of RFC 8785 JSON: key order does not matter, every part does", () => {
    const h = callHash("bot", "zendesk", "ticket_update", { b: 1, a: [1, "x"] });
    expect(h).toMatch(/^[0-9a-f]{64}$/);
    expect(callHash("bot", "zendesk", "ticket_update", { a: [1, "x"], b: 1.0 })).toBe(h);
    expect(callHash(null, "zendesk", "ticket_update", { a: [1, "x"], b: 1 })).not.toBe(h);
    expect(callHash("bot", "other", "ticket_update", { a: [1, "x"], b: 1 })).not.toBe(h);
    expect(callHash("bot", "zendesk", "ticket_delete", { a: [1, "x"], b: 1 })).not.toBe(h);
    expect(callHash("bot", "zendesk", "ticket_update", { a: [1, "x"], b: 2 })).not.toBe(h);
    expect(callHash("bot", "a", "t", undefined)).toBe(callHash("bot", "a", "t", {}));
  });
});

describe("StateStore", () => {
  it("keeps its LMDB environment in <dataDir>/state, apart from evidence", () => {
    const dir = tempDataDir();
    expect(StateStore.exists(dir)).toBe(false);
    const s = openStore(dir);
    expect(s.path).toBe(path.join(path.resolve(dir), "state"));
    expect(fs.existsSync(path.join(dir, "state", "data.mdb"))).toBe(true);
    expect(StateStore.exists(dir)).toBe(true);
  });
});

describe("IdempotencyStore", () => {
  it("runs the first call, replays within the window, and is absent after it", async () => {
    const idem = new IdempotencyStore(openStore(), { sweepEveryMs: 0 });
    expect(await idem.begin("k1", "h1", 10_000, 1000)).toEqual({ kind: "new" });
    await idem.complete("k1", '{"content":[]}');
    expect(await idem.begin("k1", "h1", 10_000, 5000)).toEqual({ kind: "replay", resultJson: '{"content":[]}', at: 1000 });
    expect(await idem.begin("k1", "h2", 10_000, 5000)).toEqual({ kind: "conflict" });
    expect(await idem.begin("k1", "h2", 10_000, 11_000)).toEqual({ kind: "new" });
    await idem.abandon("k1");
  });

  it("an abandoned call leaves nothing: the retry runs as new", async () => {
    const idem = new IdempotencyStore(openStore(), { sweepEveryMs: 0 });
    expect((await idem.begin("k", "h", 60_000, 0)).kind).toBe("new");
    await idem.abandon("k");
    expect((await idem.begin("k", "h", 60_000, 1)).kind).toBe("new");
    await idem.complete("k", "1");
  });

  it("a concurrent duplicate waits for the first and then replays, or runs when it was abandoned", async () => {
    const idem = new IdempotencyStore(openStore(), { sweepEveryMs: 0 });
    expect((await idem.begin("k", "h", 60_000, 0)).kind).toBe("new");
    let second: unknown = "waiting";
    const p = idem.begin("k", "h", 60_000, 1).then((r) => (second = r));
    await new Promise((r) => setTimeout(r, 50));
    expect(second).toBe("waiting");
    await idem.complete("k", '"result"');
    await p;
    expect(second).toEqual({ kind: "replay", resultJson: '"result"', at: 0 });

    expect((await idem.begin("j", "h", 60_000, 0)).kind).toBe("new");
    const q = idem.begin("j", "h", 60_000, 1);
    const r = idem.begin("j", "h", 60_000, 1);
    await idem.abandon("j");
    // One of the two waiters runs, the other waits for it in turn.
    const first = await Promise.race([q, r]);
    expect(first).toEqual({ kind: "new" });
    await idem.complete("j", "2");
    const both = await Promise.all([q, r]);
    expect(both.map((b) => b.kind).sort()).toEqual(["new", "replay"]);
  });

  it("durable: another process (a fresh store on the same dir) replays; its pending claim is polled, stale ones are absent", async () => {
    const dir = tempDataDir();
    const a = new IdempotencyStore(openStore(dir), { sweepEveryMs: 0 });
    expect((await a.begin("k", "h", 60_000, Date.now())).kind).toBe("new");
    // Simulate a second process: lmdb-js shares the env within one process, so use a store whose
    // in-memory claims are separate — what a second process sees is only what LMDB holds.
    const b = new IdempotencyStore(open[0]!, { sweepEveryMs: 0, pollMs: 10, staleMs: 60_000 });
    let got: unknown = "waiting";
    const p = b.begin("k", "h", 60_000, Date.now()).then((r) => (got = r));
    await new Promise((r) => setTimeout(r, 60));
    expect(got).toBe("waiting");
    await a.complete("k", '"r"');
    await p;
    expect(got).toMatchObject({ kind: "replay", resultJson: '"r"' });

    // A claim left pending by a dead process is absent once stale.
    const dead = new IdempotencyStore(open[0]!, { sweepEveryMs: 0 });
    expect((await dead.begin("s", "h", 3_600_000, 0)).kind).toBe("new");
    const c = new IdempotencyStore(open[0]!, { sweepEveryMs: 0, staleMs: 1000 });
    expect(await c.begin("s", "h", 3_600_000, 2000)).toEqual({ kind: "new" });
    await c.complete("s", "x");
  });

  it("the sweeper deletes expired and stale entries, not live ones", async () => {
    const store = openStore();
    const idem = new IdempotencyStore(store, { sweepEveryMs: 0, staleMs: 500 });
    await idem.begin("old", "h", 1000, 0);
    await idem.complete("old", "1");
    await idem.begin("live", "h", 100_000, 0);
    await idem.complete("live", "2");
    const other = new IdempotencyStore(store, { sweepEveryMs: 0, staleMs: 500 });
    await other.begin("stale", "h", 100_000, 0); // pending, never completed
    expect(await idem.sweep(2000)).toBe(2);
    expect(await idem.begin("live", "h", 100_000, 2000)).toMatchObject({ kind: "replay" });
    await idem.close();
    await expect(idem.begin("x", "h", 1000, 0)).rejects.toThrow(/closed/);
  });

  it("rejects a window that is not a positive number", async () => {
    const idem = new IdempotencyStore(openStore(), { sweepEveryMs: 0 });
    await expect(idem.begin("k", "h", 0, 0)).rejects.toThrow(/windowMs/);
  });
});

describe("ConfirmTokens", () => {
  it("issues 256-bit single-use tokens bound to the hash that expire after 5 minutes", async () => {
    const ct = new ConfirmTokens(openStore(), { sweepEveryMs: 0 });
    const t = await ct.issue("hash-a", 0);
    expect(t).toMatch(/^ct_[0-9a-f]{64}$/);
    expect(await ct.redeem(t, "hash-b", 1)).toBe(false); // another call
    expect(await ct.redeem(t, "hash-a", 1)).toBe(true);
    expect(await ct.redeem(t, "hash-a", 2)).toBe(false); // used
    const late = await ct.issue("hash-a", 0);
    expect(await ct.redeem(late, "hash-a", 5 * 60_000)).toBe(false);
    expect(await ct.redeem("ct_nothex", "hash-a", 0)).toBe(false);
    expect(await ct.redeem("", "hash-a", 0)).toBe(false);
  });

  it("two concurrent redemptions: exactly one wins; tokens survive reopening; sweep removes expired", async () => {
    const dir = tempDataDir();
    const s1 = StateStore.open(dir);
    const ct = new ConfirmTokens(s1, { sweepEveryMs: 0 });
    const t = await ct.issue("h", 0);
    const t2 = await ct.issue("h", 0);
    await s1.close();
    const ct2 = new ConfirmTokens(openStore(dir), { sweepEveryMs: 0 });
    const wins = await Promise.all([ct2.redeem(t, "h", 1), ct2.redeem(t, "h", 1), ct2.redeem(t, "h", 1)]);
    expect(wins.filter(Boolean)).toHaveLength(1);
    expect(await ct2.sweep(10 * 60_000)).toBe(1);
    expect(await ct2.redeem(t2, "h", 2)).toBe(false);
  });
});

describe("sweepExpired", () => {
  it("deletes in batches and keeps entries that are live again by the time their batch runs", async () => {
    const db = openStore().db<{ expiresAt: number }>("confirm");
    const n = SWEEP_BATCH * 2 + 7;
    await db.transaction(() => {
      for (let i = 0; i < n; i++) db.putSync(`k${String(i).padStart(6, "0")}`, { expiresAt: i % 2 === 0 ? 0 : 10 });
      db.putSync("live", { expiresAt: 1_000 });
    });
    expect(await sweepExpired(db, (_k, v) => v.expiresAt <= 5)).toBe(Math.ceil(n / 2));
    expect(db.getCount()).toBe(Math.floor(n / 2) + 1);
    // The predicate is checked again inside the deleting transaction.
    let calls = 0;
    expect(await sweepExpired(db, (k) => k === "live" && ++calls === 1)).toBe(0);
    expect(db.get("live")).toEqual({ expiresAt: 1_000 });
  });
});
