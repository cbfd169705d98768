import { describe, expect, it } from "vitest";
import { RESULT_BYTES, RULES, sampleResult, timeRedact } from "../../bench/suites/redact.js";

describe("redaction suite", () => {
  it("redacts a result of exactly 10 KiB with 20 rules, checked before timing", async () => {
    expect(RULES.length).toBe(20);
    expect(Buffer.byteLength(JSON.stringify(sampleResult()))).toBe(RESULT_BYTES);
    expect(RESULT_BYTES).toBe(10 * 1024);
    const rows = await timeRedact(10);
    expect(rows.map((r) => [r.label, r.bytes])).toEqual([
      ["20 rules, 10 KiB result", 10 * 1024],
      ["12 rules that never match", 10 * 1024],
    ]);
    for (const r of rows) expect(r.usPerOp).toBeGreaterThan(0);
  });
});
