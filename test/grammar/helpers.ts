/** One-liners for grammar tests: parse text, look at diagnostics as `line:col code` strings. */
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import type { Expr, FileAst } from "../../compiler/lower/ast.js";
import { parseExpressionText, parseTalon } from "../../compiler/parse/parse.js";
import { Source } from "../../compiler/source/source.js";

export interface Parsed {
  readonly ast: FileAst | undefined;
  readonly diags: Diagnostics;
  readonly source: Source;
  /** `line:col CODE` per diagnostic, sorted. */
  readonly codes: string[];
  /** Rendered diagnostics, as the CLI prints them. */
  readonly rendered: string;
}

/** Parse `.talon` text. */
export function parse(text: string, path = "test.talon"): Parsed {
  const source = new Source(path, text);
  const diags = new Diagnostics();
  const ast = parseTalon(source, diags);
  return summarize(ast, diags, source);
}

/** Parse `talon 1` + text; for tests of a single construct. */
export function parseBody(body: string): Parsed {
  return parse(`talon 1\n${body}`);
}

function summarize<A>(ast: A, diags: Diagnostics, source: Source) {
  const sorted = diags.sorted();
  return {
    ast,
    diags,
    source,
    codes: sorted.map((d) => `${d.span.line}:${d.span.col} ${d.code}`),
    rendered: renderDiagnostics(sorted, new Map([[source.path, source]])),
  };
}

/** Parse one expression (the whole text); throws with the rendered diagnostics if it fails. */
export function expr(text: string): Expr {
  const source = new Source("expr.talon", text);
  const diags = new Diagnostics();
  const e = parseExpressionText(source, 0, text.length, diags);
  if (!e) throw new Error(`expression did not parse:\n${summarize(e, diags, source).rendered}`);
  return e;
}

/** Parse one expression and return the diagnostics summary. */
export function exprDiags(text: string) {
  const source = new Source("expr.talon", text);
  const diags = new Diagnostics();
  const e = parseExpressionText(source, 0, text.length, diags);
  return summarize(e, diags, source);
}

/** An expression as a compact, fully parenthesized string: `((a ?? 0) > 500)`. */
export function show(e: Expr): string {
  switch (e.kind) {
    case "binary":
      return `(${show(e.left)} ${e.op} ${show(e.right)})`;
    case "unary":
      return `(${e.op}${show(e.operand)})`;
    case "in_range":
      return `(${show(e.value)} in ${show(e.low)}..${show(e.high)})`;
    case "path":
      return e.root.name + e.steps.map((s) => (s.kind === "member" ? `.${s.name}` : `[${show(s.index)}]`)).join("");
    case "call":
      return `${e.target ? `${show(e.target)}.` : ""}${e.callee.name}(${e.args.map(show).join(", ")})`;
    case "list":
      return `[${e.items.map(show).join(", ")}]`;
    case "object":
      return `{${e.entries.map((x) => `${JSON.stringify(x.key)}: ${show(x.value)}`).join(", ")}}`;
    case "regex":
      return `/${e.source}/${e.flags}`;
    case "string":
      return JSON.stringify(e.value);
    case "number":
      return e.text;
    case "bool":
      return String(e.value);
    case "null":
      return "null";
    case "duration":
    case "size":
    case "money":
      return e.text;
  }
}

/** The first agent of a parsed file. */
export function agentOf(p: Parsed) {
  const a = p.ast?.decls.find((d) => d.kind === "agent");
  if (!a || a.kind !== "agent") throw new Error(`no agent:\n${p.rendered}`);
  return a;
}
