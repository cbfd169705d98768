/**
 * Evidence-append throughput of the store (runtime/evidence/store.ts) on a temp directory of this
 * machine's disk, with a tool-call record shaped like the pipeline's (~620 bytes as a line):
 *
 * - committed: `append` resolves once the record's journal line is written (one `write(2)` per
 *   event-loop turn for all appends of the turn: the commit point, which survives a kill of the
 *   process). Timed with 1 record per turn (each waits for its own write) and 32 per turn (group
 *   commit, what concurrent calls share).
 * - fsync-durable: the same, then an fdatasync of the journal file, after which the records survive
 *   power loss. The server does this every `--fsync-ms` (200) off the call path; timed here per
 *   batch of 1, 32 and 256 records to show what one sync costs and how batches amortise it.
 * - sustained with the LMDB index: 20,000 records appended 32 per turn, until LMDB (filled in the
 *   background, default safe sync) holds them all: the rate the whole store keeps up with.
 *
 * Every record is read back and the chain verified before anything is reported (a fast store that
 * loses records is not a result). Standalone: `node dist/bench/suites/evidence.js [--save tag]`.
 */
import fs from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { Bench } from "tinybench";
import { chainStart } from "../../runtime/evidence/export.js";
import { journalFiles } from "../../runtime/evidence/journal.js";
import type { EvidenceInput } from "../../runtime/evidence/record.js";
import { EvidenceStore } from "../../runtime/evidence/store.js";
import { verifyChain } from "../../runtime/evidence/verify.js";
import { runMain } from "../flags.js";

/** A record as the pipeline builds it for an allowed, redacted call (no bodies captured). */
export function sampleRecord(): EvidenceInput {
  return {
    time: Date.now(),
    kind: "proxy_tool_call",
    agent: "zendesk-vendor-proxy",
    caller: "zendesk-ai-agent",
    callerKind: "vendor",
    session: "7f3a9c1e5b2d4f6a8c0e1b3d5f7a9c1e",
    tool: "zendesk_ticket_search",
    upstreamTool: "search_tickets",
    upstream: "zendesk",
    decision: "allow",
    reason: "allow",
    ruleIds: ["zd-read"],
    message: "allowed by rule zd-read",
    bundleHash: "3b1f0c9e7d5a2b4c6e8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b",
    latencyMs: 1.234,
    outcome: "ok",
    redactions: [
      { pointer: "/structuredContent/tickets/0/requester/email", scope: "result", method: "hash", rule: "zd-email" },
      { pointer: "/structuredContent/tickets/0/requester/phone", scope: "result", method: "mask_middle", rule: "zd-phone" },
    ],
    tokenHash: "9c1e5b2d4f6a8c0e1b3d5f7a9c1e7f3a",
  };
}

export interface EvidenceTiming {
  readonly label: string;
  /** Records per tinybench iteration. */
  readonly batch: number;
  readonly recordsPerSec: number;
  /** Mean time of one iteration (the batch), µs. */
  readonly usPerBatch: number;
  /** Relative margin of error of the iteration time, percent. */
  readonly rme: number;
  readonly samples: number;
}

export interface EvidenceResult {
  readonly timings: EvidenceTiming[];
  /** 20,000 records appended 32 per turn until LMDB holds them all. */
  readonly sustained: { readonly records: number; readonly ms: number; readonly recordsPerSec: number };
  /** Bytes of one stored line of the sample record. */
  readonly lineBytes: number;
  /** The directory's file system (the fsync numbers depend on it). */
  readonly dir: string;
}

/** The journal file the store appends to now; follows rotations (the size drops when it rotates). */
class JournalSyncer {
  #fd: number | null = null;
  #lastBytes = Infinity;
  constructor(private readonly dir: string, private readonly store: EvidenceStore) {}

