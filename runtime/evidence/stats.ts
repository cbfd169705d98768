/**
 * What the evidence store reports about itself, for `/metrics`, `/readyz` and the admin API.
 * Counters count since the store was opened; everything is read at scrape time (no hot-path work).
 */
export interface EvidenceStats {
  /** Highest committed sequence number (0 for an empty store). */
  readonly lastSeq: number;
  /** Chain hash of the newest committed record (64 zeros for an empty store). */
  readonly headHash: string;
  /** Records committed since open. */
  readonly appended: number;
  /** Appends that failed (the call was failed closed) since open. */
  readonly failures: number;
  /** The last failure's message, null when none happened since open. */
  readonly lastError: string | null;
  /** ms since epoch of the last failure, null when none. */
  readonly lastFailureAt: number | null;
  /**
   * False while the last write attempt failed (disk full, permissions); true again after one
   * succeeds, or after a probe write beside the journal succeeds (tried every sync tick meanwhile).
   */
  readonly writable: boolean;
  /** Bytes in the journal file being appended to. */
  readonly journalBytes: number;
  /** Records written to the journal and not yet in LMDB. */
  readonly unindexed: number;
  /** fdatasync calls of the journal that completed / failed since open. */
  readonly fsyncs: number;
  readonly fsyncFailures: number;
  /** Signed checkpoints written since open, and the newest one's seq and time (0 when none). */
  readonly checkpoints: number;
  readonly lastCheckpointSeq: number;
  readonly lastCheckpointAt: number;
}
