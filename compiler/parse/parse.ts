/**
 * The `.talon` front end's entry points: text → tokens → CST → AST, with every lexical and
 * syntax error reported as a diagnostic. A file (or expression) with any error yields
 * `undefined`, never a partial AST that could pass for a valid one.
 *
 * Stages: (1) lex, then report lexical problems from the token stream (`lex-check.ts`);
 * (2) check the `talon 1` header; (3) parse with Chevrotain's error recovery, resuming after an
 * unknown top-level word at the next declaration, so one run reports many errors; (4) CST checks
 * that name common mistakes (`cst-checks.ts`); (5) lower to the AST (`compiler/lower/cst-to-ast.ts`).
 */
import type { CstNode, IRecognitionException, IToken } from "chevrotain";
import { lexTalon, type LexResult } from "../../grammar/lexer.js";
import type { FileCstNode, StandaloneExprCstNode } from "../../grammar/talon.cst.js";
import * as T from "../../grammar/tokens.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { Expr, FileAst } from "../lower/ast.js";
import { cstToAst, exprCstToAst } from "../lower/cst-to-ast.js";
import type { Source } from "../source/source.js";
import { checkCst } from "./cst-checks.js";
import { checkLexical } from "./lex-check.js";
import { talonParser } from "./parser-instance.js";
import {
  followsDroppedCharacter,
  reportStrayTopLevel,
  reportSyntaxErrors,
  resumeIndex,
  tokenSpan,
  type ParseContext,
} from "./syntax-errors.js";
import { describeFound } from "./token-describe.js";

/** Parse a `.talon` file. Returns undefined when any error was reported. */
export function parseTalon(source: Source, diags: Diagnostics): FileAst | undefined {
  const mark = diags.items.length;
  const lexed = lexTalon(source.text);
  const ctx = parseContext(source, source.text.length, "end of file", lexed);
  checkLexical(source, 0, source.text.length, lexed, diags);
  checkHeader(ctx, lexed.tokens, diags);

  const parser = talonParser();
  parser.input = lexed.tokens;
  const cst = parser.file() as FileCstNode;
  reportParse(ctx, cst, parser.errors, diags);

  // After a word that cannot start a declaration, resume at the next one (braces balanced).
  // (Chevrotain's in-repetition recovery usually does this itself; this covers what it leaves.)
  let stray = findStray(parser.errors);
  while (stray) {
    if (!followsDroppedCharacter(ctx, stray)) reportStrayTopLevel(ctx, stray, diags);
    const resume = resumeIndex(lexed.tokens, lexed.tokens.indexOf(stray) + 1);
    if (resume >= lexed.tokens.length) break;
    parser.input = lexed.tokens.slice(resume);
    reportParse(ctx, parser.declarations(), parser.errors, diags);
    stray = findStray(parser.errors);
  }

  if (hasErrorsSince(diags, mark)) return undefined;
  const ast = cstToAst(cst, source, diags);
  return hasErrorsSince(diags, mark) ? undefined : ast;
}

/**
 * Parse `source.text.slice(start, end)` as one expression; spans are offsets into the whole
 * source (used by the YAML front end for `conditions: ["priority == 'urgent'"]`).
 */
export function parseExpressionText(source: Source, start: number, end: number, diags: Diagnostics): Expr | undefined {
  const mark = diags.items.length;
  const lexed = lexTalon(source.text.slice(start, end), start);
  const ctx = parseContext(source, end, "end of expression", lexed);
  checkLexical(source, start, end, lexed, diags);

  const parser = talonParser();
  parser.input = lexed.tokens;
  const cst = parser.standaloneExpr() as StandaloneExprCstNode;
  reportParse(ctx, cst, parser.errors, diags);
  const stray = findStray(parser.errors);
  if (stray && !followsDroppedCharacter(ctx, stray)) {
    diags.report("TAL0201", tokenSpan(ctx, stray), {
      args: { expected: "an operator or end of expression", found: describeFound(stray, ctx.endOfInput) },
    });
  }

  if (hasErrorsSince(diags, mark)) return undefined;
  const expr = exprCstToAst(cst, source, diags);
  return hasErrorsSince(diags, mark) ? undefined : expr;
}

function parseContext(source: Source, endOffset: number, endOfInput: string, lexed: LexResult): ParseContext {
  const droppedAt = lexed.errors.flatMap((e) => Array.from({ length: e.length }, (_, i) => e.offset + i));
  return { source, endOffset, endOfInput, tokens: lexed.tokens, droppedAt };
}

/** The file must open with `talon 1` (TAL0108). */
function checkHeader(ctx: ParseContext, tokens: readonly IToken[], diags: Diagnostics): void {
  const [head, version] = tokens;
  if (head?.tokenType === T.K.talon && version?.tokenType === T.NumberLit && version.image === "1") return;
  let v: string;
  let span = ctx.source.span(0, 0);
  if (head === undefined) {
    v = "end of file";
  } else if (head.tokenType === T.K.talon && version?.tokenType === T.NumberLit) {
    v = `talon ${version.image}`;
    span = ctx.source.span(head.startOffset, version.startOffset + version.image.length);
  } else {
    v = head.image;
    span = tokenSpan(ctx, head);
  }
  diags.report("TAL0108", span, { args: { v }, help: "start the file with `talon 1` (the language version)" });
}

function reportParse(ctx: ParseContext, cst: CstNode, errors: readonly IRecognitionException[], diags: Diagnostics): void {
  reportSyntaxErrors(ctx, errors, diags);
  checkCst(ctx.source, cst, diags);
}

/** The first token left over after the top rule (Chevrotain's NotAllInputParsedException). */
function findStray(errors: readonly IRecognitionException[]): IToken | undefined {
  return errors.find((e) => e.name === "NotAllInputParsedException")?.token;
}

function hasErrorsSince(diags: Diagnostics, mark: number): boolean {
  return diags.items.slice(mark).some((d) => d.severity === "error");
}
