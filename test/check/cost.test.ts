/**
 * TAL0902 (§5 "Bounds"): the static worst-case cost of an expression under the agent's input caps
 * against the budget (`compiler/check/cost.ts`). The caret golden is `baselines/cost.talon`.
 */
import { describe, expect, test } from "vitest";
import { COST_BUDGET } from "../../compiler/check/cost.js";
import { PRELUDE, diagnostics } from "./harness.js";

/** TAL0902 messages for one condition (on a forbid) in an agent with optional `limits`. */
function over(cond: string, limits = ""): string[] {
  const src = `${PRELUDE}team a { members "v" }\nteam b { members "v" }\nagent "x" {\n  upstream "https://x"\n${limits ? `  limits { ${limits} }\n` : ""}  tool t { class read }\n  grant vendor "v" read on t\n  forbid tool t when ${cond}\n}\n`;
  return diagnostics(src)
    .filter((d) => d.code === "TAL0902")
    .map((d) => d.message);
}

describe("TAL0902: worst-case cost over the budget", () => {
  test("the budget is ten million steps", () => {
    expect(COST_BUDGET).toBe(10_000_000);
  });

  test.each([
    ["a quantifier over request data with a literal list", 'args.tags.exists(x, x in ["a", "b", "c"])'],
    ["a quantifier comparing its element with request data (amortized over the loop)", "args.tags.exists(x, x == args.owner)"],
    ["a quantifier over the caller's teams inside one over request data", "args.tags.exists(x, caller.teams.exists(y, x == y))"],
    ["detect over the whole response", "detect(args, private_key, jwt, email)"],
    ["a few full-text scans", 'args.s matches /a/ && args.s.lower().contains("b") && size(args.s) > 3'],
    ["nested quantifiers over request data under small caps", "args.a.exists(x, args.b.exists(y, x == y))", "max_elements 100  max_message 64KiB"],
  ])("within the budget: %s", (_, cond, limits = "") => {
    expect(over(cond, limits)).toEqual([]);
  });

  test("nested quantifiers over request data: max_elements² bodies", () => {
    expect(over("args.a.exists(x, args.b.exists(y, x == y))")).toEqual(["worst-case cost 4,694,350,003 exceeds budget 10,000,000"]);
    // Fewer elements are not enough while each inner loop may still read a 4 MiB message.
    expect(over("args.a.exists(x, args.b.exists(y, x == y))", "max_elements 100")).toEqual(["worst-case cost 41,993,503 exceeds budget 10,000,000"]);
    expect(over('args.a.exists(x, args.b.exists(y, y == "k"))')).toHaveLength(1);
  });

  test("full-text scans add up", () => {
    const scans = Array.from({ length: 30 }, (_, i) => `args.s${i} matches /x/`).join(" || ");
    expect(over(scans)).toHaveLength(1);
    expect(over(scans.split(" || ").slice(0, 20).join(" || "))).toEqual([]);
  });

  test("idempotency keys are checked too, at the key", () => {
    const src = `${PRELUDE}agent "x" {\n  upstream "https://x"\n  tool t { class write }\n  grant vendor "v" write on t\n  idempotent tool t key args.id ?? 0, args.a.all(x, args.b.exists(y, y.id == x.id)) ?? false window 1m\n}\n`;
    const ds = diagnostics(src).filter((d) => d.code === "TAL0902");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.severity}`)).toEqual(["7:39 error"]);
    expect(ds[0]!.help).toMatch(/^the most expensive part is `all` evaluating its body .* for each of up to 10,000 elements \(7:39\)/);
  });
});
