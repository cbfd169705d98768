import { describe, expect, it } from "vitest";
import { compileRegex, isBacktrackingSafe } from "../../runtime/helpers/regex.js";
import { detector, ibanValid, luhnValid } from "../../runtime/helpers/detectors.js";

describe("isBacktrackingSafe", () => {
  it.each(["(a+)+", "(a+)+$", "(a|a)*", "(\\w+\\s?)*", "((ab)*)+", "(a|b){2,}", "(?:x+y?){1,5}", "(a)\\1", "(?=a)b", "(?<!a)b", "\\d+\\d+$", "[a-z]+@[a-z]+", "\\s*x\\s{1,100}", "\\d+x", "(ab)+", "a*", "\\d{1,64}\\d{1,64}"])("rejects %s", (p) => {
    expect(isBacktrackingSafe(p)).toBe(false);
  });
  it.each(["abc", "\\d{9,15}", "(\\+?\\d{1,3}[-.\\s]?)?\\d{9,15}", "[a-z]{1,64}@example", "(ab){1,3}", "(?:foo|bar)", "(?<n>a)b{2,9}", "[(+]{0,5}x", "\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}"])("accepts %s", (p) => {
    expect(isBacktrackingSafe(p)).toBe(true);
  });
});

describe("compileRegex", () => {
  it("runs hostile patterns on RE2, fast (nested and polynomial)", () => {
    const poly = compileRegex("\\d+\\d+\\d+x", "");
    expect(poly.engine).toBe("re2");
    const t1 = performance.now();
    expect(poly.test("1".repeat(20000))).toBe(false);
    expect(performance.now() - t1).toBeLessThan(500);
    const re = compileRegex("(a+)+$", "");
    expect(re.engine).toBe("re2");
    const t0 = performance.now();
    expect(re.test("a".repeat(28) + "!")).toBe(false);
    expect(re.spans("a".repeat(5000) + "!")).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("gives non-overlapping spans on both engines, in UTF-16 units", () => {
    for (const src of ["é+|b", "(?:é+|b)+"]) {
      const re = compileRegex(src, "");
      expect(re.spans("xéé😀b")).toEqual(src.includes("?:") ? [[1, 3], [5, 6]] : [[1, 3], [5, 6]]);
    }
    expect(compileRegex("\\d{9,15}", "").engine).toBe("native");
    const quad = compileRegex("\\d+x", "");
    expect(quad.engine).toBe("re2");
    const t0 = performance.now();
    expect(quad.spans("1".repeat(100_000))).toEqual([]);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it("honours flags and rejects unknown ones", () => {
    expect(compileRegex("abc", "i").test("xABCx")).toBe(true);
    expect(compileRegex("(a|b)+c", "i").test("ABC")).toBe(true);
    expect(compileRegex("^b", "m").spans("a\nb")).toEqual([[2, 3]]);
    expect(compileRegex("a.b", "s").test("a\nb")).toBe(true);
    expect(() => compileRegex("a", "g")).toThrow(/flag/);
  });

  it("skips empty matches", () => {
    expect(compileRegex("x*", "").spans("axxb")).toEqual([[1, 3]]);
  });
});

describe("detectors", () => {
  it("validate cards by Luhn and IBANs by mod-97", () => {
    expect(luhnValid("4111 1111 1111 1111")).toBe(true);
    expect(luhnValid("4111 1111 1111 1112")).toBe(false);
    expect(ibanValid("GB82 WEST 1234 5698 7654 32")).toBe(true);
    expect(ibanValid("GB82 WEST 1234 5698 7654 33")).toBe(false);
    const card = detector("card")!;
    expect(card.spans("pay 4111-1111-1111-1111 now, not 4111-1111-1111-1112")).toEqual([[4, 23]]);
  });

  it("find emails, IPv4, JWTs, AWS keys and private keys", () => {
    const s = "mail ana@example.com from 10.0.0.256 or 10.1.2.3";
    expect(detector("email")!.spans(s).map(([a, b]) => s.slice(a, b))).toEqual(["ana@example.com"]);
    expect(detector("ipv4")!.spans(s).map(([a, b]) => s.slice(a, b))).toEqual(["10.1.2.3"]);
    expect(detector("jwt")!.test("t=eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.sig_nat-ure")).toBe(true);
    expect(detector("aws_key")!.test("AKIAIOSFODNN7EXAMPLE")).toBe(true);
    expect(detector("private_key")!.test("-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----")).toBe(true);
    expect(detector("phone")!.test("call +34 612 345 789")).toBe(true);
    expect(detector("nope")).toBeNull();
  });
});
