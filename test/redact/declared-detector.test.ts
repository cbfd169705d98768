/**
 * `redact … matching <declared detector>` applies the detector's validators (§8.1 with §3's
 * `detector x { pattern … validate luhn }`): a card number that fails Luhn is left alone, a valid
 * one is masked. The policy goes through the real compiler; the bundle's spec through the
 * runtime's redaction plan.
 */
import { describe, expect, it } from "vitest";
import { redactResult, toolRedaction, type RedactionEntry } from "../../runtime/redact/plan.js";
import { agentOf, emitFiles, importPolicy } from "../emit/harness.js";

const POLICY = `talon 1
detector pan { pattern /\\b(?:\\d[ -]?){13,19}\\b/  validate luhn }
detector ref { pattern /REF-\\d+/ }
agent "a" {
  upstream "http://127.0.0.1:1/mcp"
  tool "*" { class read }
  grant anyone read on "*"
  @id("pan") redact ** matching pan with mask in result
  @id("ref") redact note matching ref with redact_full in result
}
`;

describe("redaction with a declared detector", () => {
  it("masks only the spans its validators accept, and carries validator-free detectors as regexes", async () => {
    const { policyTs, policyMjs } = emitFiles(POLICY);
    expect(policyTs).toContain('kind: "declared", name: "pan"');
    expect(policyTs).toContain('validators: Object.freeze(["luhn"])');
    expect(policyTs).not.toContain('name: "ref"'); // no validators: expanded to its regex
    const agent = agentOf(await importPolicy(policyMjs), "a");
    const result = { structuredContent: { valid: "card 4111 1111 1111 1111 on file", invalid: "card 4111 1111 1111 1112 on file", note: "REF-77" }, content: [] };
    const report: RedactionEntry[] = [];
    const out = redactResult(toolRedaction(agent, "x", "read"), result, null, report) as typeof result;
    expect(out.structuredContent.valid).toBe("card XXXX XXXX XXXX XXXX on file");
    expect(out.structuredContent.invalid).toBe("card 4111 1111 1111 1112 on file");
    expect(out.structuredContent.note).toBe("[REDACTED]");
    expect(report.map((e) => [e.pointer, e.rule]).sort()).toEqual([
      ["/structuredContent/note", "ref"],
      ["/structuredContent/valid", "pan"],
    ]);
  });
});
