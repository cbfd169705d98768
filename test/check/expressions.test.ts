import { describe, expect, test } from "vitest";
import { printExpr } from "../../compiler/ir/print.js";
import type { ExprIR } from "../../compiler/ir/ir.js";
import { PRELUDE, diagnostics, diagsAt, expectValid } from "./harness.js";

const withRule = (rule: string, extra = "") => `${PRELUDE}${extra}agent "a" {
  upstream "https://x"
  ${rule}
}
`;

function firstWhen(src: string): ExprIR {
  const r = expectValid(src).agents[0]!.rules[0]!;
  if (!("when" in r) || !r.when) throw new Error("rule has no condition");
  return r.when;
}

describe("expressions", () => {
  test("roots resolve; `unless e` lowers to `!e`", () => {
    expect(printExpr(firstWhen(withRule(`forbid tool x unless caller.id == "admin" && args.n > 3`)))).toBe('!((caller.id == "admin") && (args.n > 3))');
  });

  test("an unknown root is TAL0305 with did-you-mean", () => {
    const d = diagnostics(withRule(`forbid tool x when arg.n > 3`)).find((x) => x.code === "TAL0305")!;
    expect(`${d.span.line}:${d.span.col} ${d.message} | ${d.help}`).toBe("5:22 unknown root or function `arg` | did you mean `args`?");
  });

  test("unknown functions and methods are TAL0305", () => {
    expect(diagsAt(withRule(`forbid tool x when hass(args.n)`), ["TAL0305"])).toEqual(["TAL0305 5:22"]);
    expect(diagsAt(withRule(`forbid tool x when args.s.startswth("a")`), ["TAL0305"])).toEqual(["TAL0305 5:29"]);
  });

  test("`result`/`response` outside redact/block is TAL0407", () => {
    expect(diagsAt(withRule(`forbid tool x when result.ok == true`), ["TAL0407"])).toEqual(["TAL0407 5:22"]);
    expect(diagsAt(withRule(`block response when detect(response, jwt)`), ["TAL0407", "TAL0305"])).toEqual([]);
  });

  test("consts are inlined, quantifier variables bind, detectors resolve", () => {
    const src = withRule(`forbid tool x when args.nodes.exists(n, n in cp) || args.s matches pan`, `const cp = ["10.0.0.1", "10.0.0.2"]\ndetector pan { pattern /\\d{16}/ }\n`);
    expect(printExpr(firstWhen(src))).toBe('(args.nodes.exists($n, ($n in ["10.0.0.1", "10.0.0.2"])) || (args.s matches pan))');
  });

  test("YAML conditions are in args scope", () => {
    const yaml = `agent:
  name: "a"
  type: "mcp_proxy"
proxy:
  upstream:
    url: "https://x"
  allowed_tools: ["t"]
compliance:
  human_oversight:
    required_for:
      - tool: "t"
        conditions: ["impact > 500"]
`;
    const ir = expectValid({ "a.talon.yaml": yaml, "team.talon": 'talon 1\nteam approvers { approvers "a@x" }\nvendor "v" { token env("V") }\n' });
    const approve = ir.agents[0]!.rules.find((r) => r.kind === "approve")!;
    expect(approve.kind === "approve" && approve.when && printExpr(approve.when)).toBe("(args.impact > 500)");
  });
});