  async sync(): Promise<void> {
    const bytes = this.store.stats().journalBytes;
    if (this.#fd === null || bytes < this.#lastBytes) {
      if (this.#fd !== null) fs.closeSync(this.#fd);
      const files = journalFiles(this.dir, "records");
      this.#fd = fs.openSync(files[files.length - 1]!.file, "r");
    }
    this.#lastBytes = bytes;
    const fd = this.#fd;
    await new Promise<void>((resolve, reject) => fs.fdatasync(fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    if (this.#fd !== null) fs.closeSync(this.#fd);
  }
}

function appendBatch(store: EvidenceStore, n: number): Promise<unknown> {
  if (n === 1) return store.append(sampleRecord());
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < n; i++) all.push(store.append(sampleRecord()));
  return Promise.all(all);
}

/** Everything the store holds must be there, in order, and hash-chained. */
function checkStore(store: EvidenceStore, expected: number, what: string): void {
  const report = verifyChain({
    lines: () => store.lines(), start: chainStart(store.anchor()), storeId: store.storeId, anchor: store.anchor(),
    checkpoints: [], external: null, trustedKey: null,
  });
  if (!report.ok || report.entries !== expected || report.lastSeq !== expected) {
    throw new Error(`evidence bench (${what}): the store holds ${report.entries} entries up to seq ${report.lastSeq}, expected ${expected}, ok=${report.ok}: ${report.problems[0]?.message ?? ""}; not reporting`);
  }
}

export async function runEvidenceSuite(timeMs = 500, sustainedRecords = 20_000): Promise<EvidenceResult> {
  const work = await mkdtemp(join(tmpdir(), "talon-bench-evidence-"));
  try {
    const dir = join(work, "timed");
    // The server's defaults (fsync every 200 ms in the background) apply during the timed tasks.
    const store = EvidenceStore.open(dir);
    const syncer = new JournalSyncer(dir, store);
    await store.append(sampleRecord());
    let appended = 1;
    const lineBytes = Buffer.byteLength([...store.lines()][0]!.line);
    const bench = new Bench({ time: timeMs, warmupTime: 100 });
    const tasks: { label: string; batch: number; durable: boolean }[] = [
      { label: "committed (journal write), 1 per turn", batch: 1, durable: false },
      { label: "committed (journal write), 32 per turn", batch: 32, durable: false },
      { label: "fsync-durable, 1 + fdatasync", batch: 1, durable: true },
      { label: "fsync-durable, 32 + fdatasync", batch: 32, durable: true },
      { label: "fsync-durable, 256 + fdatasync", batch: 256, durable: true },
    ];
    for (const t of tasks) {
      bench.add(t.label, async () => {
        await appendBatch(store, t.batch);
        appended += t.batch;
        if (t.durable) await syncer.sync();
      });
    }
    await bench.run();
    syncer.close();
    checkStore(store, appended, "timed");
    await store.close();

    // Sustained: until LMDB has indexed every record (reads merge the unindexed tail, so ask stats).
    const sdir = join(work, "sustained");
    const s = EvidenceStore.open(sdir);
    const t0 = performance.now();
    for (let done = 0; done < sustainedRecords; done += 32) await appendBatch(s, Math.min(32, sustainedRecords - done));
    while (s.stats().unindexed > 0) await new Promise((r) => setTimeout(r, 1));
    const ms = performance.now() - t0;
    checkStore(s, sustainedRecords, "sustained");
    await s.close();

    const timings = bench.tasks.map((task, i) => {
      const r = task.result;
      if (r.state !== "completed") throw new Error(`evidence ${task.name}: ${r.state === "errored" ? r.error.message : r.state}`);
      const batch = tasks[i]!.batch;
      return {
        label: task.name,
        batch,
        recordsPerSec: Math.round((batch * 1000) / r.latency.mean),
        usPerBatch: Math.round(r.latency.mean * 1000 * 10) / 10,
        rme: Math.round(r.latency.rme * 10) / 10,
        samples: r.latency.samplesCount,
      };
    });
    return { timings, sustained: { records: sustainedRecords, ms: Math.round(ms), recordsPerSec: Math.round((sustainedRecords * 1000) / ms) }, lineBytes, dir: work };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The suite's console table. */
export function formatEvidence(r: EvidenceResult): string {
  const rows = r.timings.map((t) => `  ${t.label.padEnd(40)} ${t.recordsPerSec.toLocaleString("en-US").padStart(10)} records/s  ${t.usPerBatch.toFixed(1).padStart(9)} µs/batch  ±${t.rme}%`);
  return [
    `evidence append (runtime/evidence/store.ts, ${r.lineBytes}-byte records, ${r.dir}):`,
    ...rows,
    `  ${"sustained, LMDB index caught up".padEnd(40)} ${r.sustained.recordsPerSec.toLocaleString("en-US").padStart(10)} records/s  (${r.sustained.records} records in ${r.sustained.ms} ms)`,
  ].join("\n");
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runMain("evidence", async () => {
    console.log(formatEvidence(await runEvidenceSuite()));
  });
}
