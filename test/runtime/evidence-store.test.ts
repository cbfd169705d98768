import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  EvidenceStore,
  EvidenceStoreLockedError,
  EvidenceWriteError,
  type EvidenceInput,
} from "../../runtime/evidence/store.js";

const open: EvidenceStore[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "talon-evidence-"));
}

function openStore(dir: string, opts?: Parameters<typeof EvidenceStore.open>[1]): EvidenceStore {
  const store = EvidenceStore.open(dir, opts);
  open.push(store);
  return store;
}

function input(over: Partial<EvidenceInput> = {}): EvidenceInput {
  return {
    time: Date.now(),
    kind: "proxy_tool_call",
    agent: "zendesk-vendor-proxy",
    caller: "zendesk-ai-agent",
    callerKind: "vendor",
    session: "sess-1",
    tool: "zendesk_ticket_search",
    upstreamTool: "ticket_search",
    upstream: "zendesk-ai-vendor.com",
    decision: "allow",
    reason: "allow",
    ruleIds: ["grant-1"],
    message: "allowed by grant-1",
    bundleHash: "sha256:abc",
    latencyMs: 1.23456,
    outcome: "ok",
    ...over,
  };
}

describe("EvidenceStore append/list", () => {
  it("assigns ids and sequence numbers and lists records oldest first", async () => {
    const dir = path.join(tmpDir(), "nested", "data");
    const store = openStore(dir);
    expect(store.path).toBe(path.join(dir, "evidence.lmdb"));
    const a = await store.append(input({ tool: "a" }));
    const b = await store.append(input({ tool: "b", decision: "deny", reason: "default:no_grant", outcome: "denied" }));
    expect(a.id).toMatch(/^evt_[0-9a-f]{24}$/);
    expect(b.id).not.toBe(a.id);
    expect([a.seq, b.seq]).toEqual([1, 2]);
    expect(a.latencyMs).toBe(1.235);
    expect(a).not.toHaveProperty("error");
    expect(store.list()).toEqual([a, b]);
    expect(store.count()).toBe(2);
  });

  it("filters by agent, tool, decision, time range and limit", async () => {
    const store = openStore(tmpDir());
    const t0 = 1_700_000_000_000;
    await Promise.all([
      store.append(input({ time: t0, agent: "a1", tool: "x" })),
      store.append(input({ time: t0 + 1000, agent: "a2", tool: "x", decision: "deny", reason: "forbid", outcome: "denied" })),
      store.append(input({ time: t0 + 2000, agent: "a1", tool: "y" })),
      store.append(input({ time: t0 + 3000, agent: "a1", tool: "x", decision: "deny", reason: "posture", outcome: "denied" })),
    ]);
    const seqs = (f: Parameters<EvidenceStore["list"]>[0]) => store.list(f).map((r) => r.seq);
    expect(seqs({ agent: "a1" })).toEqual([1, 3, 4]);
    expect(seqs({ tool: "x" })).toEqual([1, 2, 4]);
    expect(seqs({ decision: "deny" })).toEqual([2, 4]);
    expect(seqs({ agent: "a1", decision: "deny" })).toEqual([4]);
    expect(seqs({ since: t0 + 1000 })).toEqual([2, 3, 4]);
    expect(seqs({ until: t0 + 2000 })).toEqual([1, 2]);
    expect(seqs({ since: t0 + 1000, until: t0 + 3000 })).toEqual([2, 3]);
    expect(seqs({ limit: 2 })).toEqual([3, 4]);
    expect(seqs({ agent: "a1", limit: 2 })).toEqual([3, 4]);
    expect(seqs({ limit: 0 })).toEqual([]);
    expect(seqs({ agent: "nobody" })).toEqual([]);
    expect(() => store.list({ limit: -1 })).toThrow(/limit must be a non-negative integer/);
  });

  it("keeps records and continues the sequence across a reopen", async () => {
    const dir = tmpDir();
    const first = EvidenceStore.open(dir);
    const written = [await first.append(input()), await first.append(input({ error: "boom", outcome: "upstream_error" }))];
    await first.close();

    const second = openStore(dir);
    expect(second.list()).toEqual(written);
    const next = await second.append(input());
    expect(next.seq).toBe(3);
    expect(second.count()).toBe(3);
  });

  it("commits 1,000 concurrent appends with distinct sequence numbers", async () => {
    const dir = tmpDir();
    const store = EvidenceStore.open(dir);
    const recs = await Promise.all(Array.from({ length: 1000 }, (_, i) => store.append(input({ tool: `t${i}` }))));
    // seq order is call order: append assigns it synchronously.
    expect(recs.map((r) => r.seq)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
    expect(new Set(recs.map((r) => r.id)).size).toBe(1000);
    await store.close();

    const reopened = openStore(dir);
    const listed = reopened.list();
    expect(listed).toHaveLength(1000);
    expect(listed.map((r) => r.tool)).toEqual(recs.map((r) => r.tool));
  });

  it("rejects malformed records with EvidenceWriteError and writes nothing", async () => {
    const store = openStore(tmpDir());
    const bad = input({ latencyMs: Number.NaN });
    await expect(store.append(bad)).rejects.toBeInstanceOf(EvidenceWriteError);
    await expect(store.append(input({ ruleIds: [1 as unknown as string] }))).rejects.toThrow(/ruleIds must be an array of strings/);
    await expect(store.append({ ...input(), kind: "other" as "proxy_tool_call" })).rejects.toThrow(/kind must be one of proxy_tool_call, proxy_tool_request, external_event/);
    expect(store.count()).toBe(0);
  });

  it("rejects appends after close with EvidenceWriteError and waits for in-flight appends", async () => {
    const store = EvidenceStore.open(tmpDir());
    const pending = store.append(input());
    await store.close();
    await expect(pending).resolves.toMatchObject({ seq: 1 });
    await expect(store.append(input())).rejects.toBeInstanceOf(EvidenceWriteError);
    expect(() => store.list()).toThrow(/closed/);
  });
});

describe("EvidenceStore single writer", () => {
  it("refuses a second writer on the same database in one process", async () => {
    const dir = tmpDir();
    openStore(dir);
    expect(() => EvidenceStore.open(dir)).toThrow(EvidenceStoreLockedError);
  });

  it("lets stores with different names share one environment, each with its own sequence", async () => {
    const dir = tmpDir();
    const a = openStore(dir, { name: "a" });
    const b = openStore(dir, { name: "b" });
    await a.append(input());
    await a.append(input());
    expect((await b.append(input())).seq).toBe(1);
    expect([a.count(), b.count()]).toEqual([2, 1]);
    expect(fs.readFileSync(path.join(dir, "evidence.writer"), "utf8").trim()).toBe(String(process.pid));
  });

  it("removes the writer lock on close and takes over a lock left by a dead process", async () => {
    const dir = tmpDir();
    const store = EvidenceStore.open(dir);
    await store.close();
    expect(fs.existsSync(path.join(dir, "evidence.writer"))).toBe(false);

    // A pid that certainly existed and is now gone: a child that has exited.
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" });
    fs.writeFileSync(path.join(dir, "evidence.writer"), `${dead.stdout}\n`);
    const again = openStore(dir);
    expect((await again.append(input())).seq).toBe(1);
  });

  it("refuses to open when a live process holds the lock", () => {
    const dir = tmpDir();
    // The parent of the vitest worker is alive and is not us.
    fs.writeFileSync(path.join(dir, "evidence.writer"), `${process.ppid}\n`);
    let caught: unknown;
    try {
      EvidenceStore.open(dir);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EvidenceStoreLockedError);
    expect((caught as EvidenceStoreLockedError).pid).toBe(process.ppid);
    expect(String((caught as Error).message)).toMatch(/already open by process \d+; two processes on one store are not supported yet/);
  });
});

describe("EvidenceStore read-only", () => {
  it("reads beside a writer, sees new commits, and refuses to append", async () => {
    const dir = tmpDir();
    const writer = openStore(dir);
    await writer.append(input());
    const reader = openStore(dir, { readOnly: true });
    expect(reader.count()).toBe(1);
    await writer.append(input());
    expect(reader.list().map((r) => r.seq)).toEqual([1, 2]);
    await expect(reader.append(input())).rejects.toThrow(/read-only/);
  });

  it("fails clearly when there is no store, and is empty when the database was never written", async () => {
    const dir = tmpDir();
    expect(() => EvidenceStore.open(dir, { readOnly: true })).toThrow(/no evidence store at .*evidence\.lmdb/);
    const writer = EvidenceStore.open(dir, { name: "other" });
    await writer.append(input());
    await writer.close();
    const reader = openStore(dir, { readOnly: true });
    expect(reader.list()).toEqual([]);
    expect(reader.count()).toBe(0);
  });
});
