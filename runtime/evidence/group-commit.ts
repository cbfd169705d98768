/**
 * Group commit: every append of one event-loop turn goes to LMDB as one explicit `db.batch`,
 * which lmdb-js writes as one transaction on its write thread.
 *
 * Why not lmdb-js's own event-turn batching (`eventTurnBatching`, on by default), which does the
 * same? On a failed commit (EIO, ENOSPC, EFBIG) it also rejects an internal promise that it
 * created for the batch start and handed to nobody. That rejection is unhandled, and Node 20
 * terminates the process on it: a full disk would kill the proxy instead of failing calls closed.
 * The environment is therefore opened with `eventTurnBatching: false` (store.ts) and this class
 * batches explicitly, so every promise lmdb-js creates for our writes is one we handle.
 */
import type { Database } from "lmdb";

interface Pending {
  key: number;
  value: string;
  resolve: (written: boolean) => void;
  reject: (err: unknown) => void;
}

const ignore = (): void => undefined;

/** Queues puts for the current event-loop turn and writes them as one batch in the next. */
export class GroupCommit {
  readonly #db: Database<string, number>;
  #queue: Pending[] = [];
  #scheduled = false;

  constructor(db: Database<string, number>) {
    this.#db = db;
  }

  /**
   * Queues `value` under `key` with MDB_NOOVERWRITE. Resolves true once the transaction holding
   * it is committed, false when the key already existed; rejects with lmdb-js's error when the
   * commit fails.
   */
  put(key: number, value: string): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      this.#queue.push({ key, value, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        // setImmediate, like lmdb-js's default commitDelay of 0: everything queued in this turn
        // (including from later microtasks) shares the transaction.
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    const items = this.#queue;
    this.#queue = [];
    const db = this.#db;
    const puts: Promise<boolean>[] = [];
    try {
      // The batch promise settles like the puts inside it; outcomes are reported per put.
      db.batch(() => {
        for (const item of items) puts.push(putNoOverwrite(db, item.key, item.value));
      }).then(ignore, ignore);
    } catch (err) {
      // A synchronous failure (closed environment, encoding error) stops the callback midway:
      // puts queued before it still commit and report through their promises, the rest fail here.
      for (const item of items.slice(puts.length)) item.reject(err);
    }
    puts.forEach((put, i) => put.then(items[i]!.resolve, items[i]!.reject));
  }
}

/**
 * `put` with MDB_NOOVERWRITE, which resolves false when the key exists. lmdb-js's async `put`
 * accepts the same options object as `putSync` (write.js), but its type declarations list only
 * the version overloads, hence the cast.
 */
function putNoOverwrite(db: Database<string, number>, key: number, value: string): Promise<boolean> {
  const put = db.put as unknown as (key: number, value: string, options: { noOverwrite: boolean }) => Promise<boolean>;
  return put.call(db, key, value, { noOverwrite: true });
}
