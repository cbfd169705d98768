/**
 * The idempotency store of §7.1 step 6 (§8.3): per key, the first call within the window runs;
 * a later call with the same key replays its stored (already redacted) result, and one with other
 * arguments is a conflict. Durable in LMDB (state-store.ts), so a restart keeps the window.
 *
 * Protocol: `begin` claims the key (a "pending" entry, committed before it returns "new"); the
 * caller then runs the call and either `complete`s it with the result to replay or `abandon`s it
 * (the call failed: the next one runs as new). A duplicate that arrives while the first is still
 * running waits for it — at once in this process, by polling when another process holds the
 * claim — and then gets the replay (or runs, if the first was abandoned).
 *
 * A pending entry older than `staleMs` was left by a process that died mid-call and counts as
 * absent; so does any entry older than the window. A sweeper deletes both kinds.
 */
import { createHash } from "node:crypto";
import type { Database } from "lmdb";
import type { StateStore } from "./state-store.js";
import { sweepExpired } from "./sweep.js";

export type BeginResult =
  | { readonly kind: "new" }
  | { readonly kind: "replay"; readonly resultJson: string; readonly at: number }
  | { readonly kind: "conflict" };

export interface IdempotencyOptions {
  /** A pending claim older than this is taken as abandoned by a dead process; default 10 minutes. */
  staleMs?: number;
  /** How often expired entries are deleted; default 60 s. 0 = no sweeper. */
  sweepEveryMs?: number;
  /** How often a claim held by another process is re-read; default 100 ms. */
  pollMs?: number;
}

/** An entry as stored (JSON). `at` = when the first call began, the start of its window. */
interface Entry {
  readonly argsHash: string;
  readonly at: number;
  /** When the entry counts as absent: at + window for a completed entry, at + staleMs while pending. */
  readonly expiresAt: number;
  readonly status: "pending" | "done";
  readonly resultJson?: string;
}

/** A claim this process holds: what `complete` writes, and the waiters to wake. */
interface Claim {
  readonly argsHash: string;
  readonly at: number;
  readonly windowMs: number;
  readonly settled: Promise<void>;
  readonly settle: () => void;
}

const BEGAN_NEW: BeginResult = Object.freeze({ kind: "new" });
const CONFLICT: BeginResult = Object.freeze({ kind: "conflict" });

export class IdempotencyStore {
  readonly #store: StateStore;
  readonly #db: Database<Entry, string>;
  readonly #staleMs: number;
  readonly #pollMs: number;
  readonly #claims = new Map<string, Claim>();
  #sweeper: NodeJS.Timeout | undefined;
  readonly #unregister: () => void;
  #closed = false;