describe("condition checks", () => {
  test("an ordering of statically known, unorderable types is TAL0401", () => {
    expect(diagsAt(withRule(`forbid tool x when args.n > 3 && 5m > 3`), ["TAL0401"])).toEqual(["TAL0401 5:36"]);
    expect(diagnostics(withRule(`forbid tool x when lim > "500"`, `const lim = 500\n`)).find((d) => d.code === "TAL0401")?.message).toBe("cannot compare number with string");
    expect(diagsAt(withRule(`forbid tool x when 20 USD < 3 EUR || 1KiB < 2MiB || "a" < "b" || args.x < "b"`), ["TAL0401"])).toEqual(["TAL0401 5:22"]);
  });

  test("an unguarded argument path is TAL0403, saying what absence resolves to", () => {
    const ds = diagnostics(withRule(`approve tool x when args.priority == "urgent" || args.impact > 500 || args.impact < 0 by team ops`, `team ops { approvers "o@x" }\n`)).filter((d) => d.code === "TAL0403");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      "6:23 `args.priority` may be absent; the condition then resolves to unknown, and the `approve` fires; use `has()` or `??`",
      "6:52 `args.impact` may be absent; the condition then resolves to unknown, and the `approve` fires; use `has()` or `??`",
    ]);
    expect(ds.every((d) => d.severity === "warning")).toBe(true);
    expect(diagnostics(withRule(`grant anyone read on x when meta.tier == "gold"`)).find((d) => d.code === "TAL0403")?.message).toMatch(/the grant does not grant/);
    expect(diagsAt(withRule(`forbid tool x when has(args.a) && (args.b ?? 0) > 1 && caller.id == "v"`), ["TAL0403"])).toEqual([]);
  });

  test("a condition that is not a boolean is TAL0405", () => {
    const d = diagnostics(withRule(`forbid tool x when args.n + 1`)).find((x) => x.code === "TAL0405")!;
    expect(`${d.span.line}:${d.span.col} ${d.message}`).toBe("5:22 condition has type number, expected bool");
    expect(diagsAt(withRule(`forbid tool x when args.flag`), ["TAL0405"])).toEqual([]);
  });

  test("a condition that reads no request data is TAL0406, with its value", () => {
    expect(diagnostics(withRule(`forbid tool x when 1 == 1`)).find((d) => d.code === "TAL0406")?.message).toBe("condition is always true");
    expect(diagnostics(withRule(`forbid tool x unless "a" in hot`, `const hot = ["a"]\n`)).find((d) => d.code === "TAL0406")?.message).toBe("condition is always false");
    expect(diagsAt(withRule(`forbid tool x when args.a == 1`), ["TAL0406"])).toEqual([]);
  });

  test("quantifiers nest at most two deep (TAL0408)", () => {
    expect(diagsAt(withRule(`forbid tool x when args.a.exists(a, args.b.all(b, b == a))`), ["TAL0408"])).toEqual([]);
    expect(diagsAt(withRule(`forbid tool x when args.a.exists(a, args.b.all(b, args.c.exists(c, c == b)))`), ["TAL0408"])).toEqual(["TAL0408 5:53"]);
  });

  test("a time zone must be a valid IANA name as a string literal (TAL0409)", () => {
    expect(diagsAt(withRule(`forbid tool x when now.hour("Europe/Madrid") < 8 || now.weekday("UTC") == 7`), ["TAL0409"])).toEqual([]);
    expect(diagnostics(withRule(`forbid tool x when now.hour("Mars/Olympus") < 8`)).filter((d) => d.code === "TAL0409").map((d) => `${d.span.col} ${d.message}`)).toEqual(["31 unknown time zone `Mars/Olympus`"]);
    expect(diagsAt(withRule(`forbid tool x when now.hour(args.tz) < 8`), ["TAL0409"])).toEqual(["TAL0409 5:31"]);
  });

  test("a condition has at most 256 nodes (TAL0901); a list at most 4096 items (TAL0904)", () => {
    const long = Array.from({ length: 130 }, (_, i) => `args.a == ${i}`).join(" || ");
    expect(diagsAt(withRule(`forbid tool x when ${long}`), ["TAL0901"])).toEqual(["TAL0901 5:22"]);
    const items = Array.from({ length: 4097 }, (_, i) => String(i)).join(", ");
    expect(diagsAt(withRule(`forbid tool x when args.a in big`, `const big = [${items}]\n`), ["TAL0904"])).toEqual(["TAL0904 3:13"]);
  });

  test("`detect` takes a value and detector names (TAL0201); an unknown name is TAL0305 once", () => {
    const msgs = (rule: string) => diagnostics(withRule(rule)).filter((d) => d.code === "TAL0201" || d.code === "TAL0305").map((d) => `${d.code} ${d.message}`);
    expect(msgs(`forbid tool x when detect(args, "jwt")`)).toEqual(["TAL0201 expected a detector name, found a string as argument 2 of `detect`"]);
    expect(msgs(`forbid tool x when detect(args)`)).toEqual(["TAL0201 expected `detect(value, detector, …)`, found 1 argument(s)"]);
    expect(msgs(`forbid tool x when detect(args, jwtt)`)).toEqual(["TAL0305 unknown root or function `jwtt`"]);
    expect(msgs(`forbid tool x when detect(args.a, jwt, private_key, card)`)).toEqual([]);
  });

  test("what a condition cannot evaluate yet is a TAL1101 note (and unknown at run time)", () => {
    const notes = diagnostics(withRule(`forbid tool x when args.s matches email || args.s matches /(a+)+$/ || caller.attrs.tier == "x"`))
      .filter((d) => d.code === "TAL1101")
      .map((d) => d.message);
    expect(notes.join("\n")).toMatch(/caller\.attrs/);
    // Detectors and non-safe regexes run on the matchers the runtime lends the bundle: no note.
    expect(notes.join("\n")).not.toMatch(/detector|backtracking|detect/);
  });
});
