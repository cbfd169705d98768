/**
 * Chevrotain recognition errors → diagnostics. Every syntax error is TAL0201 `expected X, found Y`
 * (X from the message provider, Y from the token); an unknown word where a declaration belongs is
 * TAL0202. Errors are reported once per token: recovery can fail more than once at one place.
 */
import { EOF, type IRecognitionException, type IToken } from "chevrotain";
import * as T from "../../grammar/tokens.js";
import { AGENT_ITEM_WORDS, DECLARATION_WORDS } from "../../grammar/keywords.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Source, Span } from "../source/source.js";
import { BLOCK_ITEMS, decodeExpected } from "./error-messages.js";
import { describeFound } from "./token-describe.js";

/** Where a parse ran: the source, its tokens, and what "end of input" is called there. */
export interface ParseContext {
  readonly source: Source;
  /** Offset of the end of the parsed text (where an EOF token "is"). */
  readonly endOffset: number;
  /** `end of file` for files, `end of expression` for YAML conditions. */
  readonly endOfInput: string;
  readonly tokens: readonly IToken[];
  /** Offsets of characters the lexer dropped (already reported as TAL0107). */
  readonly droppedAt: readonly number[];
}

/** The span of a token, or — for EOF or an inserted token — the point just after `previous`. */
export function tokenSpan(ctx: ParseContext, tok: IToken, previous?: IToken): Span {
  if (tok.tokenType !== EOF && Number.isFinite(tok.startOffset)) {
    return ctx.source.span(tok.startOffset, tok.startOffset + tok.image.length);
  }
  const at = previous && Number.isFinite(previous.startOffset) ? previous.startOffset + previous.image.length : ctx.endOffset;
  return ctx.source.span(at, at);
}

/**
 * Report recognition errors (not NotAllInputParsed: the caller decides what trailing input means).
 * An error right after a character the lexer dropped is a consequence of that character and is
 * not reported again.
 */
export function reportSyntaxErrors(ctx: ParseContext, errors: readonly IRecognitionException[], diags: Diagnostics): void {
  const seen = new Set<number>();
  for (const e of errors) {
    if (e.name === "NotAllInputParsedException") continue;
    const span = tokenSpan(ctx, e.token, (e as { previousToken?: IToken }).previousToken);
    if (seen.has(span.start) || followsDroppedCharacter(ctx, e.token)) continue;
    seen.add(span.start);
    const info = decodeExpected(e.message);
    reportSkippedItems(ctx, e, diags);
    if (info.stray) {
      reportStrayTopLevel(ctx, e.token, diags);
      continue;
    }
    const found = describeFound(e.token, ctx.endOfInput);
    let help: string | undefined;
    if (e.token.tokenType === T.Identifier && info.suggest?.length) help = didYouMean(e.token.image, info.suggest);
    else if (info.wantsIdentifier && Object.values(T.K).includes(e.token.tokenType)) {
      help = `\`${e.token.image}\` is a keyword; choose another name`;
    }
    diags.report("TAL0201", span, { args: { expected: info.expected, found }, ...(help ? { help } : {}) });
  }
}

/** True when the lexer dropped a character between `tok` and the token before it. */
export function followsDroppedCharacter(ctx: ParseContext, tok: IToken): boolean {
  if (ctx.droppedAt.length === 0) return false;
  const at = tok.tokenType === EOF || !Number.isFinite(tok.startOffset) ? ctx.endOffset : tok.startOffset;
  const i = ctx.tokens.findLastIndex((t) => t.startOffset < at);
  const from = i < 0 ? 0 : ctx.tokens[i]!.startOffset + ctx.tokens[i]!.image.length;
  return ctx.droppedAt.some((o) => o >= from && o < at);
}

/**
 * Recovery skips tokens to re-synchronise, and a second mistake among them would go unseen. An
 * identifier that starts a line inside a block is almost surely a misspelt item keyword
 * (`upstrem "…"` after a bad `mode` line), so it is reported as one.
 */
function reportSkippedItems(ctx: ParseContext, e: IRecognitionException, diags: Diagnostics): void {
  const skipped = (e as { resyncedTokens?: IToken[] }).resyncedTokens ?? [];
  const blockRule = [...e.context.ruleStack].reverse().find((r) => BLOCK_ITEMS[r] !== undefined);
  const block = blockRule === undefined ? undefined : BLOCK_ITEMS[blockRule];
  if (!block) return;
  for (const tok of skipped) {
    if (tok === e.token || tok.tokenType !== T.Identifier || !startsLine(ctx, tok)) continue;
    const help = didYouMean(tok.image, block.words);
    diags.report("TAL0201", tokenSpan(ctx, tok), {
      args: { expected: `${block.what} or \`}\``, found: describeFound(tok) },
      ...(help ? { help } : {}),
    });
  }
}

function startsLine(ctx: ParseContext, tok: IToken): boolean {
  const { line, col } = ctx.source.position(tok.startOffset);
  return /^\s*$/.test(ctx.source.lineText(line).slice(0, col - 1));
}

/**
 * Report the token where declarations stopped: TAL0202 for a word (unknown or misplaced),
 * TAL0201 for anything else.
 */
export function reportStrayTopLevel(ctx: ParseContext, tok: IToken, diags: Diagnostics): void {
  const span = tokenSpan(ctx, tok);
  const word = tok.image;
  const isKeyword = Object.values(T.K).includes(tok.tokenType);
  if (tok.tokenType === T.Identifier || isKeyword) {
    let help: string | undefined;
    if (tok.tokenType === T.K.import) help = "imports come right after `talon 1`, before any declaration";
    else if (tok.tokenType === T.K.talon) help = "`talon 1` is written once, at the top of the file";
    else if (AGENT_ITEM_WORDS.includes(word as never)) help = `\`${word}\` belongs inside an \`agent "…" { }\` block`;
    else help = didYouMean(word, DECLARATION_WORDS) ?? `declarations are ${DECLARATION_WORDS.filter((w) => w !== "gateway").map((w) => `\`${w}\``).join(", ")}`;
    diags.report("TAL0202", span, { args: { kw: word }, help });
    return;
  }
  diags.report("TAL0201", span, { args: { expected: "a declaration", found: describeFound(tok, ctx.endOfInput) } });
}

const RESUME_AT = new Set([T.AtSign, ...DECLARATION_WORDS.map((w) => T.K[w])]);

/** The index of the next token at brace depth 0 that can start a declaration (or `tokens.length`). */
export function resumeIndex(tokens: readonly IToken[], from: number): number {
  let depth = 0;
  for (let i = from; i < tokens.length; i++) {
    const t = tokens[i]!.tokenType;
    if (t === T.LBrace) depth++;
    else if (t === T.RBrace) depth = Math.max(0, depth - 1);
    else if (depth === 0 && RESUME_AT.has(t)) return i;
  }
  return tokens.length;
}
