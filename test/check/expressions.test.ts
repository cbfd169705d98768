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
