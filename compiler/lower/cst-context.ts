/**
 * Shared state and small helpers of the CST → AST lowering: spans from tokens and nodes, decoded
 * strings/names/durations, whole numbers, and the TAL0203 "set twice" bookkeeping. The lowering
 * runs only on a CST without syntax errors, so token children the grammar requires are present.
 */
import type { CstNode, IToken } from "chevrotain";
import * as T from "../../grammar/tokens.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import { decodeDuration, decodeNumber, decodeSize, decodeString } from "../parse/literals.js";
import { describeFound } from "../parse/token-describe.js";
import type { Source, Span } from "../source/source.js";
import type { Duration, Ident, Size, Str } from "./ast.js";

/** The first element of a child array the grammar guarantees. */
export function first<X>(xs: readonly X[] | undefined): X {
  return xs![0]!;
}

/** One lowering run over one source. */
export class LowerContext {
  constructor(
    readonly source: Source,
    readonly diags: Diagnostics,
  ) {}

  /** Span of a token. */
  tokSpan(tok: IToken): Span {
    return this.source.span(tok.startOffset, tok.startOffset + tok.image.length);
  }

  /** Span of a CST node (Chevrotain's `location.endOffset` is inclusive). */
  nodeSpan(node: CstNode): Span {
    const loc = node.location!;
    return this.source.span(loc.startOffset, (loc.endOffset ?? loc.startOffset) + 1);
  }

  /** Span from the start of `a` to the end of `b`. */
  between(a: IToken | CstNode, b: IToken | CstNode): Span {
    return this.source.span(this.startOf(a), this.endOf(b));
  }

  private startOf(x: IToken | CstNode): number {
    return "image" in x ? x.startOffset : x.location!.startOffset;
  }

  private endOf(x: IToken | CstNode): number {
    return "image" in x ? x.startOffset + x.image.length : (x.location!.endOffset ?? x.location!.startOffset) + 1;
  }

  /** The text a node was written as. */
  textOf(node: CstNode): string {
    const span = this.nodeSpan(node);
    return this.source.text.slice(span.start, span.end);
  }

  /** A string literal token, unescaped. */
  str(tok: IToken): Str {
    return { value: decodeString(tok.image).value, span: this.tokSpan(tok) };
  }

  /** A name token (identifier or keyword) as an `Ident`. */
  ident(tok: IToken): Ident {
    return { name: tok.image, span: this.tokSpan(tok) };
  }

  duration(tok: IToken): Duration {
    return { ms: decodeDuration(tok.image).ms, text: tok.image, span: this.tokSpan(tok) };
  }

  size(tok: IToken): Size {
    return { bytes: decodeSize(tok.image).bytes, text: tok.image, span: this.tokSpan(tok) };
  }

  /** A number token that must be a whole number (rates, quorums, limits); TAL0201 otherwise. */
  wholeNumber(tok: IToken): number {
    const { value } = decodeNumber(tok.image);
    if (!Number.isInteger(value)) {
      this.diags.report("TAL0201", this.tokSpan(tok), { args: { expected: "a whole number", found: describeFound(tok) } });
    }
    return value;
  }

  /** A name that must be one of `allowed` (classes, access, limit dimensions); TAL0201 otherwise. */
  oneOf(tok: IToken, allowed: readonly string[], what: string): Ident {
    if (!allowed.includes(tok.image)) {
      const help = didYouMean(tok.image, allowed);
      this.diags.report("TAL0201", this.tokSpan(tok), {
        args: { expected: `${what} (${allowed.map((a) => `\`${a}\``).join(", ")})`, found: describeFound(tok) },
        ...(help ? { help } : {}),
      });
    }
    return this.ident(tok);
  }

  /** True for a keyword or identifier token of exactly this keyword type. */
  is(tok: IToken | undefined, word: keyof typeof T.K): boolean {
    return tok !== undefined && tok.tokenType === T.K[word];
  }
}

/**
 * Tracks single-valued clauses of one block: the second occurrence of a clause is TAL0203,
 * with a note pointing at the first.
 */
export class OnceTracker {
  private readonly seen = new Map<string, Span>();

  constructor(
    private readonly ctx: LowerContext,
    private readonly block: string,
  ) {}

  /** Record `clause` at `span`; returns false (after reporting) when it was already set. */
  set(clause: string, span: Span): boolean {
    const before = this.seen.get(clause);
    if (before) {
      this.ctx.diags.report("TAL0203", span, {
        args: { clause, block: this.block },
        related: [{ span: before, message: "first set here" }],
      });
      return false;
    }
    this.seen.set(clause, span);
    return true;
  }
}
