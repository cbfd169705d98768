/** Syntax diagnostics: header, expected/found, unknown declarations, word operators, recovery. */
import { describe, expect, it } from "vitest";
import { expr, parse, parseBody } from "./helpers.js";

describe("header", () => {
  it("TAL0108 when the file does not start with `talon 1`", () => {
    const p = parse('agent "x" { }');
    expect(p.codes).toEqual(["1:1 TAL0108"]);
    expect(p.diags.items[0]!.message).toBe("file must start with `talon 1` (found `agent`)");
    expect(p.ast).toBeUndefined();
  });

  it("TAL0108 names the wrong version and an empty file", () => {
    expect(parse("talon 2\n").diags.items.map((d) => d.message)).toEqual(["file must start with `talon 1` (found `talon 2`)"]);
    expect(parse("# only a comment\n").diags.items.map((d) => d.message)).toEqual(["file must start with `talon 1` (found `end of file`)"]);
  });

  it("accepts a header with comments before it and nothing after", () => {
    const p = parse("# policy\ntalon 1\n");
    expect(p.codes).toEqual([]);
    expect(p.ast).toMatchObject({ kind: "file", version: 1, decls: [], imports: [] });
  });

  it("reads imports", () => {
    const p = parse('talon 1\nimport "agents/*.talon.yaml"\nimport "b.talon"\n');
    expect(p.ast!.imports.map((i) => i.value)).toEqual(["agents/*.talon.yaml", "b.talon"]);
  });
});

describe("TAL0201 expected/found", () => {
  it("names the expected alternatives and the found token, with did-you-mean", () => {
    const p = parseBody('agent "x" { posture read_onyl }');
    expect(p.codes).toEqual(["2:21 TAL0201"]);
    const d = p.diags.items[0]!;
    expect(d.message).toBe("expected `read_only` or `read_write`, found identifier `read_onyl`");
    expect(d.help).toBe("did you mean `read_only`?");
  });

  it("points just after the last token at end of file", () => {
    const p = parseBody('agent "x" {\n  mode intercept');
    expect(p.codes).toEqual(["3:17 TAL0201"]);
    expect(p.diags.items[0]!.message).toBe("expected an agent item or `}`, found end of file");
  });

  it("explains an unknown agent item", () => {
    const p = parseBody('agent "x" {\n  upstrem "https://x"\n}');
    expect(p.codes).toEqual(["3:3 TAL0201"]);
    expect(p.diags.items[0]!.message).toBe("expected an agent item or `}`, found identifier `upstrem`");
    expect(p.diags.items[0]!.help).toBe("did you mean `upstream`?");
  });

  it("says when a keyword stands where a name belongs", () => {
    const p = parseBody("const read = 1");
    expect(p.diags.items[0]!.message).toBe("expected an identifier, found keyword `read`");
    expect(p.diags.items[0]!.help).toBe("`read` is a keyword; choose another name");
  });

  it("checks fixed vocabularies read as names", () => {
    const p = parseBody('agent "x" {\n  grant anyone reed on a\n  limit rate 1 per 1m by calller\n  forbid class destrutive\n}');
    expect(p.codes).toEqual(["3:16 TAL0201", "4:26 TAL0201", "5:16 TAL0201"]);
    expect(p.diags.sorted().map((d) => d.help)).toEqual(["did you mean `read`?", "did you mean `caller`?", "did you mean `destructive`?"]);
  });

  it("requires whole numbers for rates, bursts, quorums and limits", () => {
    const p = parseBody('agent "x" {\n  limit rate 1.5 per 1m burst 2.5\n  limits { max_depth 6.4 }\n  approve tool a by team t { quorum 0.5 }\n}');
    expect(p.codes).toEqual(["3:14 TAL0201", "3:31 TAL0201", "4:22 TAL0201", "5:37 TAL0201"]);
  });
});

