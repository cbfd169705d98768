/**
 * The durable state of §7.1 steps 6–8: one lmdb-js environment at `<dataDir>/state` (a directory,
 * separate from the evidence store so its write pattern never waits on evidence) with three named
 * databases: `idempotency`, `approvals` and `confirm`.
 *
 * Several processes may open it at once (the server, and `talon approvals` approving from a
 * shell): LMDB serialises write transactions across processes with its lock file, and every
 * read-modify-write here runs inside one `db.transaction` callback, so the check and the write are
 * atomic across processes too. Values are JSON (not lmdb-js's msgpack with shared structures),
 * so a record written by one process never depends on structure metadata another has cached.
 *
 * Durability follows the evidence store (store.ts): a write promise resolves once its transaction
 * is committed and visible to other processes; the fsync follows in the background.
 */
import fs from "node:fs";
import path from "node:path";
import { open, type Database, type RootDatabase } from "lmdb";
import { acquireEnv, releaseEnv } from "../evidence/env-cache.js";

export type StateDbName = "idempotency" | "approvals" | "confirm";

export class StateStore {
  /** Absolute path of the environment directory (`<dataDir>/state`). */
  readonly path: string;
  readonly #dbs: Record<StateDbName, Database<unknown, string>>;
  /** Stop functions of the sweepers and pollers built on this store; run by `close`. */
  readonly #stoppers = new Set<() => void>();
  #closed = false;

  private constructor(envPath: string, env: RootDatabase) {
    this.path = envPath;
    const named = (name: StateDbName) => env.openDB<unknown, string>({ name, encoding: "json" });
    this.#dbs = { idempotency: named("idempotency"), approvals: named("approvals"), confirm: named("confirm") };
  }

  /** Opens (creating) the state environment under `dataDir`. */
  static open(dataDir: string): StateStore {
    const envPath = path.join(path.resolve(dataDir), "state");
    fs.mkdirSync(envPath, { recursive: true });
    // eventTurnBatching off for the reason in evidence/group-commit.ts: with it on, a failed commit
    // rejects a promise nobody holds, and Node ends the process on it. We only write through
    // explicit transactions, whose promises we hold.
    const env = acquireEnv(envPath, (p) => open(p, { maxDbs: 8, eventTurnBatching: false }), false);
    try {
      return new StateStore(envPath, env);
    } catch (err) {
      void releaseEnv(envPath);
      throw err;
    }
  }

  /** Whether a state store exists under `dataDir` (for the CLI's "nothing here" message). */
  static exists(dataDir: string): boolean {
    return fs.existsSync(path.join(path.resolve(dataDir), "state", "data.mdb"));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** A named database; typed by the module that owns it. */
  db<V>(name: StateDbName): Database<V, string> {
    if (this.#closed) throw new Error(`state store ${this.path} is closed`);
    return this.#dbs[name] as Database<V, string>;
  }

  /** Registers a stop function (timers, pollers) that `close` runs; returns its unregistration. */
  onClose(stop: () => void): () => void {
    this.#stoppers.add(stop);
    return () => void this.#stoppers.delete(stop);
  }

  /** Stops everything registered with `onClose`, then releases the environment. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const stop of [...this.#stoppers]) stop();
    this.#stoppers.clear();
    await releaseEnv(this.path);
  }
}
