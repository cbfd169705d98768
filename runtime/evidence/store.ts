/**
 * The evidence store: decision records in LMDB (lmdb-js), keyed by sequence number.
 *
 * Layout: one LMDB environment at `<dir>/evidence.lmdb` (a file, with LMDB's own
 * `evidence.lmdb-lock` beside it), one named database per store name (default "records"), keys =
 * seq numbers (ordered-binary, so key order is seq order), values = records (msgpack).
 *
 * Writes follow lmdb-js's model (STYLE.md §13): reads are synchronous; writes are queued and
 * committed on lmdb-js's write thread, all appends of one event-loop turn in one transaction (our
 * group commit, group-commit.ts, which batches explicitly instead of through lmdb-js's
 * `eventTurnBatching` for the reason given there). `append` never uses `putSync`.
 *
 * Durability: `append` resolves when the transaction is committed. lmdb-js enables
 * `overlappingSync` by default off Windows: the commit promise resolves once the transaction is
 * committed and visible, and the fsync follows in the background (`env.flushed`). A committed
 * record survives a process kill (the OS holds the pages); surviving power loss needs the flush,
 * which is a later issue (SECURITY.md §1.7). `noSync` and `useWritemap` are deliberately not used.
 */
import fs from "node:fs";
import path from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { commitFailureCause } from "./commit-error.js";
import { acquireEnv, releaseEnv } from "./env-cache.js";
import { describeCause, EvidenceWriteError } from "./errors.js";
import { checkLimit, matchesFilter, type EvidenceFilter } from "./filter.js";
import { GroupCommit } from "./group-commit.js";
import { evidenceInputProblem, newEvidenceId, toEvidenceRecord, type EvidenceInput, type EvidenceRecord } from "./record.js";
import { acquireWriterLock, type WriterLock } from "./writer-lock.js";

export { EvidenceStoreLockedError, EvidenceWriteError } from "./errors.js";
export type { EvidenceFilter } from "./filter.js";
export type { EvidenceInput, EvidenceRecord } from "./record.js";

/** Options for `EvidenceStore.open`. */
export interface EvidenceStoreOptions {
  /** Database name inside the environment; default "records". */
  name?: string;
  /**
   * Open for reading only (`talon audit`): takes no writer lock, `append` rejects, and the store
   * must already exist. Safe beside a running server: LMDB readers never block the writer.
   */
  readOnly?: boolean;
}

/** Append-only store of `EvidenceRecord`s; one writer process per store (see writer-lock.ts). */
export class EvidenceStore {
  /** Absolute path of the LMDB environment file (`<dir>/evidence.lmdb`). */
  readonly path: string;
  readonly readOnly: boolean;
  readonly #name: string;
  /** Null for a read-only store whose database was never written. */
  readonly #db: Database<EvidenceRecord, number> | null;
  readonly #lock: WriterLock | null;
  readonly #commits: GroupCommit | null;
  #lastSeq: number;
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();

  private constructor(envPath: string, name: string, env: RootDatabase, lock: WriterLock | null, readOnly: boolean) {
    this.path = envPath;
    this.readOnly = readOnly;
    this.#name = name;
    this.#lock = lock;
    this.#db = openNamed(env, envPath, name, readOnly);
    this.#lastSeq = this.#db ? lastKey(this.#db, envPath) : 0;
    this.#commits = this.#db && !readOnly ? new GroupCommit(this.#db) : null;
  }

  /**
   * Opens (creating, unless read-only) the store under `dir`. Throws `EvidenceStoreLockedError`
   * when another live process writes to it, and a plain Error when a read-only store is missing.
   */
  static open(dir: string, opts: EvidenceStoreOptions = {}): EvidenceStore {
    const name = opts.name ?? "records";
    if (name === "") throw new Error("evidence store name must not be empty");
    const readOnly = opts.readOnly === true;
    const absDir = path.resolve(dir);
    const envPath = path.join(absDir, "evidence.lmdb");
    if (readOnly && !fs.existsSync(envPath)) throw new Error(`no evidence store at ${envPath}`);
    if (!readOnly) fs.mkdirSync(absDir, { recursive: true });
    const lock = readOnly ? null : acquireWriterLock(absDir, name);
    let env: RootDatabase | null = null;
    try {
      // The ".lmdb" suffix makes lmdb-js treat the path as a file (noSubdir), not a directory.
      // eventTurnBatching off: GroupCommit batches instead (see group-commit.ts for why).
      env = acquireEnv(envPath, (p) => open(p, { readOnly, maxDbs: 12, eventTurnBatching: false }), readOnly);
      return new EvidenceStore(envPath, name, env, lock, readOnly);
    } catch (err) {
      lock?.release();
      if (env) void releaseEnv(envPath);
      throw err;
    }
  }

