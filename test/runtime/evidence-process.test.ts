/**
 * The evidence store across processes, using the built files (see evidence-build.ts): a second
 * process is refused while a writer lives, and a write the OS refuses becomes an
 * EvidenceWriteError instead of killing the process.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { EvidenceStore, EvidenceStoreLockedError, EvidenceWriteError } from "../../runtime/evidence/store.js";
import { buildEvidenceCli, ROOT } from "./evidence-build.js";

let storeUrl = "";
beforeAll(() => {
  storeUrl = pathToFileURL(buildEvidenceCli().storeJs).href;
});

const RECORD = `{
  time: Date.now(), kind: "proxy_tool_call", agent: "a", caller: null, callerKind: "anonymous",
  session: null, tool: "t", upstreamTool: "t", upstream: "local", decision: "allow", reason: "allow",
  ruleIds: [], message: "x".repeat(1000), bundleHash: "h", latencyMs: 0.5, outcome: "ok",
}`;

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "talon-evidence-proc-"));
}

function writeScript(dir: string, body: string): string {
  const file = path.join(dir, "child.mjs");
  fs.writeFileSync(file, `import { EvidenceStore, EvidenceWriteError } from ${JSON.stringify(storeUrl)};\n${body}`);
  return file;
}

/** Resolves with the child's stdout once it contains `marker`. */
function waitFor(child: ChildProcess, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let seen = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      seen += chunk.toString();
      if (seen.includes(marker)) resolve();
    });
    child.on("exit", (code) => reject(new Error(`child exited (${code}) before "${marker}": ${seen}`)));
  });
}

