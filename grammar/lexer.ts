/**
 * The `.talon` lexer: one Chevrotain `Lexer` over `allTokens`, built once. Positions are offsets
 * only; `Source` turns offsets into line:col when a span is made.
 */
import { Lexer, type ILexingError, type IToken } from "chevrotain";
import { allTokens } from "./tokens.js";

/** The lexer instance; `ensureOptimizations` makes a pattern that defeats first-char dispatch a build error. */
export const talonLexer = new Lexer(allTokens, {
  ensureOptimizations: true,
  positionTracking: "onlyOffset",
});

/** Tokens (with `startOffset` and inclusive `endOffset`) and unmatched-character runs of one text. */
export interface LexResult {
  readonly tokens: IToken[];
  /** Runs of characters no token matched: `[offset, offset + length)`. */
  readonly errors: readonly { readonly offset: number; readonly length: number }[];
}

/**
 * Tokenize `text`, reporting offsets as `base + offset` (so a slice of a larger source keeps the
 * larger source's offsets).
 */
export function lexTalon(text: string, base = 0): LexResult {
  const result = talonLexer.tokenize(text);
  // "onlyOffset" tracking leaves `endOffset` unset; the parser's node locations need it (inclusive).
  for (const t of result.tokens) {
    t.startOffset += base;
    t.endOffset = t.startOffset + t.image.length - 1;
  }
  const errors = result.errors.map((e: ILexingError) => ({ offset: e.offset + base, length: e.length }));
  return { tokens: result.tokens, errors };
}
