/**
 * `talonc fmt`: canonical layout of `.talon` source. A token-stream formatter: the lexer's tokens,
 * the comments found between them and the layout facts of the syntax tree (layout.ts) are
 * re-joined with normalized whitespace. It only ever changes whitespace, quote style of `'…'`
 * strings and adds parentheses around `??` chains (§5), so the canonical IR cannot change; every
 * comment stays where it was.
 *
 * Rules: two-space indentation per block level; each declaration, agent item and test statement
 * on its own line; small settings blocks (`compliance { … }`) stay on one line when written on
 * one, entries separated by two spaces, else one entry per line; single spaces around binary
 * operators and after commas; a line break the author put inside a statement is kept (the next
 * line indented one level more); runs of blank lines collapse to one; field paths and `gateway`
 * bodies are printed exactly as written. A file with errors is refused with the parser's
 * diagnostics.
 */
import type { CstNode, IToken, TokenType } from "chevrotain";
import { lexTalon } from "../../grammar/lexer.js";
import * as T from "../../grammar/tokens.js";
import { quoteString } from "../convert/quote.js";
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { decodeString } from "../parse/literals.js";
import { parseTalon } from "../parse/parse.js";
import { talonParser } from "../parse/parser-instance.js";
import { Source } from "../source/source.js";
import { layoutOf, type BlockKind, type Layout } from "./layout.js";

/** What `formatTalon` returns: the formatted text, or the diagnostics that refused it. */
export type FormatResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly diagnostics: Diagnostics; readonly source: Source };

/** One thing to print: a token, a comment, a verbatim range or an inserted parenthesis. */
interface Unit {
  readonly kind: "token" | "comment" | "verbatim" | "paren";
  readonly text: string;
  /** Source offsets `[start, end)`; an inserted `(` or `)` is empty at its position. */
  readonly start: number;
  readonly end: number;
  /** The first source token of the unit (a verbatim range's first token). */
  readonly tok?: IToken;
}

/** Format one `.talon` file. */
export function formatTalon(path: string, text: string): FormatResult {
  const source = new Source(path, text);
  const diagnostics = new Diagnostics();
  if (!parseTalon(source, diagnostics) || diagnostics.hasErrors) return { ok: false, diagnostics, source };
  const { tokens } = lexTalon(text);
  const parser = talonParser();
  parser.input = tokens;
  const cst = parser.file() as CstNode;
  if (parser.errors.length > 0) throw new Error(`fmt: the parser rejected ${path} on the second pass`);
  const layout = layoutOf(cst);
  return { ok: true, text: print(units(text, tokens, layout), layout, text) };
}

/** Comments in the whitespace-and-comments gap `text[from, to)`. */
function commentsIn(text: string, from: number, to: number, out: Unit[]): void {
  const re = /#[^\n\r]*/g;
  const gap = text.slice(from, to);
  for (let m = re.exec(gap); m; m = re.exec(gap)) {
    out.push({ kind: "comment", text: m[0].trimEnd(), start: from + m.index, end: from + m.index + m[0].length });
  }
}

function units(text: string, tokens: readonly IToken[], layout: Layout): Unit[] {
  const out: Unit[] = [];
  const verbatimAt = new Map(layout.verbatim.map(([s, e]) => [s, e]));
  let pos = 0;
  for (let i = 0; i < tokens.length; i++) {
    const tok = tokens[i]!;
    commentsIn(text, pos, tok.startOffset, out);
    for (let n = layout.openParens.get(tok.startOffset) ?? 0; n > 0; n--) out.push({ kind: "paren", text: "(", start: tok.startOffset, end: tok.startOffset });
    const vEnd = verbatimAt.get(tok.startOffset);
    let last = tok;
    if (vEnd !== undefined) {
      while (i + 1 < tokens.length && tokens[i + 1]!.startOffset <= vEnd) last = tokens[++i]!;
      out.push({ kind: "verbatim", text: text.slice(tok.startOffset, last.endOffset! + 1), start: tok.startOffset, end: last.endOffset! + 1, tok });
    } else {
      out.push({ kind: "token", text: tokenText(tok), start: tok.startOffset, end: tok.endOffset! + 1, tok });
    }
    for (let n = layout.closeParens.get(last.endOffset!) ?? 0; n > 0; n--) out.push({ kind: "paren", text: ")", start: last.endOffset! + 1, end: last.endOffset! + 1 });
    pos = last.endOffset! + 1;
  }
  commentsIn(text, pos, text.length, out);
  return out;
}

/** A token as printed: `'…'` strings become `"…"`; everything else as written. */
function tokenText(tok: IToken): string {
  if (tok.tokenType === T.SqString) return quoteString(decodeString(tok.image).value);
  return tok.image;
}

const is = (u: Unit | undefined, type: TokenType) => u?.kind === "token" && u.tok!.tokenType === type;
const isParen = (u: Unit | undefined, p: "(" | ")") => u?.kind === "paren" && u.text === p;

interface OpenBlock {
  readonly kind: BlockKind;
  readonly close: number;
  /** An "entries" or "object" block written on one line stays on one line. */
  readonly inline: boolean;
}