describe("evidence store across processes", () => {
  it("refuses a second writer process while the first is alive, and allows readers", async () => {
    const dir = tmpDir();
    const data = path.join(dir, "data");
    const script = writeScript(
      dir,
      `const store = EvidenceStore.open(process.argv[2]);
await store.append(${RECORD});
process.stdout.write("ready\\n");
process.stdin.resume();
process.stdin.on("end", async () => { await store.close(); process.stdout.write("closed\\n"); });`,
    );
    const child = spawn(process.execPath, [script, data], { stdio: ["pipe", "pipe", "inherit"] });
    try {
      await waitFor(child, "ready");
      let caught: unknown;
      try {
        EvidenceStore.open(data);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(EvidenceStoreLockedError);
      expect((caught as EvidenceStoreLockedError).pid).toBe(child.pid);

      const reader = EvidenceStore.open(data, { readOnly: true });
      expect(reader.list().map((r) => r.seq)).toEqual([1]);
      await reader.close();

      const closed = waitFor(child, "closed");
      child.stdin!.end();
      await closed;
    } finally {
      child.kill();
    }
    await new Promise((resolve) => child.once("close", resolve));

    const after = EvidenceStore.open(data);
    expect((await after.append(sampleInput())).seq).toBe(2);
    await after.close();
  });

  // chmod cannot force this (writes go through an already-open file, and root ignores modes), so
  // the child runs with a small RLIMIT_FSIZE: once the data file would outgrow it, the kernel
  // refuses the write (Node ignores SIGXFSZ) and LMDB's commit fails, for root and non-root alike.
  it("turns a refused disk write into EvidenceWriteError and keeps committed records intact", async () => {
    const dir = tmpDir();
    const data = path.join(dir, "data");
    const script = writeScript(
      dir,
      `const store = EvidenceStore.open(process.argv[2]);
const acked = [];
let failure = null;
for (let round = 0; round < 400 && !failure; round++) {
  const results = await Promise.allSettled(Array.from({ length: 50 }, () => store.append(${RECORD})));
  for (const r of results) {
    if (r.status === "fulfilled") acked.push(r.value.seq);
    else failure ??= r.reason;
  }
}
// The store stays usable after a failed commit: a small append may fit in pages LMDB freed.
const after = await store.append(${RECORD}).then((rec) => (acked.push(rec.seq), "ok"), (e) => e.name);
process.stdout.write(JSON.stringify({
  acked,
  name: failure?.name ?? null,
  isWriteError: failure instanceof EvidenceWriteError,
  message: failure?.message ?? null,
  hasCause: failure?.cause instanceof Error,
  after,
  count: store.count(),
}));
await store.close();`,
    );
    // 1024 blocks: 512 KiB in POSIX sh units (1 MiB where the shell counts KiB); either is far below 400 × 50 KiB.
    const run = spawnSync("/bin/sh", ["-c", 'ulimit -f 1024 && exec "$0" "$@"', process.execPath, script, data], {
      encoding: "utf8",
    });
    expect(run.signal).toBeNull();
    expect(run.status).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.isWriteError).toBe(true);
    expect(result.name).toBe("EvidenceWriteError");
    expect(result.message).toMatch(/^evidence write to .*evidence\.lmdb failed: /);
    expect(result.hasCause).toBe(true);
    expect(["ok", "EvidenceWriteError"]).toContain(result.after);
    expect(result.acked.length).toBeGreaterThan(0);
    expect(result.count).toBe(result.acked.length);

    // Outside the limit, the store opens and holds exactly the acknowledged records.
    const reopened = EvidenceStore.open(data);
    expect(reopened.list().map((r) => r.seq)).toEqual(result.acked);
    await reopened.close();
  });
  // The lock file is the first line of defence; MDB_NOOVERWRITE is the second. Here another
  // process writes key 2 behind the store's back (as a writer that slipped past the lock would).
  it("fails an append whose sequence number another process already wrote, without overwriting it", async () => {
    const dir = tmpDir();
    const data = path.join(dir, "data");
    const store = EvidenceStore.open(data);
    try {
      expect((await store.append(sampleInput())).seq).toBe(1);
      const lmdbUrl = pathToFileURL(path.join(ROOT, "node_modules/lmdb/node-index.js")).href;
      const rogue = path.join(dir, "rogue.mjs");
      fs.writeFileSync(
        rogue,
        `import { open } from ${JSON.stringify(lmdbUrl)};
const env = open(process.argv[2], {});
await env.openDB({ name: "records", encoding: "string" }).put(2, '{"rogue":true}');
await env.close();`,
      );
      const run = spawnSync(process.execPath, [rogue, path.join(data, "evidence.lmdb")], { encoding: "utf8" });
      expect(run.stderr).toBe("");
      expect(run.status).toBe(0);

      const clash = store.append(sampleInput());
      await expect(clash).rejects.toBeInstanceOf(EvidenceWriteError);
      await expect(clash).rejects.toThrow(/sequence number 2 is already taken; is another process writing to this store\?/);
      // The chain cannot go on past a foreign entry: later appends fail too, and nothing is overwritten.
      await expect(store.append(sampleInput())).rejects.toThrow(/sequence number 2 is already taken/);
      expect([...store.lines()].map((l) => l.line.includes('"rogue"') ? "rogue" : l.seq)).toEqual([1, "rogue"]);
      expect(store.stats().writable).toBe(false);
    } finally {
      await store.close();
    }
  });
  // ARCHITECTURE.md: "no response leaves before its evidence record is committed (survives a
  // process kill)". The child acknowledges each committed record on stdout and is SIGKILLed
  // mid-stream; every acknowledged record must be there, and its stale writer lock is taken over.
  it("keeps every acknowledged record when the writer is killed with SIGKILL", async () => {
    const dir = tmpDir();
    const data = path.join(dir, "data");
    const script = writeScript(
      dir,
      `const store = EvidenceStore.open(process.argv[2]);
for (;;) {
  const batch = await Promise.all(Array.from({ length: 10 }, () => store.append(${RECORD})));
  process.stdout.write(batch.map((r) => r.seq).join("\\n") + "\\n");
}`,
    );
    const child = spawn(process.execPath, [script, data], { stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    await new Promise<void>((resolve) => {
      child.stdout!.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        if (text.split("\n").length > 200) {
          child.kill("SIGKILL");
          resolve();
        }
      });
    });
    await new Promise((resolve) => child.once("close", resolve));
    expect(child.signalCode).toBe("SIGKILL");
    const acked = text.split("\n").slice(0, -1).map(Number); // the last piece may be a partial line
    expect(acked.length).toBeGreaterThanOrEqual(200);

    const store = EvidenceStore.open(data); // the dead child's lock is stale and taken over
    try {
      const seqs = store.list().map((r) => r.seq);
      expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
      expect(seqs.length).toBeGreaterThanOrEqual(Math.max(...acked));
    } finally {
      await store.close();
    }
  });
});



function sampleInput() {
  return {
    time: Date.now(),
    kind: "proxy_tool_call" as const,
    agent: "a",
    caller: null,
    callerKind: "anonymous" as const,
    session: null,
    tool: "t",
    upstreamTool: "t",
    upstream: "local",
    decision: "allow" as const,
    reason: "allow",
    ruleIds: [],
    message: "m",
    bundleHash: "h",
    latencyMs: 0.5,
    outcome: "ok" as const,
  };
}
