import { beforeAll, describe, expect, it } from "vitest";
import { FULL_DOMAINS, largeCalls, largePolicy, largeShape, RULES_PER_DOMAIN } from "../../bench/policy/large-policy.js";
import { checkAgreement, formatLargePolicy, loadLarge, timeLarge, type LoadedLarge } from "../../bench/suites/large-policy.js";

// A reduced size (8 domains = 200 rules) keeps this fast; the bench runs 40 (1,000 rules).
const DOMAINS = 8;

describe("large-policy generator", () => {
  let l: LoadedLarge;
  beforeAll(async () => {
    l = await loadLarge({ domains: DOMAINS });
  });

  it("is deterministic and sized by its domains", () => {
    expect(largePolicy(DOMAINS)).toBe(largePolicy(DOMAINS));
    expect(largePolicy(DOMAINS)).not.toBe(largePolicy(DOMAINS + 1));
    expect(largeShape(40)).toEqual({ domains: 40, vendors: 20, callers: 20, teams: 10 });
    expect(() => largeShape(3)).toThrow(/domains must be an integer/);
  });

  it("compiles without errors to the expected number of rules, and both engines get every call of the mix right", async () => {
    expect(l.rules).toBe(DOMAINS * RULES_PER_DOMAIN);
    expect(l.tools).toBe(DOMAINS * 6);
    expect(checkAgreement(l, largeCalls(DOMAINS))).toEqual([]);
  });

  it("reports a call where the policy's answer differs from the expectation", async () => {
    const [first] = largeCalls(DOMAINS);
    const wrong = { ...first!, expect: { effect: "deny" as const, reason: "forbid" as const } };
    expect(checkAgreement(l, [wrong])).toEqual([expect.stringMatching(/^allowed, exact name: allow\/allow, expected deny\/forbid/)]);
  });

  it("times both engines after the check", async () => {
    const r = await timeLarge(l, 5);
    expect(r.calls.map((c) => c.label)).toEqual(largeCalls(DOMAINS).map((c) => c.label));
    for (const t of r.calls) expect(t.compiledNs).toBeGreaterThan(0);
    expect(r.mix.interpNs).toBeGreaterThan(r.mix.compiledNs);
    expect(formatLargePolicy(r)).toContain(`decide() of a ${DOMAINS * RULES_PER_DOMAIN}-rule policy`);
  }, 60_000);
});

describe("the full-size large policy", () => {
  // loadLarge type-checks the emitted policy.ts, as `talonc build` does: at 1,000 rules that once
  // failed with TS2563 (one function scanning every glob grant). Slow (a full compile), so once.
  it("compiles and type-checks at 1,000 rules, and both engines get every call of the mix right", async () => {
    const l = await loadLarge({ domains: FULL_DOMAINS });
    expect(l.rules).toBe(FULL_DOMAINS * RULES_PER_DOMAIN);
    expect(checkAgreement(l, largeCalls(FULL_DOMAINS))).toEqual([]);
  }, 180_000);
});
