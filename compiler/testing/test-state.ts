/**
 * The state one `talonc test` block runs against, fresh per test (§11): the runtime's own token
 * buckets (runtime/state/buckets.ts) and an in-memory idempotency window with the semantics of
 * runtime/state/idempotency.ts (first call runs; a later one with the same key within the window
 * replays or is a duplicate; the same key with other arguments is a conflict). Durability and
 * waiting for a concurrent first call do not arise in a sequential test.
 */
import { TokenBuckets } from "../../runtime/state/buckets.js";

/** `at "…"`-less tests run at this fixed instant, so that their results do not depend on the day. */
export const DEFAULT_TEST_NOW = Date.parse("2026-01-05T12:00:00Z");

/** The redaction key every test uses in place of the bundle's `secret redaction_key` (§11). */
export const TEST_REDACTION_KEY = "talon-test-key";

type Begin = { readonly kind: "new" } | { readonly kind: "replay"; readonly resultJson: string; readonly at: number } | { readonly kind: "conflict" };

/** The idempotency window of one test. */
export class MemoryIdempotency {
  private readonly entries = new Map<string, { argsHash: string; at: number; expiresAt: number; resultJson: string | undefined }>();

  begin(key: string, argsHash: string, windowMs: number, now: number): Begin {
    const e = this.entries.get(key);
    if (e && e.expiresAt > now && e.resultJson !== undefined) {
      return e.argsHash === argsHash ? { kind: "replay", resultJson: e.resultJson, at: e.at } : { kind: "conflict" };
    }
    this.entries.set(key, { argsHash, at: now, expiresAt: now + windowMs, resultJson: undefined });
    return { kind: "new" };
  }

  complete(key: string, resultJson: string): void {
    const e = this.entries.get(key);
    if (e) e.resultJson = resultJson;
  }

  abandon(key: string): void {
    this.entries.delete(key);
  }
}

/** Everything a test's calls share. */
export class TestState {
  readonly buckets = new TokenBuckets();
  readonly idempotency = new MemoryIdempotency();
  now = DEFAULT_TEST_NOW;
}
