/**
 * The evidence store: the hash-chained log of decisions (chain.ts) in LMDB (lmdb-js), keyed by
 * sequence number.
 *
 * Layout: one LMDB environment at `<dir>/evidence.lmdb` (a file, with LMDB's own
 * `evidence.lmdb-lock` beside it). Database `<name>` (default "records"): keys = seq numbers
 * (ordered-binary, so key order is seq order), values = the entry's sealed JSON line, byte for
 * byte what the journal holds, what `verify` hashes and what `export` writes.
 * `<name>.checkpoints`: signed checkpoints by seq. `<name>.meta`: the store id and the purge
 * anchor.
 *
 * Commit point: the journal (journal.ts). `appendEntry` queues; once per event-loop turn the
 * queued entries get their seq numbers and `prev` links (in queue order, so seq order is call
 * order), are sealed and written with one `write(2)`; then they are acknowledged, handed to
 * subscribers and, in 25 ms windows, to LMDB (default safe sync) on its write thread. A write
 * that fails rolls the chain head back, so the chain has no gaps: the next turn reuses the seq
 * numbers. Every `checkpointEvery` entries or `checkpointIntervalMs`, with a signing key, the
 * store signs a checkpoint of its head (checkpoint.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { GENESIS_HASH, openLine, seal } from "./chain.js";
import { signAnchor, signCheckpoint, type Anchor, type Checkpoint, type SigningKey } from "./checkpoint.js";
import { commitFailureCause } from "./commit-error.js";
import { acquireEnv, releaseEnv } from "./env-cache.js";
import { journalFiles, JournalFile, readJournal, ROTATE_BYTES } from "./journal.js";
import { describeCause, EvidenceWriteError } from "./errors.js";
import { checkLimit, matchesFilter, type EntryFilter, type EvidenceFilter } from "./filter.js";
import { GroupCommit } from "./group-commit.js";
import { entryInputProblem, newEvidenceId, toEntry, type EntryInput, type EvidenceEntry, type EvidenceInput, type EvidenceRecord } from "./record.js";
import type { EvidenceStats } from "./stats.js";
import { acquireWriterLock, type WriterLock } from "./writer-lock.js";

export { EvidenceStoreLockedError, EvidenceWriteError } from "./errors.js";
export type { EntryFilter, EvidenceFilter } from "./filter.js";
export type { EntryInput, EvidenceEntry, EvidenceInput, EvidenceRecord } from "./record.js";

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
  /** Signs checkpoints; without it none are written (and truncation cannot be proven). */
  signingKey?: SigningKey | null;
  /** A checkpoint after this many entries (default 1000) … */
  checkpointEvery?: number;
  /** … or this long after the last one when entries were added since (default 60 s). */
  checkpointIntervalMs?: number;
}

/** A stored entry with its exact line. */
export interface StoredLine {
  readonly seq: number;
  readonly line: string;
}

/** An append waiting for this turn's journal write. */
interface Queued {
  input: EntryInput;
  id: string;
  resolve: (e: EvidenceEntry) => void;
  reject: (err: unknown) => void;
}

/** A written entry: the object (for readers in this process) and its line (for LMDB). */
interface Sealed {
  readonly entry: EvidenceEntry;
  readonly line: string;
}

/**
 * The LMDB index collects entries for this long before one transaction. Per-turn transactions
 * cost an LMDB commit (and its background fsync) per call at low concurrency, which measured as a
 * busy write thread competing with the proxy for the CPU; reads merge what the index has not
 * caught up with, so the window is invisible to them.
 */
const INDEX_WINDOW_MS = 25;

/** How long `close` waits for the index before leaving the rest to the next open's replay. */
const CLOSE_WAIT_MS = 2000;

/** Past this many entries written but not yet in LMDB, appends fail closed (bounded memory). */
const MAX_UNINDEXED = 100_000;

/**
 * While writes fail (disk full, …), every sync tick writes this much to a probe file beside the
 * journal and deletes it; once that succeeds the store reports itself writable again. Without it,
 * `writable` (and so `/readyz`) would wait for a call to succeed, and a load balancer sends no
 * calls to an instance that is not ready: the proxy would never come back by itself.
 */
const PROBE = Buffer.alloc(64 * 1024);

const META_STORE_ID = "store";
const META_ANCHOR = "anchor";

