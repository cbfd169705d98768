/**
 * Confirmation tokens of §7.1 step 7: a 256-bit random token the client echoes in
 * `_meta["talon/confirm"]` to confirm one call. A token is bound to the call's hash
 * (call-hash.ts), used at most once, and good for 5 minutes. Stored in LMDB under the SHA-256 of
 * the token, so the store never holds a usable token; durable, so a confirmation survives a restart
 * and works on any process sharing the data directory.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Database } from "lmdb";
import type { StateStore } from "./state-store.js";
import { sweepExpired } from "./sweep.js";

export const CONFIRM_TOKEN_TTL_MS = 5 * 60_000;

const TOKEN_RE = /^ct_[0-9a-f]{64}$/;

interface TokenEntry {
  readonly hash: string;
  readonly expiresAt: number;
}

export interface ConfirmTokensOptions {
  /** How often expired tokens are deleted; default 60 s. 0 = no sweeper. */
  sweepEveryMs?: number;
}

export class ConfirmTokens {
  readonly #store: StateStore;
  readonly #db: Database<TokenEntry, string>;
  #sweeper: NodeJS.Timeout | undefined;
  readonly #unregister: () => void;

  constructor(store: StateStore, opts: ConfirmTokensOptions = {}) {
    this.#store = store;
    this.#db = store.db<TokenEntry>("confirm");
    const every = opts.sweepEveryMs ?? 60_000;
    if (every > 0) {
      this.#sweeper = setInterval(() => {
        this.sweep(Date.now()).catch((err: unknown) => process.stderr.write(`[state] confirm token sweep failed: ${(err as Error).message}\n`));
      }, every);
      this.#sweeper.unref();
    }
    this.#unregister = store.onClose(() => this.#stop());
  }

  /** A new token for the call with hash `hash`, valid from `now` for 5 minutes; committed before it resolves. */
  async issue(hash: string, now: number): Promise<string> {
    this.#assertOpen();
    if (typeof hash !== "string" || hash.length === 0) throw new Error("confirm tokens: hash must be a non-empty string");
    const token = `ct_${randomBytes(32).toString("hex")}`;
    const entry: TokenEntry = { hash, expiresAt: now + CONFIRM_TOKEN_TTL_MS };
    await this.#db.transaction(() => this.#db.putSync(digest(token), entry));
    return token;
  }

  /**
   * True, once, when `token` was issued for `hash` and has not expired at `now`; the token is then
   * deleted in the same transaction, so two redemptions (in any processes) cannot both succeed.
   * A token presented for another call stays valid for its own call.
   */
  async redeem(token: string, hash: string, now: number): Promise<boolean> {
    this.#assertOpen();
    if (typeof token !== "string" || !TOKEN_RE.test(token)) return false;
    const key = digest(token);
    return this.#db.transaction(() => {
      const e = this.#db.get(key);
      if (!e) return false;
      if (e.expiresAt <= now) {
        this.#db.removeSync(key);
        return false;
      }
      if (e.hash !== hash) return false;
      this.#db.removeSync(key);
      return true;
    });
  }

  /** Deletes expired tokens; resolves with how many. */
  async sweep(now: number): Promise<number> {
    if (this.#store.closed) return 0;
    return sweepExpired(this.#db, (_key, e) => e.expiresAt <= now);
  }

  /** Stops the sweeper. */
  async close(): Promise<void> {
    this.#stop();
    this.#unregister();
  }

  #stop(): void {
    if (this.#sweeper) clearInterval(this.#sweeper);
    this.#sweeper = undefined;
  }

  #assertOpen(): void {
    if (this.#store.closed) throw new Error("confirm token store is closed");
  }
}

function digest(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}
