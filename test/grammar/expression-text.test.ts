/** `parseExpressionText`: one expression inside a larger source (YAML `conditions`), with whole-source spans. */
import { describe, expect, it } from "vitest";
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import { parseExpressionText } from "../../compiler/parse/parse.js";
import { Source } from "../../compiler/source/source.js";
import { show } from "./helpers.js";

/** Parse the text between « and » of `marked`, as the YAML front end would. */
function inYaml(marked: string) {
  const start = marked.indexOf("«");
  const end = marked.indexOf("»") - 1;
  const source = new Source("agent.talon.yaml", marked.replace("«", "").replace("»", ""));
  const diags = new Diagnostics();
  const expr = parseExpressionText(source, start, end, diags);
  return { expr, diags: diags.sorted(), source };
}

describe("parseExpressionText", () => {
  it("parses a YAML condition with spans into the YAML file", () => {
    const { expr, diags, source } = inYaml(`compliance:\n  conditions: ["«priority == 'urgent'»", "x"]`);
    expect(diags).toEqual([]);
    expect(show(expr!)).toBe('(priority == "urgent")');
    expect(expr!.span).toMatchObject({ file: "agent.talon.yaml", line: 2, col: 17, endLine: 2, endCol: 37 });
    expect(source.text.slice(expr!.span.start, expr!.span.end)).toBe("priority == 'urgent'");
  });

  it("reports errors at YAML line:col", () => {
    const { expr, diags } = inYaml(`a:\n  - "«impact >»"`);
    expect(expr).toBeUndefined();
    expect(diags.map((d) => [d.code, d.span.line, d.span.col, d.message])).toEqual([["TAL0201", 2, 14, "expected an expression, found end of expression"]]);
  });

  it("reports trailing input", () => {
    const { diags } = inYaml(`c: "«impact > 500 urgent»"`);
    expect(diags.map((d) => [d.code, d.span.col, d.message])).toEqual([["TAL0201", 18, "expected an operator or end of expression, found identifier `urgent`"]]);
  });

  it("reports lexical and operator errors inside the slice only", () => {
    const { diags } = inYaml(`c: "«a and b & c»" & d`);
    expect(diags.map((d) => `${d.span.col} ${d.code}`)).toEqual(["7 TAL0204", "13 TAL0107"]);
  });

  it("rejects an empty condition", () => {
    const { diags } = inYaml(`c: "«»"`);
    expect(diags.map((d) => d.code)).toEqual(["TAL0201"]);
  });
});