describe("TAL0202 unknown declarations", () => {
  it("names the word, with did-you-mean", () => {
    const p = parseBody('agnet "x" { }');
    expect(p.codes).toEqual(["2:1 TAL0202"]);
    expect(p.diags.items[0]!.message).toBe("unknown declaration `agnet`");
    expect(p.diags.items[0]!.help).toBe("did you mean `agent`?");
  });

  it("says where a misplaced agent item belongs", () => {
    const p = parseBody("forbid tool x");
    expect(p.codes).toEqual(["2:1 TAL0202"]);
    expect(p.diags.items[0]!.help).toBe('`forbid` belongs inside an `agent "…" { }` block');
  });

  it("reports `gateway` as not supported yet, once, and goes on", () => {
    const p = parseBody('gateway "llm" {\n  provider openai { upstream "https://api.openai.com" }\n  budget caller "x" 20 USD per day hard\n}\nconst a = b &&');
    expect(p.codes).toEqual(["2:1 TAL0202", "6:15 TAL0201"]);
    expect(p.diags.sorted()[0]!.help).toContain("not supported yet");
  });

  it("reports a non-word where a declaration belongs as TAL0201", () => {
    const p = parseBody('}\nconst a = 1');
    expect(p.codes).toEqual(["2:1 TAL0201"]);
    expect(p.diags.items[0]!.message).toBe("expected a declaration, found `}`");
  });
});

describe("word operators and `=`", () => {
  it("TAL0204 for and/or/not, with a fix", () => {
    const p = parseBody("const a = x and y or not z");
    expect(p.codes).toEqual(["2:13 TAL0204", "2:19 TAL0204", "2:22 TAL0204"]);
    expect(p.diags.sorted().map((d) => [d.message, d.fix?.replacement])).toEqual([
      ["`and` is not an operator; use `&&` `||` `!`", "&&"],
      ["`or` is not an operator; use `&&` `||` `!`", "||"],
      ["`not` is not an operator; use `&&` `||` `!`", "!"],
    ]);
    expect(p.ast).toBeUndefined();
  });

  it("TAL0205 for `=` in a condition, with a fix", () => {
    const p = parseBody('agent "x" { forbid tool a when args.mode = "x" }');
    expect(p.codes).toEqual(["2:42 TAL0205"]);
    expect(p.diags.items[0]!.fix?.replacement).toBe("==");
  });

  it("still allows `and`, `or`, `not` as member names", () => {
    expect(expr("args.and || args.not.or")).toMatchObject({ kind: "binary", op: "||" });
  });
});

describe("recovery", () => {
  it("reports several errors in one file, across declarations and blocks", () => {
    const p = parseBody(
      [
        'agent "a" {',
        "  mode intercpt",
        "  upstrem \"https://x\"",
        "  forbid tool t when args.x = 1",
        "  limit rate 5 per 10mins",
        "}",
        'polcy "y" { forbid tool x }',
        'const s = "bad \\q"',
        "team t { members 1 }",
        "const z = a and b",
      ].join("\n"),
    );
    expect(p.codes).toEqual([
      "3:8 TAL0201",
      "4:3 TAL0201",
      "5:29 TAL0205",
      "6:20 TAL0105",
      "8:1 TAL0202",
      "9:16 TAL0102",
      "10:18 TAL0201",
      "11:13 TAL0204",
    ]);
    expect(p.ast).toBeUndefined();
  });

  it("does not pile a syntax error on a dropped character", () => {
    expect(parseBody("const a = b & c").codes).toEqual(["2:13 TAL0107"]);
    expect(parseBody('agent "x" { forbid tool a when b | c }').codes).toEqual(["2:34 TAL0107"]);
  });

  it("never returns an AST when a lowering error was reported", () => {
    const p = parseBody('agent "x" { mode intercept mode shadow }');
    expect(p.codes).toEqual(["2:28 TAL0203"]);
    expect(p.ast).toBeUndefined();
  });
});
