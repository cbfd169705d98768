import { describe, expect, it } from "vitest";
import { parseDuration } from "../../runtime/helpers/duration.js";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["24h", 86_400_000],
    ["7d", 604_800_000],
    ["2w", 1_209_600_000],
    ["1h30m", 5_400_000],
    ["1d2h3m4s5ms", 93_784_005],
    ["0s", 0],
    ["90m", 5_400_000],
  ])("%s = %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ["", /invalid duration "": expected a number and a unit/],
    ["5", /"5" has no unit/],
    ["5x", /unknown unit "x"/],
    ["5M", /unknown unit "M"/],
    ["m5", /expected a number at "m5"/],
    ["-5m", /expected a number at "-5m"/],
    ["1.5h", /fractions are not supported/],
    ["5 m", /unknown unit " m"/],
    ["30m1h", /units must go from largest to smallest/],
    ["5m5m", /units must go from largest to smallest/],
    ["1h30", /"30" has no unit/],
    ["99999999999999999w", /too large/],
  ])("rejects %j", (text, message) => {
    expect(() => parseDuration(text)).toThrow(message);
  });
});