  /**
   * Assigns `id` and the next `seq` (synchronously, so seq order is call order) and resolves with
   * the record once its transaction is committed. Rejects with `EvidenceWriteError` when the record
   * is malformed, the store is closed or read-only, or the commit fails; callers fail closed.
   */
  append(input: EvidenceInput): Promise<EvidenceRecord> {
    const commits = this.#commits;
    if (this.#closed) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is closed`, this.path));
    if (!commits) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is open read-only`, this.path));
    const problem = evidenceInputProblem(input);
    if (problem) return Promise.reject(new EvidenceWriteError(`invalid evidence record: ${problem}`, this.path));
    const seq = ++this.#lastSeq;
    const rec = toEvidenceRecord(input, newEvidenceId(), seq);
    // MDB_NOOVERWRITE: a seq another writer already used fails this append, never replaces a record.
    const done = commits.put(seq, rec).then(
      (written) => {
        if (written) return rec;
        throw new EvidenceWriteError(
          `evidence write to ${this.path} failed: sequence number ${seq} is already taken; is another process writing to this store?`,
          this.path,
        );
      },
      async (err: unknown) => {
        const cause = await commitFailureCause(err);
        throw new EvidenceWriteError(`evidence write to ${this.path} failed: ${describeCause(cause)}`, this.path, cause);
      },
    );
    this.#inflight.add(done);
    const forget = () => this.#inflight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /**
   * Records matching `filter`, oldest first (newest last). Reads synchronously, scanning the
   * records (no secondary index on time or agent yet). A store kept open while another process
   * writes sees that process's commits once lmdb-js renews its read transaction, which it does
   * between event-loop turns; `talon audit` opens afresh and always sees the latest commit.
   */
  list(filter: EvidenceFilter = {}): EvidenceRecord[] {
    this.#assertOpen();
    checkLimit(filter.limit);
    const db = this.#db;
    if (!db) return [];
    if (filter.limit === undefined) {
      const out: EvidenceRecord[] = [];
      for (const { value } of db.getRange({})) if (matchesFilter(value, filter)) out.push(value);
      return out;
    }
    // With a limit, walk from the newest end and stop once enough records match.
    const newestFirst: EvidenceRecord[] = [];
    if (filter.limit === 0) return newestFirst;
    for (const { value } of db.getRange({ reverse: true })) {
      if (!matchesFilter(value, filter)) continue;
      newestFirst.push(value);
      if (newestFirst.length >= filter.limit) break;
    }
    return newestFirst.reverse();
  }

  /** Number of committed records; O(1) (LMDB keeps the count per database), so health checks may call it. */
  count(): number {
    this.#assertOpen();
    if (!this.#db) return 0;
    const { entryCount } = this.#db.getStats() as { entryCount?: unknown };
    if (typeof entryCount !== "number") throw new Error(`evidence store ${this.path}: LMDB reported no entry count`);
    return entryCount;
  }

  /** Waits for in-flight appends to settle, then releases the writer lock and the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.allSettled([...this.#inflight]);
    this.#lock?.release();
    await releaseEnv(this.path);
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error(`evidence store ${this.path} (database "${this.#name}") is closed`);
  }
}

/** The named database, or null when a read-only environment does not have it yet. */
function openNamed(env: RootDatabase, envPath: string, name: string, readOnly: boolean): Database<EvidenceRecord, number> | null {
  // lmdb-js returns undefined (despite its types) for a missing database in a read-only environment.
  const db = env.openDB<EvidenceRecord, number>({ name }) as Database<EvidenceRecord, number> | undefined;
  if (!db && !readOnly) throw new Error(`could not open database "${name}" in ${envPath}`);
  return db ?? null;
}

/** The highest seq in the database, 0 when empty. */
function lastKey(db: Database<EvidenceRecord, number>, envPath: string): number {
  for (const key of db.getKeys({ reverse: true, limit: 1 })) {
    if (typeof key !== "number" || !Number.isSafeInteger(key) || key < 1) {
      throw new Error(`evidence store ${envPath} holds a key that is not a sequence number: ${String(key)}`);
    }
    return key;
  }
  return 0;
}

