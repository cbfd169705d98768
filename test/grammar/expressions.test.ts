/** Expression grammar (LANGUAGE.md §5): precedence, associativity, postfix chains, literals. */
import { describe, expect, it } from "vitest";
import { expr, exprDiags, show } from "./helpers.js";

describe("precedence", () => {
  it.each([
    ["args.impact ?? 0 > 500", "((args.impact ?? 0) > 500)"],
    ["a || b && c", "(a || (b && c))"],
    ["a && b || c", "((a && b) || c)"],
    ["a == 1 || b == 2 && c != 3", "((a == 1) || ((b == 2) && (c != 3)))"],
    ["!a && b", "((!a) && b)"],
    ["!a.b.c", "(!a.b.c)"],
    ["-a * b", "((-a) * b)"],
    ["- -a", "(-(-a))"],
    ["!!a", "(!(!a))"],
    ["a + b * c", "(a + (b * c))"],
    ["a * b + c", "((a * b) + c)"],
    ["a - b - c", "((a - b) - c)"],
    ["a - b + c", "((a - b) + c)"],
    ["a + b - c", "((a + b) - c)"],
    ["a ?? b ?? c", "((a ?? b) ?? c)"],
    ["a + 1 ?? 2", "((a + 1) ?? 2)"],
    ["a ?? 1 + 2", "(a ?? (1 + 2))"],
    ["x in [1, 2] && y matches /a+/i", "((x in [1, 2]) && (y matches /a+/i))"],
    ["(a || b) && c", "((a || b) && c)"],
    ["now.hour(\"Europe/Madrid\") in 8..18", '(now.hour("Europe/Madrid") in 8..18)'],
    ["x in -5..5", "(x in -5..5)"],
    ["x <= 1 || x >= 2 || x < 3 || x > 4", "((((x <= 1) || (x >= 2)) || (x < 3)) || (x > 4))"],
  ])("%s", (text, want) => {
    expect(show(expr(text))).toBe(want);
  });

  it("keeps comparison non-associative", () => {
    expect(exprDiags("a == b == c").codes).toEqual(["1:8 TAL0201"]);
  });
});

describe("postfix chains", () => {
  it("keeps a name with members and indexes as one path", () => {
    const e = expr('args.tickets[0].requester["e-mail"]');
    expect(e).toMatchObject({ kind: "path", root: { name: "args" } });
    if (e.kind !== "path") throw new Error();
    expect(e.steps.map((s) => s.kind)).toEqual(["member", "index", "member", "index"]);
    expect(show(e)).toBe('args.tickets[0].requester["e-mail"]');
  });

  it("wraps method calls around their receiver", () => {
    const e = expr("args.nodes.exists(n, n in control_plane)");
    expect(e).toMatchObject({ kind: "call", callee: { name: "exists" }, target: { kind: "path", root: { name: "args" }, steps: [{ kind: "member", name: "nodes" }] } });
    expect(show(expr("args.name.trim().lower() == 'x'"))).toBe('(args.name.trim().lower() == "x")');
  });

  it("has bare calls with no target", () => {
    expect(expr("args_hash()")).toMatchObject({ kind: "call", target: undefined, callee: { name: "args_hash" }, args: [] });
    expect(show(expr("has(args.x) && detect(response, jwt)"))).toBe("(has(args.x) && detect(response, jwt))");
  });

  it("accepts keywords after `.` and as expression roots", () => {
    expect(show(expr("caller.id == tool.name && agent.name != meta.path && response.error.text"))).toBe(
      "(((caller.id == tool.name) && (agent.name != meta.path)) && response.error.text)",
    );
  });

  it("rejects member access on a computed value", () => {
    expect(exprDiags("f(x).y").codes).toEqual(["1:5 TAL0201"]);
    expect(exprDiags("[1][0]").codes).toEqual(["1:4 TAL0201"]);
  });
});

describe("literals", () => {
  it("reads numbers, strings, bools, null", () => {
    expect(expr("10_000")).toMatchObject({ kind: "number", value: 10000, text: "10_000" });
    expect(expr("0.5")).toMatchObject({ kind: "number", value: 0.5 });
    expect(expr("9007199254740992")).toMatchObject({ kind: "number", value: 2 ** 53 });
    expect(expr("'single'")).toMatchObject({ kind: "string", value: "single" });
    expect(expr('r"C:\\raw\\n"')).toMatchObject({ kind: "string", value: "C:\\raw\\n" });
    expect(expr("true")).toMatchObject({ kind: "bool", value: true });
    expect(expr("null")).toMatchObject({ kind: "null" });
  });

  it("reads durations, sizes and money", () => {
    expect(expr("1h30m")).toMatchObject({ kind: "duration", ms: 5_400_000, text: "1h30m" });
    expect(expr("500ms")).toMatchObject({ kind: "duration", ms: 500 });
    expect(expr("2w")).toMatchObject({ kind: "duration", ms: 14 * 86_400_000 });
    expect(expr("64KiB")).toMatchObject({ kind: "size", bytes: 65536 });
    expect(expr("512B")).toMatchObject({ kind: "size", bytes: 512 });
    expect(expr("1GiB")).toMatchObject({ kind: "size", bytes: 2 ** 30 });
    expect(expr("20 USD")).toMatchObject({ kind: "money", micros: 20_000_000, currency: "USD", text: "20 USD" });
    expect(expr("0.15 USD")).toMatchObject({ kind: "money", micros: 150_000 });
  });

  it("reads lists and objects with trailing commas and keyword keys", () => {
    expect(show(expr("[1, 2,]"))).toBe("[1, 2]");
    expect(show(expr("[]"))).toBe("[]");
    expect(show(expr('{ mode: "auto", "a b": 1, path: [], }'))).toBe('{"mode": "auto", "a b": 1, "path": []}');
  });

  it("rejects a key written twice in an object", () => {
    expect(exprDiags("{ a: 1, a: 2 }").codes).toEqual(["1:9 TAL0203"]);
  });

  it("rejects money with more than 6 decimals", () => {
    expect(exprDiags("0.1234567 EUR").codes).toEqual(["1:1 TAL0404"]);
  });

  it("reads a number followed by a non-currency word as trailing input", () => {
    expect(exprDiags("impact > 500 foo").codes).toEqual(["1:14 TAL0201"]);
  });
});

describe("spans", () => {
  it("covers operands and operators", () => {
    const e = expr("  a.b ?? 0 > 5");
    expect([e.span.start, e.span.end]).toEqual([2, 14]);
    if (e.kind !== "binary") throw new Error();
    expect([e.left.span.start, e.left.span.end]).toEqual([2, 10]);
  });
});