function print(us: readonly Unit[], layout: Layout, text: string): string {
  let out = "";
  let depth = 0; // block indentation level
  let brackets = 0; // open ( [ and object { inside the current statement
  const stack: OpenBlock[] = [];
  const newlinesBetween = (a: Unit, b: Unit) => (text.slice(a.end, b.start).match(/\n/g) ?? []).length;
  const top = () => stack[stack.length - 1];

  for (let i = 0; i < us.length; i++) {
    const u = us[i]!;
    const p = i > 0 ? us[i - 1] : undefined;
    const closesBlock = u.kind === "token" && u.tok!.tokenType === T.RBrace && top()?.close === u.start ? top() : undefined;
    const closer = closesBlock?.kind === "object" || is(u, T.RParen) || is(u, T.RBracket) || isParen(u, ")");

    let sep: { lines: number } | { spaces: number };
    if (!p) sep = { spaces: 0 };
    else {
      const nl = newlinesBetween(p, u);
      const afterOpen = p.kind === "token" && layout.blocks.has(p.start);
      const keepBlank = nl >= 2 && !afterOpen ? 2 : 1;
      if (p.kind === "comment") sep = { lines: keepBlank };
      else if (u.kind === "comment") sep = nl > 0 ? { lines: keepBlank } : { spaces: 2 };
      else if (closesBlock && closesBlock.kind !== "object" && !closesBlock.inline) sep = afterOpen ? { spaces: 0 } : { lines: 1 };
      else if (closesBlock) sep = afterOpen ? { spaces: 0 } : closesBlock.inline || nl === 0 ? { spaces: 1 } : { lines: 1 };
      else if (layout.statementStarts.has(u.start) && u.kind !== "paren") sep = { lines: keepBlank };
      else if (layout.afterAnnotations.has(u.start) && u.kind !== "paren" && nl > 0) sep = { lines: 1 };
      else if (layout.entryStarts.has(u.start) && u.kind !== "paren" && top()?.kind === "entries") {
        sep = top()!.inline ? { spaces: afterOpen ? 1 : 2 } : { lines: keepBlank };
      } else if (afterOpen && top()?.kind !== "object" && !top()?.inline) sep = { lines: 1 };
      else if (nl > 0 && !(top()?.inline ?? false) && !isCurrency(u, layout)) sep = { lines: 1 };
      else sep = { spaces: spacing(p, u, layout) };
    }

    // Indentation of a new line: the block level, plus continuation inside a statement.
    if ("lines" in sep) {
      let indent = depth;
      if (closesBlock && closesBlock.kind !== "object") indent = depth - 1;
      else if (u.kind === "comment") indent = depth + brackets;
      else if (layout.statementStarts.has(u.start) || layout.afterAnnotations.has(u.start) || (layout.entryStarts.has(u.start) && top()?.kind === "entries")) indent = depth;
      else indent = depth + (closer ? brackets - 1 : Math.max(1, brackets));
      out = out.replace(/[ \t]+$/, "") + "\n".repeat(sep.lines) + "  ".repeat(Math.max(0, indent));
    } else out += " ".repeat(sep.spaces);
    out += u.text;

    // Update the nesting after printing `u`.
    if (u.kind === "token" && u.tok!.tokenType === T.LBrace) {
      const b = layout.blocks.get(u.start);
      if (b) {
        const inline = b.kind === "statements" ? false : !text.slice(u.start, b.close).includes("\n");
        stack.push({ kind: b.kind, close: b.close, inline });
        if (b.kind === "object") brackets++;
        else {
          depth++;
          brackets = 0;
        }
      }
    } else if (closesBlock) {
      stack.pop();
      if (closesBlock.kind === "object") brackets--;
      else depth--;
    } else if (is(u, T.LParen) || is(u, T.LBracket) || isParen(u, "(")) brackets++;
    else if (closer) brackets--;
  }
  return out.replace(/[ \t]+$/, "") + "\n";
}

/** The currency code of a money literal (`20 USD`): always on the amount's line. */
function isCurrency(u: Unit, layout: Layout): boolean {
  return u.kind === "token" && u.tok!.tokenType === T.Identifier && layout.parents.get(u.start)?.node === "literal";
}

/** Spaces between two units on one line. */
function spacing(p: Unit, u: Unit, layout: Layout): number {
  const pt = p.kind === "token" ? p.tok!.tokenType : undefined;
  const ut = u.kind === "token" ? u.tok!.tokenType : undefined;
  if (isParen(p, "(") || isParen(u, ")")) return 0;
  if (ut === T.Comma || ut === T.RParen || ut === T.RBracket || ut === T.Dot || ut === T.DotDot || ut === T.Colon) return 0;
  if (pt === T.LParen || pt === T.LBracket || pt === T.Dot || pt === T.DotDot || pt === T.AtSign) return 0;
  if (pt === T.Bang) return 0;
  if (pt === T.Minus) {
    const node = layout.parents.get(p.start)?.node;
    if (node === "unaryExpr" || node === "rangeBound") return 0;
  }
  if (ut === T.LParen) {
    const parent = layout.parents.get(u.start);
    return parent?.node === "primary" && parent.first ? 1 : 0; // a group vs a call
  }
  if (ut === T.LBracket && layout.parents.get(u.start)?.node === "postfixOp") return 0; // indexing
  return 1;
}
