/**
 * The state §7.1 steps 5–8 read and write, injected into the pipeline so that `decide` stays pure
 * (ARCHITECTURE.md): token buckets, the idempotency store, the approval queue and confirm tokens.
 * Passthrough agents use shadow buckets and a shadow duplicate memory, so that what they would
 * have limited is recorded without touching the enforcing state.
 */
import type { ApprovalQueue } from "../state/approvals.js";
import type { TokenBuckets } from "../state/buckets.js";
import type { ConfirmTokens } from "../state/confirm-tokens.js";
import type { IdempotencyStore } from "../state/idempotency.js";

export interface GovernState {
  readonly buckets: TokenBuckets;
  readonly idempotency: IdempotencyStore;
  readonly approvals: ApprovalQueue;
  readonly confirmTokens: ConfirmTokens;
  /** Passthrough mode: limits counted here, never enforced. */
  readonly shadowBuckets: TokenBuckets;
  /** Passthrough mode: keys seen within their window, never replayed. */
  readonly shadowSeen: ShadowSeen;
  /** Interval of `notifications/progress` while a call is held for approval, ms. */
  readonly progressEveryMs: number;
  /** How long Talon waits for a client to answer its `elicitation/create`, ms. */
  readonly elicitationTimeoutMs: number;
}

/** Passthrough's duplicate memory: key → expiry, bounded, in memory only. */
export class ShadowSeen {
  private readonly seen = new Map<string, number>();

  constructor(private readonly max = 100_000) {}

  /** True when `key` was seen within its window; records it either way. */
  check(key: string, windowMs: number, now: number): boolean {
    const until = this.seen.get(key);
    const dup = until !== undefined && until > now;
    if (!dup) {
      if (this.seen.size >= this.max) this.prune(now);
      this.seen.set(key, now + windowMs);
    }
    return dup;
  }

  private prune(now: number): void {
    for (const [k, until] of this.seen) if (until <= now) this.seen.delete(k);
    // Still full of live keys: forget the oldest half rather than grow without bound.
    if (this.seen.size >= this.max) {
      let drop = this.seen.size >> 1;
      for (const k of this.seen.keys()) {
        if (drop-- <= 0) break;
        this.seen.delete(k);
      }
    }
  }
}
