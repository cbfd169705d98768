// Issue 4's tamper proof: on a real store and on an export, flip a byte in an entry, delete a
// middle entry, reorder two, truncate the tail, and re-chain everything after a point with a
// fresh hash chain; `talon audit verify` catches each and names it.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { open } from "lmdb";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runAudit } from "../../runtime/cli/audit.js";
import { seal } from "../../runtime/evidence/chain.js";
import { SigningKey } from "../../runtime/evidence/checkpoint.js";
import { EvidenceStore, type EvidenceInput } from "../../runtime/evidence/store.js";

const N = 20;
let root = "";
let base = "";
let keyFile = "";
let checkpointFile = "";
let publicKey = "";

function input(i: number): EvidenceInput {
  return {
    time: 1_700_000_000_000 + i * 1000,
    kind: "proxy_tool_call",
    agent: "zendesk-vendor-proxy",
    caller: "zendesk-ai-agent",
    callerKind: "vendor",
    session: "s1",
    tool: i % 3 === 0 ? "zendesk_ticket_update" : "zendesk_ticket_search",
    upstreamTool: "ticket_search",
    upstream: "zendesk",
    decision: "allow",
    reason: "allow",
    ruleIds: ["grant-1"],
    message: `call ${i}`,
    bundleHash: "sha256:ab",
    latencyMs: 1,
    outcome: "ok",
  };
}

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "talon-tamper-"));
  keyFile = path.join(root, "signing.key");
  fs.writeFileSync(keyFile, SigningKey.generateHex());
  const key = SigningKey.fromFile(keyFile);
  publicKey = key.publicKey;
  base = path.join(root, "base");
  const store = EvidenceStore.open(base, { signingKey: key, checkpointEvery: 5 });
  for (let i = 1; i <= N; i++) await store.append(input(i));
  await store.close(); // checkpoints at 5, 10, 15, 20
  checkpointFile = path.join(root, "checkpoint.json");
  expect(await audit("checkpoint", "--export", "--data", base, "--out", checkpointFile)).toMatchObject({ code: 0 });
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

async function audit(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runAudit(argv, (l) => out.push(l), (l) => err.push(l));
  return { code, out, err };
}

let copies = 0;
/** A copy of the base store, changed by `edit` through a raw LMDB handle (what an attacker with disk access can do). */
async function tampered(edit: (records: RawDb, checkpoints: RawDb) => void): Promise<string> {
  const dir = path.join(root, `copy-${++copies}`);
  fs.cpSync(base, dir, { recursive: true });
  const env = open(path.join(dir, "evidence.lmdb"), {});
  const records = env.openDB<string, number>({ name: "records", encoding: "string" });
  const checkpoints = env.openDB<string, number>({ name: "records.checkpoints", encoding: "string" });
  edit(records, checkpoints);
  await env.close();
  return dir;
}
type RawDb = ReturnType<ReturnType<typeof open>["openDB"]> & { getRange: Function };

async function verifyStore(dir: string, ...extra: string[]) {
  return audit("verify", "--data", dir, "--public-key", publicKey, ...extra);
}

function firstProblem(r: { out: string[] }): string {
  return r.out.find((l) => l.startsWith("FAILED")) ?? r.out.join("\n");
}

/** Re-chain from `from` on: change that entry's message, then re-seal it and every later entry. */
function rechain(lines: string[], from: number): string[] {
  const out = lines.slice(0, from - 1);
  let prev = JSON.parse(out[out.length - 1]!).hash as string;
  for (const line of lines.slice(from - 1)) {
    const e = JSON.parse(line) as Record<string, unknown>;
    delete e.hash;
    e.prev = prev;
    if (e.seq === from) e.message = "nothing to see here";
    const { line: sealed, hash } = seal(e);
    out.push(sealed);
    prev = hash;
  }
  return out;
}

