import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics, diagsAt } from "./harness.js";

const agent = (body: string) => `${PRELUDE}agent "a" {
  upstream "https://x"
  grant anyone read on "*"
${body}}
`;

describe("tool names and globs (§6)", () => {
  test("an exact name outside the alphabet or too long is a TAL0307 warning", () => {
    const long = "x".repeat(129);
    const src = agent(`  tool "bad name" { class read }\n  forbid tool "caf\u00e9"\n  tool "${long}" { class read }\n`);
    const ds = diagnostics(src).filter((d) => d.code === "TAL0307");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.severity}`)).toEqual(["6:8 warning", "7:15 warning", "8:8 warning"]);
  });

  test("a glob may only use `*` over the alphabet, and cannot be renamed (TAL0308)", () => {
    const src = agent(`  tool "zen?_*" { class read }\n  forbid tool "a[bc]*"\n  tool "t_*" -> "u" { class read }\n`);
    const ds = diagnostics(src).filter((d) => d.code === "TAL0308");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      "6:8 invalid glob `zen?_*`: only `*` over [A-Za-z0-9_.-/] is allowed, found `?`",
      "7:15 invalid glob `a[bc]*`: only `*` over [A-Za-z0-9_.-/] is allowed, found `[`",
      "8:8 invalid glob `t_*`: globs cannot be renamed",
    ]);
  });

  test("principal boundaries are checked too", () => {
    expect(diagsAt(`talon 1\nvendor "v" { token env("V") tools "a b*" }\n`, ["TAL0308"])).toEqual(["TAL0308 2:35"]);
  });
});

describe("exposures are 1:1 (TAL0306, TAL0302)", () => {
  test("a client name mapped to two upstream names", () => {
    const ds = diagnostics(agent(`  tool a -> "u1" { class read }\n  tool a -> "u2" { class read }\n`)).filter((d) => d.code === "TAL0306");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["7:8 tool `a` maps to two upstream tools `u1`, `u2`"]);
    expect(ds[0]!.related[0]!.span).toMatchObject({ line: 6, col: 8 });
  });

  test("an upstream name exposed under two client names", () => {
    const ds = diagnostics(agent(`  tool a -> "u" { class read }\n  tool b -> "u" { class read }\n`)).filter((d) => d.code === "TAL0306");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["7:8 upstream tool `u` is exposed under two client names `a`, `b`; renames are 1:1"]);
  });

  test("the same tool with two classes is a duplicate; the identical exposure twice is fine", () => {
    expect(diagsAt(agent(`  tool a { class read }\n  tool a { class write }\n`), ["TAL0302", "TAL0306"])).toEqual(["TAL0302 7:8"]);
    expect(diagsAt(agent(`  tool a { class read }\n  tool a { class read }\n`), ["TAL0302", "TAL0306"])).toEqual([]);
  });
});

describe("renames cannot smuggle a forbidden tool (TAL0511, TAL0510)", () => {
  test("a rename to a tool an unconditional forbid matches (case-insensitively) is an error", () => {
    const ds = diagnostics(agent(`  tool nice -> "Delete_All" { class read }\n  forbid tool "delete_*"\n`)).filter((d) => d.code === "TAL0511");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["6:8 `nice` renames to forbidden upstream tool `Delete_All`"]);
  });

  test("a forbid that matches both names, or only conditionally, is a note", () => {
    const src = agent(`  tool admin_x -> "admin_y" { class read }\n  forbid tool "admin_*"\n  tool r -> "rm" { class read }\n  forbid tool rm when args.force == true\n`);
    expect(diagsAt(src, ["TAL0510", "TAL0511"])).toEqual(["TAL0510 7:15", "TAL0510 9:15"]);
  });
});