/** Append-only, hash-chained store of evidence entries; one writer process per store (see writer-lock.ts). */
export class EvidenceStore {
  /** Absolute path of the LMDB environment file (`<dir>/evidence.lmdb`). */
  readonly path: string;
  readonly readOnly: boolean;
  readonly #name: string;
  /** Null for a read-only store whose databases were never written. */
  readonly #db: Database<string, number> | null;
  readonly #checkpointDb: Database<string, number> | null;
  readonly #meta: Database<string, string> | null;
  readonly #lock: WriterLock | null;
  readonly #commits: GroupCommit | null = null;
  readonly #env: RootDatabase;
  readonly #dir: string;
  /** Random id of this store, in every checkpoint and anchor ("" for a reader of an unwritten store). */
  readonly storeId: string;
  #lastSeq = 0;
  #head = GENESIS_HASH;
  #closed = false;
  readonly #inflight = new Set<Promise<unknown>>();
  /** Writer only: the journal file appended to, files waiting to be absorbed, this turn's queue. */
  #journal: JournalFile | null = null;
  readonly #retiring: JournalFile[] = [];
  #queue: Queued[] = [];
  #scheduled = false;
  /** Written to the journal, not yet committed to LMDB (by seq); merged into reads. */
  readonly #unindexed = new Map<number, Sealed>();
  #indexError: unknown = undefined;
  #syncTimer: NodeJS.Timeout | undefined;
  #dirty = false;
  /** Journaled entries waiting for the index window to close. */
  #toIndex: Sealed[] = [];
  /** Seqs handed to LMDB whose put has not settled: a retry must not put them a second time. */
  readonly #indexing = new Set<number>();
  #indexTimer: NodeJS.Timeout | undefined;
  readonly #listeners = new Set<(e: EvidenceEntry) => void>();
  /** Checkpoints. */
  readonly #key: SigningKey | null;
  readonly #checkpointEvery: number;
  #checkpointTimer: NodeJS.Timeout | undefined;
  #lastCheckpoint: Checkpoint | null = null;
  #checkpointsWritten = 0;
  /** Counters for stats(). */
  #appended = 0;
  #failures = 0;
  #lastError: string | null = null;
  #lastFailureAt: number | null = null;
  #writable = true;
  #fsyncs = 0;
  #fsyncFailures = 0;

