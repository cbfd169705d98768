/**
 * Token buckets for `limit` rules (LANGUAGE.md §7.1 step 5, §8.3). In memory, per process: with
 * several replicas every replica enforces its own buckets (§14.4).
 *
 * A bucket holds up to `burst` tokens, starts full, and refills continuously at `rate` tokens per
 * `perMs`. Its level is kept as (tokens, at) and brought up to date lazily when touched, so an idle
 * bucket costs nothing. A call takes one token from every bucket that applies to it, or from none
 * (a refused call must not drain the buckets it did pass).
 *
 * Memory is bounded by `maxBuckets`: a full bucket is indistinguishable from a missing one (both
 * grant `burst` calls now), so those go first; only when every bucket is partly drained do the
 * least recently used ones go, which can only make a limit more lenient, never deny more.
 */

export interface BucketRequest {
  /** The `limit` rule, reported on refusal. */
  readonly ruleId: string;
  /** Distinct bucket within the rule (the `by` dimensions). */
  readonly key: string;
  /** Tokens added per `perMs`. */
  readonly rate: number;
  readonly perMs: number;
  /** Capacity. */
  readonly burst: number;
}

export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly ruleId: string; readonly retryAfterMs: number };

interface Bucket {
  tokens: number;
  /** When `tokens` was last brought up to date (ms). */
  at: number;
  /** The rule's parameters as of the last take (eviction needs them to tell a full bucket). */
  rate: number;
  perMs: number;
  burst: number;
}

/** Floating-point slack: 0.9999999999 tokens after a refill counts as one. */
const EPSILON = 1e-9;

const OK: TakeResult = Object.freeze({ ok: true });

export class TokenBuckets {
  readonly #buckets = new Map<string, Bucket>();
  readonly #maxBuckets: number;

  constructor(maxBuckets = 100_000) {
    if (!Number.isSafeInteger(maxBuckets) || maxBuckets < 1) throw new Error(`maxBuckets must be a positive integer, got ${maxBuckets}`);
    this.#maxBuckets = maxBuckets;
  }

  /** Number of buckets held. */
  get size(): number {
    return this.#buckets.size;
  }

  /**
   * Take one token from each requested bucket at time `now` (ms), all or nothing. On refusal
   * nothing is taken, and `retryAfterMs` is the longest wait until every empty bucket holds a token
   * again (whole ms, at least 1); `ruleId` names the bucket with that wait.
   */
  take(reqs: readonly BucketRequest[], now: number): TakeResult {
    if (reqs.length === 0) return OK;
    if (!Number.isFinite(now)) throw new Error(`token bucket time must be a finite number, got ${now}`);
    // Pass 1: bring every bucket up to date and check it, without taking anything. A rule listed
    // twice under the same key needs two tokens from one bucket.
    const need = new Map<string, { req: BucketRequest; count: number; level: number }>();
    for (const req of reqs) {
      checkRequest(req);
      const id = bucketId(req);
      const seen = need.get(id);
      if (seen) {
        seen.count++;
        continue;
      }
      need.set(id, { req, count: 1, level: this.#level(id, req, now) });
    }
    let refusal: { ruleId: string; retryAfterMs: number } | null = null;
    for (const { req, count, level } of need.values()) {
      if (level + EPSILON >= count) continue;
      if (count > req.burst) {
        // Never satisfiable; report the time to fill the bucket, like any other wait.
        refusal = worse(refusal, req.ruleId, waitMs(req.burst - level, req));
        continue;
      }
      refusal = worse(refusal, req.ruleId, waitMs(count - level, req));
    }
    if (refusal) return { ok: false, ...refusal };
    // Pass 2: take. Re-inserting moves each bucket to the end of the map (most recently used).
    for (const [id, { req, count, level }] of need) {
      // `at` never moves back: after a clock step backwards, the time in between is not refilled twice.
      const at = Math.max(now, this.#buckets.get(id)?.at ?? now);
      this.#buckets.delete(id);
      this.#buckets.set(id, { tokens: Math.max(0, level - count), at, rate: req.rate, perMs: req.perMs, burst: req.burst });
    }
    if (this.#buckets.size > this.#maxBuckets) this.#evict(now, need);
    return OK;
  }

  /** A bucket's level at `now`: refilled since it was last touched, capped at burst. */
  #level(id: string, req: BucketRequest, now: number): number {
    const b = this.#buckets.get(id);
    if (!b) return req.burst;
    // A rule whose burst shrank (a new bundle) caps the stored level at once.
    // A clock that went backwards adds nothing (and takes nothing).
    const elapsed = Math.max(0, now - b.at);
    return Math.min(req.burst, b.tokens + (elapsed * req.rate) / req.perMs);
  }

  /**
   * Drop full buckets, then the least recently used, down to 90% of the bound (so the scan runs
   * once per 10% of new buckets, not once per call). Buckets of the current call are kept.
   */
  #evict(now: number, keep: ReadonlyMap<string, { req: BucketRequest }>): void {
    const target = Math.floor(this.#maxBuckets * 0.9);
    for (const [id, b] of this.#buckets) {
      if (this.#buckets.size <= target) return;
      if (!keep.has(id) && b.tokens + (Math.max(0, now - b.at) * b.rate) / b.perMs + EPSILON >= b.burst) this.#buckets.delete(id);
    }
    // Deleting the entry being visited is safe for a Map iterator; it goes on with the next one.
    for (const id of this.#buckets.keys()) {
      if (this.#buckets.size <= target) return;
      if (!keep.has(id)) this.#buckets.delete(id);
    }
  }
}

function bucketId(req: BucketRequest): string {
  return `${req.ruleId}\u0000${req.key}`;
}

function checkRequest(req: BucketRequest): void {
  const okNum = (n: number) => Number.isFinite(n) && n > 0;
  if (!okNum(req.rate) || !okNum(req.perMs) || !okNum(req.burst)) {
    throw new Error(`limit ${req.ruleId}: rate, per and burst must be positive numbers (got rate ${req.rate}, per ${req.perMs} ms, burst ${req.burst})`);
  }
}

/** Whole ms until `missing` tokens have refilled; at least 1. */
function waitMs(missing: number, req: BucketRequest): number {
  return Math.max(1, Math.ceil((missing * req.perMs) / req.rate - EPSILON));
}

function worse(cur: { ruleId: string; retryAfterMs: number } | null, ruleId: string, ms: number): { ruleId: string; retryAfterMs: number } {
  return cur === null || ms > cur.retryAfterMs ? { ruleId, retryAfterMs: ms } : cur;
}
