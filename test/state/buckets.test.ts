import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { TokenBuckets, type BucketRequest } from "../../runtime/state/buckets.js";

const req = (over: Partial<BucketRequest> = {}): BucketRequest => ({ ruleId: "lim-a", key: "k", rate: 2, perMs: 1000, burst: 3, ...over });

describe("TokenBuckets", () => {
  it("starts full, refuses when empty with the time to the next token, and refills continuously", () => {
    const b = new TokenBuckets();
    const r = req();
    for (let i = 0; i < 3; i++) expect(b.take([r], 0)).toEqual({ ok: true });
    expect(b.take([r], 0)).toEqual({ ok: false, ruleId: "lim-a", retryAfterMs: 500 });
    expect(b.take([r], 200)).toEqual({ ok: false, ruleId: "lim-a", retryAfterMs: 300 });
    expect(b.take([r], 500)).toEqual({ ok: true });
    // Refill caps at burst after a long idle time.
    for (let i = 0; i < 3; i++) expect(b.take([r], 100_000).ok).toBe(true);
    expect(b.take([r], 100_000).ok).toBe(false);
  });

  it("takes from every bucket or from none", () => {
    const b = new TokenBuckets();
    const wide = req({ ruleId: "wide", key: "all", burst: 10 });
    const narrow = req({ ruleId: "narrow", key: "x", burst: 1, rate: 1, perMs: 60_000 });
    expect(b.take([wide, narrow], 0).ok).toBe(true);
    // narrow is empty: refused, and wide keeps its tokens.
    for (let i = 0; i < 5; i++) expect(b.take([wide, narrow], 0)).toEqual({ ok: false, ruleId: "narrow", retryAfterMs: 60_000 });
    for (let i = 0; i < 9; i++) expect(b.take([wide], 0).ok).toBe(true);
    expect(b.take([wide], 0).ok).toBe(false);
  });

  it("reports the longest wait over the empty buckets", () => {
    const b = new TokenBuckets();
    const slow = req({ ruleId: "slow", key: "s", rate: 1, perMs: 10_000, burst: 1 });
    const fast = req({ ruleId: "fast", key: "f", rate: 1, perMs: 100, burst: 1 });
    expect(b.take([fast, slow], 0).ok).toBe(true);
    expect(b.take([fast, slow], 50)).toEqual({ ok: false, ruleId: "slow", retryAfterMs: 9950 });
    expect(b.take([fast], 50)).toEqual({ ok: false, ruleId: "fast", retryAfterMs: 50 });
  });

  it("keeps distinct keys and rules apart, and a clock going backwards adds nothing", () => {
    const b = new TokenBuckets();
    const one = req({ burst: 1, key: "a" });
    expect(b.take([one], 1000).ok).toBe(true);
    expect(b.take([{ ...one, key: "b" }], 1000).ok).toBe(true);
    expect(b.take([{ ...one, ruleId: "other" }], 1000).ok).toBe(true);
    expect(b.take([one], 0).ok).toBe(false);
    expect(b.size).toBe(3);
  });

  it("rejects nonsensical parameters", () => {
    const b = new TokenBuckets();
    expect(() => b.take([req({ rate: 0 })], 0)).toThrow(/positive/);
    expect(() => b.take([req({ burst: Number.NaN })], 0)).toThrow(/positive/);
    expect(() => new TokenBuckets(0)).toThrow(/maxBuckets/);
  });

  it("bounds memory: evicts full buckets first, then the least recently used", () => {
    const b = new TokenBuckets(10);
    const slow = (key: string) => req({ key, rate: 1, perMs: 3_600_000, burst: 1 });
    // 5 drained buckets that stay drained for an hour …
    for (let i = 0; i < 5; i++) expect(b.take([slow(`busy${i}`)], 0).ok).toBe(true);
    // … and 5 fast ones that are full again a second later (10 = the bound, nothing evicted yet).
    for (let i = 0; i < 5; i++) b.take([req({ key: `idle${i}`, burst: 1, rate: 1000 })], 0);
    expect(b.size).toBe(10);
    b.take([req({ key: "new", burst: 1, rate: 1000 })], 5_000);
    expect(b.size).toBeLessThanOrEqual(10);
    // The drained buckets were kept: they still refuse.
    for (let i = 0; i < 5; i++) expect(b.take([slow(`busy${i}`)], 5_000).ok).toBe(false);
    // With only drained buckets, the oldest go.
    const c = new TokenBuckets(4);
    for (let i = 0; i < 6; i++) c.take([slow(`d${i}`)], 0);
    expect(c.size).toBeLessThanOrEqual(4);
    expect(c.take([slow("d5")], 0).ok).toBe(false); // newest kept
    expect(c.take([slow("d0")], 0).ok).toBe(true); // oldest evicted: starts full again
  });

  it("property: never more than burst + rate·t/per grants in any window", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 10 }),
        fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
        (rate, perMs, burst, gaps) => {
          const b = new TokenBuckets();
          const r = req({ rate, perMs, burst });
          const grants: number[] = [];
          let t = 0;
          for (const g of gaps) {
            t += g;
            if (b.take([r], t).ok) grants.push(t);
          }
          for (let i = 0; i < grants.length; i++) {
            for (let j = i; j < grants.length; j++) {
              const window = grants[j]! - grants[i]!;
              expect(j - i + 1).toBeLessThanOrEqual(Math.floor(burst + (rate * window) / perMs + 1e-6));
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: a multi-bucket take is atomic (each bucket is drawn exactly by the granted calls)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ t: fc.integer({ min: 0, max: 300 }), set: fc.subarray([0, 1, 2], { minLength: 1 }) }), { minLength: 1, maxLength: 200 }),
        (steps) => {
          const specs = [req({ ruleId: "a", key: "a", rate: 1, perMs: 1000, burst: 2 }), req({ ruleId: "b", key: "b", rate: 3, perMs: 1000, burst: 5 }), req({ ruleId: "c", key: "c", rate: 1, perMs: 250, burst: 1 })];
          const b = new TokenBuckets();
          // A reference model, bucket by bucket: level and last time.
          const model = specs.map((s) => ({ level: s.burst, at: 0, s }));
          let t = 0;
          for (const step of steps) {
            t += step.t;
            const levels = step.set.map((i) => {
              const m = model[i]!;
              return Math.min(m.s.burst, m.level + ((t - m.at) * m.s.rate) / m.s.perMs);
            });
            const expectOk = levels.every((l) => l + 1e-9 >= 1);
            const got = b.take(step.set.map((i) => specs[i]!), t);
            expect(got.ok).toBe(expectOk);
            if (expectOk) {
              step.set.forEach((i, k) => {
                model[i]!.level = levels[k]! - 1;
                model[i]!.at = t;
              });
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
