/** Lexical diagnostics (LANGUAGE.md §2), each at an exact line:col. */
import { describe, expect, it } from "vitest";
import { parse, parseBody } from "./helpers.js";

/** `line:col CODE` list for `talon 1\n` + body (so the body starts on line 2). */
const codes = (body: string) => parseBody(body).codes;

describe("strings", () => {
  it("TAL0101 unterminated string, both quote kinds and raw", () => {
    expect(codes('const a = "abc\nconst b = 1')).toEqual(["2:11 TAL0101"]);
    expect(codes("const a = 'abc")).toEqual(["2:11 TAL0101"]);
    expect(codes('const a = r"abc')).toEqual(["2:11 TAL0101"]);
    expect(codes('const a = "ends with escaped quote\\"')).toEqual(["2:11 TAL0101"]);
  });

  it("TAL0102 invalid escapes, each at the backslash", () => {
    const p = parseBody('const a = "x\\qy\\u{110000}z\\u{D800}\\u00e9"');
    expect(p.codes).toEqual(["2:13 TAL0102", "2:16 TAL0102", "2:27 TAL0102", "2:35 TAL0102"]);
    expect(p.diags.sorted().map((d) => d.message)).toEqual([
      "invalid escape sequence `\\q`",
      "invalid escape sequence `\\u{110000}`",
      "invalid escape sequence `\\u{D800}`",
      "invalid escape sequence `\\u`",
    ]);
  });

  it("accepts every valid escape and raw strings", () => {
    const p = parseBody(`const a = "\\n\\t\\r\\\\\\"\\'\\u{41}\\u{1F600}"\nconst b = r"\\q"`);
    expect(p.codes).toEqual([]);
    const [a, b] = p.ast!.decls;
    expect(a).toMatchObject({ value: { kind: "string", value: "\n\t\r\\\"'A\u{1F600}" } });
    expect(b).toMatchObject({ value: { kind: "string", value: "\\q" } });
  });
});

describe("regexes", () => {
  it("TAL0103 for unknown and repeated flags, syntax errors, unterminated and empty regexes", () => {
    expect(codes("const a = /x/g")).toEqual(["2:14 TAL0103"]);
    expect(codes("const a = /x/ii")).toEqual(["2:15 TAL0103"]);
    expect(codes("const a = /(x/")).toEqual(["2:12 TAL0103"]);
    expect(codes("const a = /abc")).toEqual(["2:11 TAL0103"]);
    expect(codes("const a = //")).toEqual(["2:11 TAL0103"]);
  });

  it("TAL0104 for backreferences and lookaround, at the feature", () => {
    const p = parseBody("const a = /(a)\\1(?=b)(?!c)(?<=d)(?<!e)\\k<n>/");
    expect(p.codes).toEqual(["2:15 TAL0104", "2:17 TAL0104", "2:22 TAL0104", "2:27 TAL0104", "2:33 TAL0104", "2:39 TAL0104"]);
    expect(p.diags.sorted()[0]!.message).toBe("regex feature outside RE2: backreference `\\1`");
  });

  it("does not mistake escapes or classes for RE2 violations", () => {
    expect(codes("const a = /[(?=]\\(?=x\\\\1[/]/")).toEqual([]);
  });
});

describe("numbers, durations, sizes", () => {
  it("TAL0110 beyond 2^53, including durations and sizes", () => {
    expect(codes("const a = 9007199254740993")).toEqual(["2:11 TAL0110"]);
    expect(codes("const a = 9007199254740992.5")).toEqual(["2:11 TAL0110"]);
    expect(codes("const a = 9007199254740992")).toEqual([]);
    expect(codes("const a = 200000000000w")).toEqual(["2:11 TAL0110"]);
    expect(codes("const a = 99999999999GiB")).toEqual(["2:11 TAL0110"]);
  });

  it("TAL0105 for bad durations", () => {
    for (const bad of ["10mins", "1y", "1.5h", "1h30", "30m1h", "1h1h", "5x"]) {
      expect(codes(`const a = ${bad}`), bad).toEqual(["2:11 TAL0105"]);
    }
  });

  it("TAL0106 for bad sizes", () => {
    for (const bad of ["4MB", "1kib", "2GB", "10b", "1.5MiB"]) {
      expect(codes(`const a = ${bad}`), bad).toEqual(["2:11 TAL0106"]);
    }
  });

  it("TAL0107 for a misplaced `_` in a number", () => {
    expect(codes("const a = 1_000_")).toEqual(["2:16 TAL0107"]);
    expect(codes("const a = 1__0")).toEqual(["2:12 TAL0107"]);
  });

  it("lexes ranges without taking `1.` as a number", () => {
    expect(parseBody("const a = x in 1..5").codes).toEqual([]);
  });
});

describe("characters", () => {
  it("TAL0107 names the unexpected character", () => {
    const p = parseBody("const a = b & c\nconst d = é");
    expect(p.codes).toEqual(["2:13 TAL0107", "3:11 TAL0107"]);
    expect(p.diags.sorted().map((d) => d.message)).toEqual(["unexpected character `&`", "unexpected character `é`"]);
  });

  it("TAL0107 shows invisible characters as code points", () => {
    const p = parseBody("const a = 1\u00a0");
    expect(p.diags.sorted().map((d) => d.message)).toEqual(["unexpected character `U+00A0`"]);
  });

  it("TAL0109 for bidi controls anywhere: code, strings, comments", () => {
    expect(codes('const a = "x\u202Ey" # \u2066\nconst b = 1 \u2069')).toEqual(["2:13 TAL0109", "2:19 TAL0109", "3:13 TAL0109"]);
  });

  it("skips comments and doc comments", () => {
    expect(parse("# header comment\ntalon 1 # trailing\n## doc\nconst a = 1").codes).toEqual([]);
  });
});