describe("talon audit verify on a store", () => {
  it("accepts the untouched store and the external checkpoint", async () => {
    const r = await verifyStore(base, "--checkpoint", checkpointFile);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^OK: .*20 entries \(seq 1\.\.20\), chain intact, 5 checkpoint\(s\) verified/);
    expect(r.err).toEqual([]);
  });

  it("names an edited entry (one flipped byte)", async () => {
    const dir = await tampered((db) => {
      const line = db.get(7) as string;
      db.putSync(7, line.replace('"call 7"', '"call 8"'));
    });
    const r = await verifyStore(dir);
    expect(r.code).toBe(1);
    expect(firstProblem(r)).toMatch(/first bad entry: 7 \(edited\)/);
  });

  it("names a deleted middle entry", async () => {
    const dir = await tampered((db) => db.removeSync(10));
    const r = await verifyStore(dir);
    expect(firstProblem(r)).toMatch(/first bad entry: 10 \(missing\)/);
    expect(r.out.join("\n")).toMatch(/entry seq 10 is missing \(deleted\)/);
  });

  it("names two entries swapped", async () => {
    const dir = await tampered((db) => {
      const a = db.get(4) as string;
      const b = db.get(5) as string;
      db.putSync(4, b);
      db.putSync(5, a);
    });
    const r = await verifyStore(dir);
    expect(firstProblem(r)).toMatch(/first bad entry: 4 \(reordered\)/);
  });

  it("names a truncated tail, even when the store's own checkpoints were cut with it", async () => {
    const dir = await tampered((db, cps) => {
      for (let s = 16; s <= N; s++) db.removeSync(s);
      cps.removeSync(20);
    });
    const r = await verifyStore(dir, "--checkpoint", checkpointFile);
    expect(r.code).toBe(1);
    expect(firstProblem(r)).toMatch(/first bad entry: 16 \(truncated\)/);
    expect(r.out.join("\n")).toMatch(/the chain ends at seq 15, but the external checkpoint .* covers seq 20: 5 entries were cut off the tail/);
  });

  it("names a re-chained store by the checkpoints it contradicts", async () => {
    const dir = await tampered((db) => {
      const lines = Array.from({ length: N }, (_, i) => db.get(i + 1) as string);
      rechain(lines, 12).forEach((l, i) => db.putSync(i + 1, l));
    });
    const r = await verifyStore(dir);
    expect(r.code).toBe(1);
    expect(firstProblem(r)).toMatch(/first bad entry: 11 \(rechained\)/);
    expect(r.out.join("\n")).toMatch(/rewritten and re-hashed between seq 11 and seq 15/);
  });

  it("catches a re-chain whose in-store checkpoints were removed, with the external checkpoint", async () => {
    const dir = await tampered((db, cps) => {
      const lines = Array.from({ length: N }, (_, i) => db.get(i + 1) as string);
      rechain(lines, 3).forEach((l, i) => db.putSync(i + 1, l));
      for (const s of [5, 10, 15, 20]) cps.removeSync(s);
    });
    expect((await verifyStore(dir)).code).toBe(0); // self-consistent without an anchor outside the store …
    const r = await verifyStore(dir, "--checkpoint", checkpointFile);
    expect(r.code).toBe(1); // … and caught with one
    expect(firstProblem(r)).toMatch(/\(rechained\)/);
  });

  it("rejects a checkpoint signed by another key", async () => {
    const forger = SigningKey.parse(SigningKey.generateHex(), "forger");
    const dir = await tampered((_db, cps) => {
      const cp = JSON.parse(cps.get(10) as string);
      cps.putSync(10, JSON.stringify({ ...cp, publicKey: forger.publicKey, signature: forger.sign("x") }));
    });
    const r = await verifyStore(dir);
    expect(r.out.join("\n")).toMatch(/checkpoint at seq 10: checkpoint is signed by key .*not the trusted key/);
  });
});

describe("talon audit verify on an export", () => {
  let exportFile = "";
  let lines: string[] = [];
  beforeAll(async () => {
    exportFile = path.join(root, "export.jsonl");
    expect((await audit("export", "--format", "jsonl", "--data", base, "--out", exportFile)).code).toBe(0);
    lines = fs.readFileSync(exportFile, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(N + 1);
  });

  const write = (name: string, all: string[]) => {
    const f = path.join(root, name);
    fs.writeFileSync(f, all.join("\n") + "\n");
    return f;
  };
  const verifyFile = (f: string) => audit("verify", "--file", f, "--checkpoint", checkpointFile);

  it("verifies the export offline", async () => {
    const r = await verifyFile(exportFile);
    expect(r.code).toBe(0);
    expect(r.out[0]).toMatch(/^OK: .*export\.jsonl: 20 entries \(seq 1\.\.20\)/);
  });

  it.each([
    ["a flipped byte", (l: string[]) => l.map((x, i) => (i === 9 ? x.replace('"call 9"', '"call 0"') : x)), /first bad entry: 9 \(edited\)/],
    ["a deleted middle line", (l: string[]) => l.filter((_, i) => i !== 13), /first bad entry: 13 \(missing\)/],
    ["two lines swapped", (l: string[]) => [...l.slice(0, 5), l[6]!, l[5]!, ...l.slice(7)], /first bad entry: 5 \(reordered\)/],
    ["a truncated tail", (l: string[]) => l.slice(0, 18), /first bad entry: 18 \(truncated\)/],
    ["a fresh chain after entry 16", (l: string[]) => [l[0]!, ...rechain(l.slice(1), 17)], /\(rechained\)/],
    ["its head cut off", (l: string[]) => [l[0]!, ...l.slice(4)], /first bad entry: 1 \(missing\)/],
  ])("names %s", async (_what, change, expected) => {
    const r = await verifyFile(write(`t-${copies++}.jsonl`, change(lines)));
    expect(r.code).toBe(1);
    expect(firstProblem(r)).toMatch(expected);
  });

  it("exports CSV with the chain columns, and the CSV verifies and catches an edit", async () => {
    const csv = path.join(root, "export.csv");
    expect((await audit("export", "--format", "csv", "--data", base, "--out", csv)).code).toBe(0);
    const text = fs.readFileSync(csv, "utf8");
    expect(text.split("\r\n")[0]).toBe("seq,id,time,kind,agent,caller,tool,decision,reason,outcome,rule_ids,prev,hash,entry");
    expect((await audit("verify", "--file", csv, "--checkpoint", checkpointFile)).code).toBe(0);
    const r = await audit("verify", "--file", write("edited.csv", [text.replace("call 3\\\"", "call 4\\\"")]), "--checkpoint", checkpointFile);
    expect(r.code).toBe(1);
  });
});
