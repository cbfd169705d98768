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
import { journalFiles, JournalFile, readJournal, ROTATE_BYTES } from "./journal.js";
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
  /** How often the journal is fdatasync'd (the power-loss window); default 200 ms. */
  syncIntervalMs?: number;
}

/** An append waiting for this turn's journal write. */
interface Queued {
  rec: EvidenceRecord;
  resolve: (rec: EvidenceRecord) => void;
  reject: (err: unknown) => void;
}

/**
 * The LMDB index collects records for this long before one transaction. Per-turn transactions
 * cost an LMDB commit (and its background fsync) per call at low concurrency, which measured as a
 * busy write thread competing with the proxy for the CPU; reads merge what the index has not
 * caught up with, so the window is invisible to them.
 */
const INDEX_WINDOW_MS = 25;

/** How long `close` waits for the index before leaving the rest to the next open's replay. */
const CLOSE_WAIT_MS = 2000;

/** Past this many records written but not yet in LMDB, appends fail closed (bounded memory). */
const MAX_UNINDEXED = 100_000;

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
  readonly #env: RootDatabase;
  readonly #dir: string;
  #lastSeq: number;
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Writer only: the journal file appended to, files waiting to be absorbed, this turn's queue. */
  #journal: JournalFile | null = null;
  readonly #retiring: JournalFile[] = [];
  #queue: Queued[] = [];
  #scheduled = false;
  /** Written to the journal, not yet committed to LMDB (by seq); merged into reads. */
  readonly #unindexed = new Map<number, EvidenceRecord>();
  #indexError: unknown = undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  /** Journaled records waiting for the index window to close. */
  #toIndex: EvidenceRecord[] = [];
  #indexTimer: NodeJS.Timeout | undefined;

  private constructor(envPath: string, name: string, env: RootDatabase, lock: WriterLock | null, readOnly: boolean, syncIntervalMs: number) {
    this.path = envPath;
    this.readOnly = readOnly;
    this.#name = name;
    this.#lock = lock;
    this.#env = env;
    this.#dir = path.dirname(envPath);
    this.#db = openNamed(env, envPath, name, readOnly);
    this.#lastSeq = this.#db ? lastKey(this.#db, envPath) : 0;
    this.#commits = this.#db && !readOnly ? new GroupCommit(this.#db) : null;
    if (!readOnly && this.#db) {
      this.#replayJournal(this.#db);
      this.#journal = new JournalFile(this.#dir, name, this.#lastSeq + 1);
      this.#syncTimer = setInterval(() => this.#syncJournal(), syncIntervalMs);
      this.#syncTimer.unref();
    }
  }

  /**
   * Records a previous run acknowledged but LMDB never committed (the process was killed in
   * between) are put into LMDB now, synchronously and durably; then the journal files are gone.
   */
  #replayJournal(db: Database<EvidenceRecord, number>): void {
    const files = journalFiles(this.#dir, this.#name);
    const missing: EvidenceRecord[] = [];
    // Not only the tail: a failed LMDB batch can leave a gap below records a later batch committed.
    for (const { file } of files) for (const rec of readJournal(file)) if (!db.doesExist(rec.seq)) missing.push(rec);
    if (missing.length > 0) {
      db.transactionSync(() => {
        for (const rec of missing) db.putSync(rec.seq, rec, { noOverwrite: true } as never);
      });
      this.#lastSeq = Math.max(this.#lastSeq, ...missing.map((r) => r.seq));
    }
    for (const { file } of files) fs.rmSync(file, { force: true });
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
      return new EvidenceStore(envPath, name, env, lock, readOnly, opts.syncIntervalMs ?? 200);
    } catch (err) {
      lock?.release();
      if (env) void releaseEnv(envPath);
      throw err;
    }
  }

  /**
   * Assigns `id` and the next `seq` (synchronously, so seq order is call order) and resolves with
   * the record once its journal line is written (see the header). Rejects with
   * `EvidenceWriteError` when the record is malformed, the store is closed or read-only, or the
   * write fails; callers fail closed.
   */
  append(input: EvidenceInput): Promise<EvidenceRecord> {
    if (this.#closed) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is closed`, this.path));
    if (!this.#journal) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is open read-only`, this.path));
    const problem = evidenceInputProblem(input);
    if (problem) return Promise.reject(new EvidenceWriteError(`invalid evidence record: ${problem}`, this.path));
    if (this.#unindexed.size >= MAX_UNINDEXED) {
      return Promise.reject(new EvidenceWriteError(`evidence index (LMDB) at ${this.path} is failing: ${describeCause(this.#indexError)}`, this.path, this.#indexError));
    }
    const rec = toEvidenceRecord(input, newEvidenceId(), ++this.#lastSeq);
    const done = new Promise<EvidenceRecord>((resolve, reject) => {
      this.#queue.push({ rec, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // Everything appended in this turn (including from its microtasks) shares one write.
        setImmediate(() => this.#flush());
      }
    });
    this.#inflight.add(done);
    const forget = () => this.#inflight.delete(done);
    done.then(forget, forget);
    return done;
  }

  /** The group commit: one journal write for the turn's appends, then indexing in LMDB. */
  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    this.#queue = [];
    if (items.length === 0) return;
    try {
      this.#commitBatch(items);
    } catch (err) {
      // Never leave an append unsettled: whatever went wrong, its caller fails closed.
      const e = new EvidenceWriteError(`evidence write to ${this.path} failed: ${describeCause(err)}`, this.path, err);
      for (const it of items) it.reject(e); // settling twice is a no-op for the ones already settled
    }
  }

  #commitBatch(items: Queued[]): void {
    // MDB_NOOVERWRITE in advance: a seq another writer already used (one that slipped past the
    // lock) fails its append here, before anything is acknowledged. One cheap read per record;
    // if LMDB cannot even be read (a failed disk), the journal still decides.
    const db = this.#db!;
    let text = "";
    const ok: Queued[] = [];
    for (const it of items) {
      if (taken(db, it.rec.seq)) {
        it.reject(new EvidenceWriteError(`evidence write to ${this.path} failed: sequence number ${it.rec.seq} is already taken; is another process writing to this store?`, this.path));
        continue;
      }
      ok.push(it);
      text += JSON.stringify(it.rec) + "\n";
    }
    if (ok.length === 0) return;
    try {
      if (this.#journal!.broken || this.#journal!.size >= ROTATE_BYTES) this.#rotate();
      this.#journal!.append(text, ok[ok.length - 1]!.rec.seq);
    } catch (err) {
      const e = new EvidenceWriteError(`evidence write to ${this.path} failed: ${describeCause(err)}`, this.path, err);
      for (const it of ok) it.reject(e);
      return;
    }
    this.#dirty = true;
    for (const it of ok) {
      this.#unindexed.set(it.rec.seq, it.rec);
      it.resolve(it.rec);
    }
    for (const it of ok) this.#toIndex.push(it.rec);
    if (!this.#indexTimer) this.#indexTimer = setTimeout(() => this.#indexPending(), INDEX_WINDOW_MS);
  }

  /** Hand everything collected in the window to LMDB as one batch. */
  #indexPending(): void {
    this.#indexTimer = undefined;
    const recs = this.#toIndex;
    this.#toIndex = [];
    if (recs.length > 0) this.#index(recs);
  }

  /** Commit records to LMDB; failures are retried with the next flush or by the sync timer. */
  #index(recs: EvidenceRecord[]): void {
    const commits = this.#commits!;
    const done = Promise.all(
      recs.map((rec) =>
        commits.put(rec.seq, rec).then(
          (written) => {
            if (!written) {
              throw new EvidenceWriteError(`evidence index ${this.path}: sequence number ${rec.seq} is already taken; is another process writing to this store?`, this.path);
            }
            this.#unindexed.delete(rec.seq);
          },
          async (err: unknown) => {
            throw await commitFailureCause(err);
          },
        ),
      ),
    ).then(
      () => {
        if (this.#unindexed.size === 0) this.#indexError = undefined;
        this.#absorbRetired();
      },
      (err: unknown) => {
        this.#indexError = err;
        process.stderr.write(`[evidence] LMDB index write failed (records are safe in the journal; retrying): ${describeCause(err)}\n`);
      },
    );
    this.#inflight.add(done);
    done.finally(() => this.#inflight.delete(done));
  }

  /** Start a new journal file; the old one is deleted once LMDB has durably absorbed it. */
  #rotate(): void {
    const old = this.#journal!;
    this.#journal = new JournalFile(this.#dir, this.#name, this.#lastSeq + 1);
    // A record appended after the rotation decision but before this flush has a lower seq than
    // the new file's name says; names only order files, readers use the seq inside each line.
    this.#retiring.push(old);
    old.close();
  }

  /** Delete retired journal files whose records LMDB holds and has flushed to disk. */
  #absorbRetired(): void {
    if (this.#retiring.length === 0) return;
    const lowestUnindexed = this.#unindexed.size ? Math.min(...this.#unindexed.keys()) : Infinity;
    const ready = this.#retiring.filter((j) => j.lastSeq < lowestUnindexed);
    if (ready.length === 0) return;
    void (this.#env as unknown as { flushed: Promise<unknown> }).flushed.then(() => {
      for (const j of ready) {
        fs.rmSync(j.file, { force: true });
        this.#retiring.splice(this.#retiring.indexOf(j), 1);
      }
    });
  }

  /** The fsync window: fdatasync the journal if it was written since the last sync; retry indexing. */
  #syncJournal(): void {
    if (this.#unindexed.size > 0 && this.#indexError !== undefined && !this.#scheduled) {
      const retry = [...this.#unindexed.values()].filter((r) => r.seq <= this.#journal!.lastSeq);
      this.#indexError = undefined;
      this.#index(retry);
    }
    if (!this.#dirty || !this.#journal) return;
    this.#dirty = false;
    this.#journal.sync().catch((err: unknown) => {
      process.stderr.write(`[evidence] journal fdatasync failed: ${describeCause(err)}\n`);
    });
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
    const tail = this.#unindexedTail(db);
    if (!db) return applyLimit(tail.filter((r) => matchesFilter(r, filter)), filter.limit);
    if (tail.length > 0) {
      // Merge by key: the tail's records interleave with LMDB's when an index batch failed.
      const keyed: [number, EvidenceRecord][] = [];
      for (const { key, value } of db.getRange({})) if (matchesFilter(value, filter)) keyed.push([key, value]);
      for (const r of tail) if (matchesFilter(r, filter)) keyed.push([r.seq, r]);
      keyed.sort((a, b) => a[0] - b[0]);
      return applyLimit(keyed.map(([, v]) => v), filter.limit);
    }
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

  /** Number of committed records; O(1) for a writer (LMDB keeps the count), so health checks may call it. */
  count(): number {
    this.#assertOpen();
    const db = this.#db;
    let tail = 0;
    if (this.readOnly) tail = this.#unindexedTail(db).length;
    // A record whose LMDB commit landed but whose callback has not run yet is counted once.
    else for (const seq of this.#unindexed.keys()) if (!db?.doesExist(seq)) tail++;
    if (!db) return tail;
    const { entryCount } = db.getStats() as { entryCount?: unknown };
    if (typeof entryCount !== "number") throw new Error(`evidence store ${this.path}: LMDB reported no entry count`);
    return entryCount + tail;
  }

  /** Whether LMDB is keeping up; a failing index is reported by readiness checks. */
  get indexError(): unknown {
    return this.#indexError;
  }

  /**
   * Records acknowledged but not in LMDB yet, oldest first: from memory for the writer, from the
   * journal files for a reader in another process.
   */
  #unindexedTail(db: Database<EvidenceRecord, number> | null): EvidenceRecord[] {
    if (!this.readOnly) return [...this.#unindexed.values()].filter((r) => !db?.doesExist(r.seq)).sort((a, b) => a.seq - b.seq);
    const last = db ? lastKey(db, this.path) : 0;
    const out = new Map<number, EvidenceRecord>();
    for (const { file } of journalFiles(this.#dir, this.#name)) {
      let recs: EvidenceRecord[];
      try {
        recs = readJournal(file);
      } catch {
        continue; // deleted by the writer between listing and reading: LMDB has it now
      }
      for (const r of recs) if (r.seq > last) out.set(r.seq, r);
    }
    return [...out.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Waits for in-flight appends to settle, then releases the writer lock and the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    if (this.#scheduled) this.#flush();
    if (this.#indexTimer) clearTimeout(this.#indexTimer);
    // Every acknowledged record is in the journal, so an index that failed (or hangs on a failed
    // disk, as lmdb-js can after EIO) costs nothing but a replay at the next open: don't wait on it.
    if (this.#indexError === undefined) this.#indexPending();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.allSettled([...this.#inflight]),
      new Promise((resolve) => (timer = setTimeout(resolve, this.#indexError === undefined ? CLOSE_WAIT_MS : 0))),
    ]);
    clearTimeout(timer);
    // Whatever LMDB holds now is flushed by closing it; the journal covers the rest until the
    // next open replays it.
    if (this.#journal) {
      await this.#journal.sync().catch(() => undefined);
      this.#journal.close();
    }
    this.#lock?.release();
    // lmdb-js may never finish closing an environment whose last write failed with EIO; the
    // journal holds everything, so a bounded wait is enough.
    let closeTimer: NodeJS.Timeout | undefined;
    await Promise.race([releaseEnv(this.path), new Promise((resolve) => (closeTimer = setTimeout(resolve, CLOSE_WAIT_MS)))]);
    clearTimeout(closeTimer);
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

/** The newest `limit` records (all when undefined), oldest first. */
function applyLimit(recs: EvidenceRecord[], limit: number | undefined): EvidenceRecord[] {
  return limit === undefined ? recs : limit === 0 ? [] : recs.slice(-limit);
}

/** Whether LMDB already holds `seq`; false when LMDB cannot be read (the journal decides then). */
function taken(db: Database<EvidenceRecord, number>, seq: number): boolean {
  try {
    return db.doesExist(seq);
  } catch {
    return false;
  }
}
