/**
 * What the serving path needs from the evidence store: the pipeline appends (and fails closed when
 * an append rejects), the probes and `/metrics` read `stats()`, the live stream subscribes, and
 * the server closes it. `EvidenceStore` is the implementation; `startServer` takes another one
 * only through its `deps` argument (no flag or setting reaches it), which bench/ uses to measure
 * the proxy without the store. The audit API and retention need the store itself and are not
 * mounted without one.
 */
import type { EntryInput, EvidenceEntry, EvidenceInput, EvidenceRecord } from "./record.js";
import type { EvidenceStats } from "./stats.js";

export interface EvidenceSink {
  /** Appends a tool-call record; resolves once it is committed, rejects when it cannot be. */
  append(input: EvidenceInput): Promise<EvidenceRecord>;
  /** Appends an entry of any kind; same contract. */
  appendEntry(input: EntryInput): Promise<EvidenceEntry>;
  stats(): EvidenceStats;
  /** Called with every committed entry, in seq order; returns the unsubscribe. */
  subscribe(listener: (e: EvidenceEntry) => void): () => void;
  close(): Promise<void>;
}
