/**
 * Token types of `.talon` (LANGUAGE.md §2). Order matters: Chevrotain tries patterns in the order
 * of `allTokens` and takes the first match, so longer or more specific patterns come first —
 * raw strings before identifiers, `**` before `*`, `..` before `.`, `->` before `-`, durations and
 * sizes before plain numbers, and keywords longest first so `upstream_auth` is not read as
 * `upstream` (each keyword also has `longer_alt: Identifier`, so `reader` stays an identifier).
 *
 * Abstract categories (pattern `Lexer.NA`) let one `CONSUME` accept several token types:
 * `Name` (identifier or any keyword), `RootName` (identifier or a keyword that is an expression
 * root), `StringLit`, `RegexLit`, `DurationLit`, `SizeLit`, and `AnyButBrace` (used only to skip
 * the body of a not-yet-supported `gateway` block).
 *
 * Malformed literals are real tokens in their literal's category (`UnterminatedString` is a
 * `StringLit`, `BadDuration` a `DurationLit`, …): the parser reads on as if the literal were
 * fine and the lexical check reports the precise error, so one typo gives one diagnostic.
 */
import { createToken, Lexer, type TokenType } from "chevrotain";
import { KEYWORD_WORDS, ROOT_KEYWORDS, keywordTokenName, type KeywordWord } from "./keywords.js";
import { numericMatcher } from "./numeric.js";

// ─── Categories ────────────────────────────────────────────────────────────────────────────────

/** Any token but `{` and `}`: lets the parser skip a balanced block. */
export const AnyButBrace = createToken({ name: "AnyButBrace", pattern: Lexer.NA, label: "token" });
/** An identifier or any keyword: used where the grammar reads a name. */
export const Name = createToken({ name: "Name", pattern: Lexer.NA, label: "name" });
/** An identifier or a keyword that is an expression root (`caller`, `tool`, `agent`, `meta`, `response`). */
export const RootName = createToken({ name: "RootName", pattern: Lexer.NA, label: "name" });
export const StringLit = createToken({ name: "StringLit", pattern: Lexer.NA, label: "string" });
export const RegexLit = createToken({ name: "RegexLit", pattern: Lexer.NA, label: "regex" });
export const DurationLit = createToken({ name: "DurationLit", pattern: Lexer.NA, label: "duration" });
export const SizeLit = createToken({ name: "SizeLit", pattern: Lexer.NA, label: "size" });

const CATEGORIES = [AnyButBrace, Name, RootName, StringLit, RegexLit, DurationLit, SizeLit];

/** A concrete token; everything but braces also counts as `AnyButBrace`. */
function token(config: Parameters<typeof createToken>[0]): TokenType {
  const categories = [...((config.categories as TokenType[] | undefined) ?? []), AnyButBrace];
  return createToken({ ...config, categories });
}

// ─── Trivia ────────────────────────────────────────────────────────────────────────────────────

/** Whitespace; a byte-order mark is tolerated as whitespace. */
export const WhiteSpace = createToken({ name: "WhiteSpace", pattern: /[ \t\r\n\uFEFF]+/, group: Lexer.SKIPPED });
/** `# …` and `## …` to end of line. Doc comments are skipped like comments (see grammar/README.md). */
export const Comment = createToken({ name: "Comment", pattern: /#[^\n\r]*/, group: Lexer.SKIPPED });

// ─── Literals ──────────────────────────────────────────────────────────────────────────────────

export const Identifier = token({
  name: "Identifier",
  pattern: /[A-Za-z_][A-Za-z0-9_]*/,
  categories: [Name, RootName],
  label: "identifier",
});
export const DqString = token({ name: "DqString", pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*"/, categories: [StringLit], label: "string" });
export const SqString = token({ name: "SqString", pattern: /'(?:[^'\\\n\r]|\\[^\n\r])*'/, categories: [StringLit], label: "string" });
export const RawString = token({ name: "RawString", pattern: /r"[^"\n\r]*"|r'[^'\n\r]*'/, categories: [StringLit], label: "string" });
/** A string that reaches the end of its line; reported as TAL0101. */
export const UnterminatedString = token({
  name: "UnterminatedString",
  pattern: /"(?:[^"\\\n\r]|\\[^\n\r])*\\?|'(?:[^'\\\n\r]|\\[^\n\r])*\\?|r"[^"\n\r]*|r'[^'\n\r]*/,
  categories: [StringLit],
  label: "string",
});
/** `/body/flags`. A `[...]` class may hold `/`. There is no division, so `/` always starts a regex. */
export const Regex = token({
  name: "Regex",
  pattern: /\/(?:[^/\\\n\r[]|\\[^\n\r]|\[\^?\]?(?:[^\]\\\n\r]|\\[^\n\r])*\])*\/[A-Za-z]*/,
  categories: [RegexLit],
  label: "regex",
});
/** A regex that reaches the end of its line; reported as TAL0103. */
export const UnterminatedRegex = token({ name: "UnterminatedRegex", pattern: /\/[^\n\r]*/, categories: [RegexLit], label: "regex" });

