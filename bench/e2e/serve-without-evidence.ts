/**
 * Bench only: serve a bundle exactly as its `server.mjs` does, except that evidence goes to a sink
 * that keeps nothing and resolves every append at once. The end-to-end run starts this for its
 * `talon-http-no-evidence` target, to show what the evidence store costs per call (the rows
 * against `talon-http`). The runtime has no flag or setting for this: the sink reaches it only
 * through `startServer(bundle, opts, { evidence })`, and only this script passes one.
 *
 *   node dist/bench/e2e/serve-without-evidence.js <bundle dir> [server.mjs flags]
 *
 * Prints `listening <url>` like the real entry point; SIGTERM/SIGINT stop it.
 */
import { pathToFileURL } from "node:url";
import type { EvidenceSink } from "../../runtime/evidence/sink.js";
import type { EvidenceStats } from "../../runtime/evidence/stats.js";
import type { EntryInput, EvidenceEntry, EvidenceInput, EvidenceRecord } from "../../runtime/evidence/record.js";
import { loadBundle, parseServeArgs, startServer } from "../../runtime/serve.js";

const NO_HASH = "0".repeat(64);

/** Keeps nothing: every append resolves at once with the chain fields filled in, and nothing is written. */
export class NullEvidenceSink implements EvidenceSink {
  #seq = 0;
  #closed = false;

  appendEntry(input: EntryInput): Promise<EvidenceEntry> {
    const seq = ++this.#seq;
    return Promise.resolve({ ...input, id: `evt_none_${seq}`, seq, prev: NO_HASH, hash: NO_HASH } as EvidenceEntry);
  }

  append(input: EvidenceInput): Promise<EvidenceRecord> {
    return this.appendEntry(input) as Promise<EvidenceRecord>;
  }

  stats(): EvidenceStats {
    return {
      lastSeq: this.#seq, headHash: NO_HASH, appended: this.#seq, failures: 0, lastError: null, lastFailureAt: null,
      writable: !this.#closed, journalBytes: 0, unindexed: 0, fsyncs: 0, fsyncFailures: 0, checkpoints: 0,
      lastCheckpointSeq: 0, lastCheckpointAt: 0,
    };
  }

  subscribe(): () => void {
    return () => undefined;
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}

async function main(argv: string[]): Promise<void> {
  const [bundleDir, ...rest] = argv;
  if (bundleDir === undefined || bundleDir.startsWith("-")) throw new Error("usage: serve-without-evidence.js <bundle dir> [server.mjs flags]");
  const server = await startServer(await loadBundle(bundleDir), parseServeArgs(rest), { evidence: new NullEvidenceSink() });
  process.stderr.write("bench: evidence is OFF in this process (NullEvidenceSink): nothing is recorded\n");
  process.stdout.write(`listening ${server.url}\n`);
  const stop = () => void server.close().then(() => process.exit(0), () => process.exit(1));
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`serve-without-evidence: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