  constructor(store: StateStore, opts: IdempotencyOptions = {}) {
    this.#store = store;
    this.#db = store.db<Entry>("idempotency");
    this.#staleMs = positive(opts.staleMs ?? 10 * 60_000, "staleMs");
    this.#pollMs = positive(opts.pollMs ?? 100, "pollMs");
    const every = opts.sweepEveryMs ?? 60_000;
    if (every > 0) {
      this.#sweeper = setInterval(() => {
        this.sweep(Date.now()).catch((err: unknown) => process.stderr.write(`[state] idempotency sweep failed: ${(err as Error).message}\n`));
      }, every);
      this.#sweeper.unref();
    }
    this.#unregister = store.onClose(() => this.#stop());
  }

  /**
   * Claim `key` for a call with arguments hash `argsHash` at `now`. "new": the caller runs the
   * call and must then `complete` or `abandon` the key. "replay": a call with the same key and
   * arguments completed within `windowMs`. "conflict": the key is in use with other arguments.
   */
  async begin(key: string, argsHash: string, windowMs: number, now: number): Promise<BeginResult> {
    positive(windowMs, "windowMs");
    const id = storageKey(key);
    for (;;) {
      this.#assertOpen();
      const mine = this.#claims.get(id);
      if (mine) {
        // A concurrent duplicate in this process: wait for the first, then look again.
        await mine.settled;
        continue;
      }
      // Claim in memory synchronously, before any await, so a duplicate in this turn waits on us.
      let settle!: () => void;
      const settled = new Promise<void>((resolve) => (settle = resolve));
      const claim: Claim = { argsHash, at: now, windowMs, settled, settle };
      this.#claims.set(id, claim);
      let outcome: BeginResult | "busy";
      try {
        outcome = await this.#db.transaction(() => {
          const e = this.#db.get(id);
          if (e && !this.#absent(e, windowMs, now)) {
            if (e.argsHash !== argsHash) return CONFLICT;
            if (e.status === "done") return { kind: "replay", resultJson: e.resultJson ?? "null", at: e.at } as const;
            return "busy" as const; // pending in another process (ours would be in #claims)
          }
          this.#db.putSync(id, { argsHash, at: now, expiresAt: now + this.#staleMs, status: "pending" });
          return BEGAN_NEW;
        });
      } catch (err) {
        this.#release(id, claim);
        throw err;
      }
      if (outcome === BEGAN_NEW) return outcome;
      this.#release(id, claim);
      if (outcome !== "busy") return outcome;
      await delay(this.#pollMs);
    }
  }

  /** The claimed call succeeded: store its result for replay within the window. */
  async complete(key: string, resultJson: string): Promise<void> {
    const id = storageKey(key);
    const claim = this.#claims.get(id);
    if (!claim) throw new Error("idempotency: complete() without a begin() that returned \"new\" in this process");
    try {
      this.#assertOpen();
      const done: Entry = { argsHash: claim.argsHash, at: claim.at, expiresAt: claim.at + claim.windowMs, status: "done", resultJson };
      await this.#db.transaction(() => this.#db.putSync(id, done));
    } finally {
      this.#release(id, claim);
    }
  }

  /** The claimed call failed or was not run: forget the key, so a retry runs as new. */
  async abandon(key: string): Promise<void> {
    const id = storageKey(key);
    const claim = this.#claims.get(id);
    if (!claim) return;
    try {
      this.#assertOpen();
      await this.#db.transaction(() => {
        const e = this.#db.get(id);
        // Only our own claim: a stale-takeover by another process must not be undone.
        if (e && e.status === "pending" && e.at === claim.at && e.argsHash === claim.argsHash) this.#db.removeSync(id);
      });
    } finally {
      this.#release(id, claim);
    }
  }

  /** Delete every entry that counts as absent at `now`; resolves with how many. */
  async sweep(now: number): Promise<number> {
    if (this.#closed || this.#store.closed) return 0;
    // Entries of claims this process holds stay, whatever their age: their call is running.
    return sweepExpired(this.#db, (key, e) => !this.#claims.has(key) && e.expiresAt <= now);
  }

  /** Stops the sweeper. Claims still held are left to go stale. */
  async close(): Promise<void> {
    this.#stop();
    this.#unregister();
  }

  /** Expired by the window (as the caller sees it now), or a pending claim gone stale. */
  #absent(e: Entry, windowMs: number, now: number): boolean {
    if (now - e.at >= windowMs) return true;
    return e.status === "pending" && now - e.at >= this.#staleMs;
  }

  #release(id: string, claim: Claim): void {
    if (this.#claims.get(id) === claim) this.#claims.delete(id);
    claim.settle();
  }

  #stop(): void {
    this.#closed = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #assertOpen(): void {
    if (this.#closed || this.#store.closed) throw new Error("idempotency store is closed");
  }
}

/** Keys are stored hashed: fixed size under LMDB's key limit whatever the caller builds. */
function storageKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

function positive(n: number, what: string): number {
  if (!Number.isFinite(n) || n <= 0) throw new Error(`idempotency: ${what} must be a positive number of ms, got ${n}`);
  return n;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
