/**
 * Errors the evidence store raises. The runtime fails a call closed on `EvidenceWriteError`
 * (ARCHITECTURE.md: "a store that cannot write … yields a clear error to the client"), and
 * refuses to start on `EvidenceStoreLockedError`.
 */

/** An append that was not committed: disk full, file size limit, permissions, closed store, … */
export class EvidenceWriteError extends Error {
  override readonly name = "EvidenceWriteError";
  /** Store path the write was meant for. */
  readonly path: string;

  constructor(message: string, path: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.path = path;
  }
}

/** Another live process (or this one, for the same database name) already writes to the store. */
export class EvidenceStoreLockedError extends Error {
  override readonly name = "EvidenceStoreLockedError";
  /** Process id recorded in the writer lock file. */
  readonly pid: number;

  constructor(message: string, pid: number) {
    super(message);
    this.pid = pid;
  }
}

/** Text of an error's cause chain, for messages: "Commit failed: Input/output error". */
export function describeCause(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