  private constructor(envPath: string, name: string, env: RootDatabase, lock: WriterLock | null, opts: EvidenceStoreOptions) {
    this.path = envPath;
    this.readOnly = opts.readOnly === true;
    this.#name = name;
    this.#lock = lock;
    this.#env = env;
    this.#dir = path.dirname(envPath);
    this.#key = opts.signingKey ?? null;
    this.#checkpointEvery = opts.checkpointEvery ?? 1000;
    if (!Number.isSafeInteger(this.#checkpointEvery) || this.#checkpointEvery < 1) throw new Error("checkpointEvery must be a positive integer");
    this.#db = openNamed<number>(env, envPath, name, this.readOnly);
    this.#checkpointDb = openNamed<number>(env, envPath, `${name}.checkpoints`, this.readOnly);
    this.#meta = openNamed<string>(env, envPath, `${name}.meta`, this.readOnly);
    let storeId = this.#meta?.get(META_STORE_ID) ?? "";
    if (storeId === "" && !this.readOnly) {
      storeId = newEvidenceId().replace(/^evt_/, "store_");
      this.#meta!.putSync(META_STORE_ID, storeId);
    }
    this.storeId = storeId;
    this.#lastCheckpoint = this.#newestCheckpoint();
    if (this.readOnly) return;
    const db = this.#db!;
    this.#commits = new GroupCommit(db);
    this.#replayJournal(db);
    this.#loadHead(db);
    this.#journal = new JournalFile(this.#dir, name, this.#lastSeq + 1);
    this.#syncTimer = setInterval(() => this.#syncJournal(), opts.syncIntervalMs ?? 200);
    this.#syncTimer.unref();
    if (this.#key) {
      this.#checkpointTimer = setInterval(() => this.#checkpointIfBehind(), opts.checkpointIntervalMs ?? 60_000);
      this.#checkpointTimer.unref();
    }
  }

  /** Head of the chain after open: the newest entry, else the purge anchor, else genesis. */
  #loadHead(db: Database<string, number>): void {
    const last = lastKey(db, this.path);
    if (last > 0) {
      const opened = openLine(db.get(last) ?? "");
      if (!opened) throw new Error(`evidence store ${this.path}: entry ${last} is not a sealed chain line; run \`talon audit verify\``);
      this.#lastSeq = last;
      this.#head = opened.claimed;
      return;
    }
    const anchor = this.anchor();
    if (anchor) {
      this.#lastSeq = anchor.firstSeq - 1;
      this.#head = anchor.prev;
    }
  }

  /**
   * Entries a previous run acknowledged but LMDB never committed (the process was killed in
   * between) are put into LMDB now, synchronously and durably; then the journal files are gone.
   */
  #replayJournal(db: Database<string, number>): void {
    const files = journalFiles(this.#dir, this.#name);
    const floor = this.anchor()?.firstSeq ?? 1; // purged entries may still sit in a journal file
    const missing: { seq: number; line: string }[] = [];
    // Not only the tail: a failed LMDB batch can leave a gap below entries a later batch committed.
    for (const { file } of files) for (const j of readJournal(file)) if (j.seq >= floor && !db.doesExist(j.seq)) missing.push(j);
    if (missing.length > 0) {
      db.transactionSync(() => {
        for (const j of missing) db.putSync(j.seq, j.line, { noOverwrite: true } as never);
      });
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
      return new EvidenceStore(envPath, name, env, lock, opts);
    } catch (err) {
      lock?.release();
      if (env) void releaseEnv(envPath);
      throw err;
    }
  }

  /** Appends a tool-call record (see `appendEntry`). */
  append(input: EvidenceInput): Promise<EvidenceRecord> {
    return this.appendEntry(input) as Promise<EvidenceRecord>;
  }

  /**
   * Queues an entry of any kind and resolves with it, chain fields set, once its journal line is
   * written (see the header). Rejects with `EvidenceWriteError` when the entry is malformed, the
   * store is closed or read-only, or the write fails; callers fail closed.
   */
  appendEntry(input: EntryInput): Promise<EvidenceEntry> {
    if (this.#closed) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is closed`, this.path));
    if (!this.#journal) return Promise.reject(new EvidenceWriteError(`evidence store ${this.path} is open read-only`, this.path));
    const problem = entryInputProblem(input);
    if (problem) return Promise.reject(new EvidenceWriteError(`invalid evidence record: ${problem}`, this.path));
    if (this.#unindexed.size >= MAX_UNINDEXED) {
      return Promise.reject(this.#failed(new EvidenceWriteError(`evidence index (LMDB) at ${this.path} is failing: ${describeCause(this.#indexError)}`, this.path, this.#indexError)));
    }
    const done = new Promise<EvidenceEntry>((resolve, reject) => {
      this.#queue.push({ input, id: newEvidenceId(), resolve, reject });
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

  /** Called with every committed entry, in seq order, right after its commit. Returns the unsubscribe. */
  subscribe(listener: (e: EvidenceEntry) => void): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** The group commit: one journal write for the turn's appends, then indexing in LMDB. */
  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    this.#queue = [];
    if (items.length === 0) return;
    const seq0 = this.#lastSeq;
    const head0 = this.#head;
    try {
      this.#commitBatch(items);
    } catch (err) {
      // Never leave an append unsettled: whatever went wrong, its caller fails closed, and the
      // chain head goes back to where it was (settling twice is a no-op for settled ones).
      this.#lastSeq = seq0;
      this.#head = head0;
      const e = this.#failed(new EvidenceWriteError(`evidence write to ${this.path} failed: ${describeCause(err)}`, this.path, err));
      for (const it of items) it.reject(e);
    }
  }

  #commitBatch(items: Queued[]): void {
    const db = this.#db!;
    const sealed: Sealed[] = [];
    let text = "";
    for (const it of items) {
      const seq = this.#lastSeq + 1;
      // MDB_NOOVERWRITE in advance: a seq another writer already used (one that slipped past the
      // lock) fails the batch here, before anything is acknowledged.
      if (taken(db, seq)) throw new Error(`sequence number ${seq} is already taken; is another process writing to this store?`);
      const entry = toEntry(it.input, it.id, seq, this.#head);
      const { line, hash } = seal(entry);
      this.#lastSeq = seq;
      this.#head = hash;
      sealed.push({ entry, line });
      text += line + "\n";
    }
    if (this.#journal!.broken || this.#journal!.size >= ROTATE_BYTES) this.#rotate();
    this.#journal!.append(text, this.#lastSeq);
    this.#dirty = true;
    this.#writable = true;
    this.#appended += sealed.length;
    for (let i = 0; i < sealed.length; i++) {
      const s = sealed[i]!;
      this.#unindexed.set(s.entry.seq, s);
      this.#toIndex.push(s);
      items[i]!.resolve(s.entry);
    }
    if (this.#listeners.size > 0) for (const s of sealed) this.#notify(s.entry);
    if (!this.#indexTimer) this.#indexTimer = setTimeout(() => this.#indexPending(), INDEX_WINDOW_MS);
    if (this.#key && this.#lastSeq - (this.#lastCheckpoint?.seq ?? 0) >= this.#checkpointEvery) this.#checkpoint();
  }

  #notify(e: EvidenceEntry): void {
    for (const l of this.#listeners) {
      try {
        l(e);
      } catch (err) {
        process.stderr.write(`[evidence] a subscriber threw: ${describeCause(err)}\n`);
      }
    }
  }

  /** Counts a failed write for stats() and returns the error. */
  #failed(err: EvidenceWriteError): EvidenceWriteError {
    this.#failures++;
    this.#writable = false;
    this.#lastError = err.message;
    this.#lastFailureAt = Date.now();
    return err;
  }

  /** Hand everything collected in the window to LMDB as one batch. */
  #indexPending(): void {
    this.#indexTimer = undefined;
    const recs = this.#toIndex;
    this.#toIndex = [];
    if (recs.length > 0) this.#index(recs);
  }

  /** Commit entries to LMDB; failures are retried by the sync timer. */
  #index(recs: Sealed[]): void {
    const commits = this.#commits!;
    for (const r of recs) this.#indexing.add(r.entry.seq);
    const done = Promise.all(
      recs.map(({ entry, line }) =>
        commits.put(entry.seq, line).then(
          (written) => {
            this.#indexing.delete(entry.seq);
            if (!written) {
              throw new EvidenceWriteError(`evidence index ${this.path}: sequence number ${entry.seq} is already taken; is another process writing to this store?`, this.path);
            }
            this.#unindexed.delete(entry.seq);
          },
          async (err: unknown) => {
            this.#indexing.delete(entry.seq);
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
        process.stderr.write(`[evidence] LMDB index write failed (entries are safe in the journal; retrying): ${describeCause(err)}\n`);
      },
    );
    this.#inflight.add(done);
    done.finally(() => this.#inflight.delete(done));
  }

  /** Start a new journal file; the old one is deleted once LMDB has durably absorbed it. */
  #rotate(): void {
    const old = this.#journal!;
    // Named after the first seq it will hold: the batch being written starts right after the
    // entries already written (this batch's seqs are assigned but not yet written).
    this.#journal = new JournalFile(this.#dir, this.#name, old.lastSeq + 1);
    this.#retiring.push(old);
    old.close();
  }

  /** Delete retired journal files whose entries LMDB holds and has flushed to disk. */
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
    // (Not while the index is too far behind: appends fail closed for that, whatever the disk says.)
    if (!this.#writable && this.#unindexed.size < MAX_UNINDEXED) this.#probeWritable();
    if (this.#unindexed.size > 0 && this.#indexError !== undefined && !this.#scheduled) {
      // Everything not already on its way to LMDB, this window's entries included (their timer is
      // cancelled): a seq put twice would fail the second time as "already taken".
      if (this.#indexTimer) clearTimeout(this.#indexTimer);
      this.#indexTimer = undefined;
      this.#toIndex = [];
      const retry = [...this.#unindexed.values()].filter((r) => r.entry.seq <= this.#journal!.lastSeq && !this.#indexing.has(r.entry.seq));
      this.#indexError = undefined;
      if (retry.length > 0) this.#index(retry);
    }
    if (!this.#dirty || !this.#journal) return;
    this.#dirty = false;
    this.#journal.sync().then(
      () => void this.#fsyncs++,
      (err: unknown) => {
        this.#fsyncFailures++;
        this.#dirty = true; // try again next tick
        process.stderr.write(`[evidence] journal fdatasync failed: ${describeCause(err)}\n`);
      },
    );
  }

  /** See PROBE: whether the journal's file system takes writes again. */
  #probeWritable(): void {
    const file = path.join(this.#dir, `${this.#name}.probe`);
    try {
      fs.writeFileSync(file, PROBE, { mode: 0o600 });
      this.#writable = true;
    } catch {
      // still failing; the next tick tries again
    }
    try {
      fs.rmSync(file, { force: true });
    } catch {
      // nothing to clean up, or the next probe replaces it
    }
  }

  #checkpointIfBehind(): void {
    if (this.#key && this.#lastSeq > (this.#lastCheckpoint?.seq ?? 0)) this.#checkpoint();
  }

  /**
   * Signs the head and keeps the checkpoint. LMDB gets it asynchronously: a checkpoint lost in a
   * crash only widens the window the next one closes.
   */
  #checkpoint(): void {
    if (!this.#key || this.#lastSeq === 0) return;
    const cp = signCheckpoint(this.#key, this.storeId, this.#lastSeq, this.#head, Date.now());
    this.#lastCheckpoint = cp;
    this.#checkpointsWritten++;
    const put = this.#checkpointDb!.put(cp.seq, JSON.stringify(cp)).then(
      () => undefined,
      async (err: unknown) => process.stderr.write(`[evidence] checkpoint ${cp.seq} not stored: ${describeCause(await commitFailureCause(err))}\n`),
    );
    this.#inflight.add(put);
    void put.finally(() => this.#inflight.delete(put));
  }

  /** The newest signed checkpoint, or null. */
  latestCheckpoint(): Checkpoint | null {
    return this.#lastCheckpoint;
  }

  /** Every checkpoint the store keeps, oldest first. */
  checkpoints(): Checkpoint[] {
    if (!this.#checkpointDb) return [];
    const out: Checkpoint[] = [];
    for (const { value } of this.#checkpointDb.getRange({})) out.push(JSON.parse(value) as Checkpoint);
    return out;
  }

  #newestCheckpoint(): Checkpoint | null {
    if (!this.#checkpointDb) return null;
    for (const { value } of this.#checkpointDb.getRange({ reverse: true, limit: 1 })) return JSON.parse(value) as Checkpoint;
    return null;
  }

  /** Signs a checkpoint of the current head now (e.g. before an export); null without a key or entries. */
  checkpointNow(): Checkpoint | null {
    this.#assertOpen();
    if (this.readOnly) throw new Error(`evidence store ${this.path} is open read-only; checkpoints are signed by the writer`);
    if (this.#lastSeq > (this.#lastCheckpoint?.seq ?? 0)) this.#checkpoint();
    return this.#lastCheckpoint;
  }

  /** The purge anchor, or null when nothing was ever purged. */
  anchor(): Anchor | null {
    const text = this.#meta?.get(META_ANCHOR);
    return text ? (JSON.parse(text) as Anchor) : null;
  }

  /**
   * Retention (`compliance { audit_retention }`): deletes the oldest entries, those before the
   * first entry whose time is at or after `cutoff`, and records a signed anchor so the rest still
   * verifies. Needs the signing key. Returns how many entries were deleted.
   */
  async purge(cutoff: number): Promise<{ purged: number; anchor: Anchor | null }> {
    this.#assertOpen();
    if (this.readOnly) throw new Error(`evidence store ${this.path} is open read-only`);
    if (!this.#key) throw new Error("purging needs the evidence signing key (TALON_EVIDENCE_KEY or TALON_EVIDENCE_KEY_FILE) to sign the new start of the chain");
    // Only what LMDB holds is purged; the unindexed tail is the newest anyway.
    await this.#drainIndex();
    const db = this.#db!;
    let lastPurged = 0;
    let prevOfNext = "";
    let count = 0;
    for (const { key, value } of db.getRange({})) {
      const e = JSON.parse(value) as EvidenceEntry;
      if (e.time >= cutoff || key >= this.#lastSeq) break; // the head stays: it anchors new appends
      lastPurged = key;
      prevOfNext = e.hash;
      count++;
    }
    if (count === 0) return { purged: 0, anchor: this.anchor() };
    const previous = this.anchor();
    const anchor = signAnchor(this.#key, this.storeId, lastPurged + 1, prevOfNext, Date.now(), (previous?.purged ?? 0) + count);
    const cpDb = this.#checkpointDb!;
    const meta = this.#meta!;
    // One transaction: the anchor and the deletions land together or not at all.
    await db.transaction(() => {
      meta.put(META_ANCHOR, JSON.stringify(anchor));
      for (const key of db.getKeys({ end: lastPurged + 1 })) db.remove(key);
      for (const key of cpDb.getKeys({ end: lastPurged })) cpDb.remove(key);
    });
    return { purged: count, anchor };
  }

  /** Waits until everything journaled is in LMDB (or the index reports a failure). */
  async #drainIndex(): Promise<void> {
    if (this.#indexTimer) {
      clearTimeout(this.#indexTimer);
      this.#indexPending();
    }
    await Promise.allSettled([...this.#inflight]);
    if (this.#unindexed.size > 0) throw new Error(`evidence index at ${this.path} is behind (${describeCause(this.#indexError)}); try again`);
  }

  /** Tool-call records matching `filter`, oldest first (newest last). */
  list(filter: EvidenceFilter = {}): EvidenceRecord[] {
    return this.entries({ ...filter, kind: "proxy_tool_call" }) as EvidenceRecord[];
  }

  /**
   * Entries of every kind matching `filter`, oldest first. Reads synchronously, scanning (no
   * secondary index on time or agent yet). A store kept open while another process writes sees
   * that process's commits once lmdb-js renews its read transaction, which it does between
   * event-loop turns; `talon audit` opens afresh and always sees the latest commit.
   */
  entries(filter: EntryFilter = {}): EvidenceEntry[] {
    this.#assertOpen();
    checkLimit(filter.limit);
    if (filter.limit === 0) return [];
    if (filter.limit === undefined) {
      const out: EvidenceEntry[] = [];
      for (const s of this.#scan(false)) {
        const e = JSON.parse(s.line) as EvidenceEntry;
        if (matchesFilter(e, filter)) out.push(e);
      }
      return out;
    }
    return this.page({ filter, limit: filter.limit }).entries.reverse();
  }

  /**
   * One page of entries, newest first: those with seq < `before` (all when absent) matching
   * `filter`, at most `limit`. `nextBefore` continues the walk; null when nothing older matches.
   */
  page(q: { filter?: EntryFilter; before?: number; limit: number }): { entries: EvidenceEntry[]; nextBefore: number | null } {
    this.#assertOpen();
    checkLimit(q.limit);
    const out: EvidenceEntry[] = [];
    if (q.limit === 0) return { entries: out, nextBefore: null };
    const filter = q.filter ?? {};
    for (const s of this.#scan(true, q.before)) {
      const e = JSON.parse(s.line) as EvidenceEntry;
      if (!matchesFilter(e, filter)) continue;
      if (out.length === q.limit) return { entries: out, nextBefore: out[out.length - 1]!.seq };
      out.push(e);
    }
    return { entries: out, nextBefore: null };
  }

  /** The stored lines in key order, as `verify` and `export` read them (LMDB key and the line). */
  *lines(): Generator<StoredLine & { key: number }> {
    this.#assertOpen();
    for (const s of this.#scan(false)) yield { key: s.seq, seq: s.seq, line: s.line };
  }

  /**
   * Stored lines in seq order (descending when `reverse`, below `before`), LMDB's merged with
   * the tail it has not absorbed yet.
   */
  *#scan(reverse: boolean, before?: number): Generator<StoredLine> {
    const db = this.#db;
    const tail = this.#unindexedTail(db).filter((t) => before === undefined || t.seq < before);
    if (reverse) tail.reverse();
    let ti = 0;
    if (db) {
      const range = reverse ? db.getRange({ reverse: true, ...(before !== undefined ? { start: before - 1 } : {}) }) : db.getRange({});
      for (const { key, value } of range) {
        if (before !== undefined && key >= before) continue;
        // Tail entries interleave with LMDB's when an index batch failed.
        while (ti < tail.length && (reverse ? tail[ti]!.seq > key : tail[ti]!.seq < key)) yield tail[ti++]!;
        yield { seq: key, line: value };
      }
    }
    while (ti < tail.length) yield tail[ti++]!;
  }

  /** Number of committed entries of every kind; O(1) for a writer (LMDB keeps the count). */
  count(): number {
    this.#assertOpen();
    const db = this.#db;
    const tail = this.#unindexedTail(db).length;
    if (!db) return tail;
    const { entryCount } = db.getStats() as { entryCount?: unknown };
    if (typeof entryCount !== "number") throw new Error(`evidence store ${this.path}: LMDB reported no entry count`);
    return entryCount + tail;
  }

  /** Whether LMDB is keeping up; a failing index is reported by readiness checks. */
  get indexError(): unknown {
    return this.#indexError;
  }

  stats(): EvidenceStats {
    return {
      lastSeq: this.#lastSeq,
      headHash: this.#head,
      appended: this.#appended,
      failures: this.#failures,
      lastError: this.#lastError,
      lastFailureAt: this.#lastFailureAt,
      writable: this.#writable && !this.#closed && !this.readOnly,
      journalBytes: this.#journal?.size ?? 0,
      unindexed: this.#unindexed.size,
      fsyncs: this.#fsyncs,
      fsyncFailures: this.#fsyncFailures,
      checkpoints: this.#checkpointsWritten,
      lastCheckpointSeq: this.#lastCheckpoint?.seq ?? 0,
      lastCheckpointAt: this.#lastCheckpoint?.time ?? 0,
    };
  }

  /**
   * Entries acknowledged but not in LMDB yet, oldest first: from memory for the writer, from the
   * journal files for a reader in another process.
   */
  #unindexedTail(db: Database<string, number> | null): StoredLine[] {
    if (!this.readOnly) {
      const out: StoredLine[] = [];
      for (const s of this.#unindexed.values()) if (!db?.doesExist(s.entry.seq)) out.push({ seq: s.entry.seq, line: s.line });
      return out.sort((a, b) => a.seq - b.seq);
    }
    const last = db ? lastKey(db, this.path) : 0;
    const out = new Map<number, StoredLine>();
    for (const { file } of journalFiles(this.#dir, this.#name)) {
      let lines: StoredLine[];
      try {
        lines = readJournal(file);
      } catch {
        continue; // deleted by the writer between listing and reading: LMDB has it now
      }
      for (const j of lines) if (j.seq > last) out.set(j.seq, j);
    }
    return [...out.values()].sort((a, b) => a.seq - b.seq);
  }

  /** Waits for in-flight appends to settle, signs a last checkpoint, releases the lock and the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#scheduled) this.#flush();
    if (!this.readOnly) this.#checkpointIfBehind();
    this.#closed = true;
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    if (this.#checkpointTimer) clearInterval(this.#checkpointTimer);
    if (this.#indexTimer) clearTimeout(this.#indexTimer);
    this.#listeners.clear();
    // Every acknowledged entry is in the journal, so an index that failed (or hangs on a failed
    // disk, as lmdb-js can after EIO) costs nothing but a replay at the next open: don't wait on it.
    if (this.#indexError === undefined && this.#commits) this.#indexPending();
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
      // Absorbed and flushed: the journal has nothing LMDB lacks, so it goes (else the next open replays it).
      if (this.#unindexed.size === 0 && this.#indexError === undefined) {
        let flushTimer: NodeJS.Timeout | undefined;
        const flushed = await Promise.race([
          (this.#env as unknown as { flushed: Promise<unknown> }).flushed.then(() => true, () => false),
          new Promise<boolean>((resolve) => (flushTimer = setTimeout(() => resolve(false), CLOSE_WAIT_MS))),
        ]);
        clearTimeout(flushTimer);
        if (flushed) for (const j of [...this.#retiring, this.#journal]) fs.rmSync(j.file, { force: true });
      }
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

/** A named string-valued database, or null when a read-only environment does not have it yet. */
function openNamed<K extends number | string>(env: RootDatabase, envPath: string, name: string, readOnly: boolean): Database<string, K> | null {
  // lmdb-js returns undefined (despite its types) for a missing database in a read-only environment.
  const db = env.openDB<string, K>({ name, encoding: "string" }) as Database<string, K> | undefined;
  if (!db && !readOnly) throw new Error(`could not open database "${name}" in ${envPath}`);
  return db ?? null;
}

/** The highest seq in the database, 0 when empty. */
function lastKey(db: Database<string, number>, envPath: string): number {
  for (const key of db.getKeys({ reverse: true, limit: 1 })) {
    if (typeof key !== "number" || !Number.isSafeInteger(key) || key < 1) {
      throw new Error(`evidence store ${envPath} holds a key that is not a sequence number: ${String(key)}`);
    }
    return key;
  }
  return 0;
}

/** Whether LMDB already holds `seq`; false when LMDB cannot be read (the journal decides then). */
function taken(db: Database<string, number>, seq: number): boolean {
  try {
    return db.doesExist(seq);
  } catch {
    return false;
  }
}
