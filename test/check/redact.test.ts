import { describe, expect, it } from "vitest";
import { PRELUDE, diagnostics } from "./harness.js";

const agent = (rules: string, head = "") => `${PRELUDE}${head}agent "a" {\n  upstream "https://x"\n  tool t { class read }\n${rules}}\n`;
const codes = (src: string, code: string) => diagnostics(src).filter((d) => d.code === code);

describe("redact checks (LANGUAGE.md 8.1)", () => {
  it("TAL0605: hash without a redaction_key is a security warning at the method", () => {
    const [d] = codes(agent("  redact a.email with hash\n"), "TAL0605");
    expect(d).toMatchObject({ severity: "security-warning" });
    expect(d!.span.line).toBe(PRELUDE.split("\n").length + 3);
    expect(codes(agent("  redact a.email with hash\n", 'secret redaction_key = env("K")\n'), "TAL0605")).toEqual([]);
    expect(codes(agent("  redact a.email with mask\n"), "TAL0605")).toEqual([]);
  });

  it("TAL0604: unknown method with a suggestion", () => {
    const [d] = codes(agent("  redact a with mask_midle\n"), "TAL0604");
    expect(d!.message).toContain("mask_midle");
    expect(d!.help).toContain("mask_middle");
  });

  it("TAL0607: two whole-value rules on one path name the method that applies", () => {
    const [d] = codes(agent('  @id("x") redact a.b with mask\n  @id("y") redact a.b with redact_full\n'), "TAL0607");
    expect(d!.message).toBe("rules x, y overlap on `a.b`; `redact_full` applies");
  });

  it("a condition on redact is enforced (compiled to a ConditionFn): no TAL1101 note", () => {
    // (`require_listed false`: the default `require_listed` has its own note.)
    expect(codes(agent("  require_listed false\n  redact a with redact_full when args.x == 1\n"), "TAL1101")).toEqual([]);
    expect(codes(agent("  redact a with redact_full when result.kind == \"person\"\n"), "TAL0407")).toEqual([]);
  });

  it("TAL0103: a matching regex RE2 cannot run is an error at the regex", () => {
    const [d] = codes(agent("  redact a matching /x{1,5000}y+/ with mask\n"), "TAL0103");
    expect(d!.message).toContain("invalid repeat count");
    expect(codes(agent("  redact a matching /x{1,50}y/ with mask\n"), "TAL0103")).toEqual([]);
  });
});