const DIGITS = "0123456789".split("");
function numeric(name: string, cls: Parameters<typeof numericMatcher>[0], category: TokenType | undefined, label: string): TokenType {
  return token({
    name,
    pattern: { exec: numericMatcher(cls) },
    start_chars_hint: DIGITS,
    line_breaks: false,
    ...(category ? { categories: [category] } : {}),
    label,
  });
}
export const Duration = numeric("Duration", "duration", DurationLit, "duration");
export const Size = numeric("Size", "size", SizeLit, "size");
/** `1.5h`, `10mins`, `1y`: reported as TAL0105. */
export const BadDuration = numeric("BadDuration", "bad_duration", DurationLit, "duration");
/** `4MB`, `1kib`: reported as TAL0106. */
export const BadSize = numeric("BadSize", "bad_size", SizeLit, "size");
export const NumberLit = numeric("Number", "number", undefined, "number");

// ─── Punctuation ───────────────────────────────────────────────────────────────────────────────

function punct(name: string, pattern: RegExp, text: string): TokenType {
  return token({ name, pattern, label: `\`${text}\`` });
}
export const LBrace = createToken({ name: "LBrace", pattern: /{/, label: "`{`" });
export const RBrace = createToken({ name: "RBrace", pattern: /}/, label: "`}`" });
export const LBracket = punct("LBracket", /\[/, "[");
export const RBracket = punct("RBracket", /]/, "]");
export const LParen = punct("LParen", /\(/, "(");
export const RParen = punct("RParen", /\)/, ")");
export const Comma = punct("Comma", /,/, ",");
export const Colon = punct("Colon", /:/, ":");
export const AtSign = punct("AtSign", /@/, "@");
export const Arrow = punct("Arrow", /->/, "->");
export const DotDot = punct("DotDot", /\.\./, "..");
export const Dot = punct("Dot", /\./, ".");
export const DoubleStar = punct("DoubleStar", /\*\*/, "**");
export const Star = punct("Star", /\*/, "*");
export const EqEq = punct("EqEq", /==/, "==");
export const NotEq = punct("NotEq", /!=/, "!=");
export const LtEq = punct("LtEq", /<=/, "<=");
export const GtEq = punct("GtEq", />=/, ">=");
export const Lt = punct("Lt", /</, "<");
export const Gt = punct("Gt", />/, ">");
export const Assign = punct("Assign", /=/, "=");
export const AndAnd = punct("AndAnd", /&&/, "&&");
export const OrOr = punct("OrOr", /\|\|/, "||");
export const Bang = punct("Bang", /!/, "!");
export const Coalesce = punct("Coalesce", /\?\?/, "??");
export const Plus = punct("Plus", /\+/, "+");
export const Minus = punct("Minus", /-/, "-");

// ─── Keywords ──────────────────────────────────────────────────────────────────────────────────

/** Keyword token types by word: `K.forbid`, `K.read_write`. */
export const K = Object.fromEntries(
  KEYWORD_WORDS.map((word) => [
    word,
    token({
      name: keywordTokenName(word),
      pattern: new RegExp(word),
      longer_alt: Identifier,
      categories: ROOT_KEYWORDS.includes(word) ? [Name, RootName] : [Name],
      label: `\`${word}\``,
    }),
  ]),
) as Record<KeywordWord, TokenType>;

/** Keyword token types, longest word first, so a keyword never shadows a longer one. */
const KEYWORD_TOKENS = [...KEYWORD_WORDS].sort((a, b) => b.length - a.length || (a < b ? -1 : 1)).map((w) => K[w]);

/** All token types in lexing order, followed by the abstract categories. */
export const allTokens: TokenType[] = [
  WhiteSpace,
  Comment,
  DqString,
  SqString,
  RawString,
  UnterminatedString,
  Regex,
  UnterminatedRegex,
  Duration,
  Size,
  BadSize,
  BadDuration,
  NumberLit,
  ...KEYWORD_TOKENS,
  Identifier,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  LParen,
  RParen,
  Comma,
  Colon,
  AtSign,
  Arrow,
  DotDot,
  Dot,
  DoubleStar,
  Star,
  EqEq,
  NotEq,
  LtEq,
  GtEq,
  Lt,
  Gt,
  Assign,
  AndAnd,
  OrOr,
  Bang,
  Coalesce,
  Plus,
  Minus,
  ...CATEGORIES,
];
