/**
 * Lexical diagnostics (LANGUAGE.md §2): bidi controls (TAL0109), unexpected characters (TAL0107),
 * and malformed literals — unterminated strings (TAL0101), bad escapes (TAL0102), bad regexes
 * (TAL0103/0104), bad durations and sizes (TAL0105/0106), out-of-range numbers (TAL0110). These run
 * on the token stream, independent of the parse, so every lexical error is reported even when
 * the parse fails.
 */
import type { IToken } from "chevrotain";
import * as T from "../../grammar/tokens.js";
import type { LexResult } from "../../grammar/lexer.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { Source } from "../source/source.js";
import { decodeDuration, decodeNumber, decodeSize, decodeString } from "./literals.js";
import { checkRegex } from "./regex-check.js";

const BIDI = /[\u202A-\u202E\u2066-\u2069]/g;
const IS_BIDI = /^[\u202A-\u202E\u2066-\u2069]$/;

/** Report every lexical problem of `[start, end)` of `source`, already tokenized as `lexed`. */
export function checkLexical(source: Source, start: number, end: number, lexed: LexResult, diags: Diagnostics): void {
  const text = source.text.slice(start, end);
  for (const m of text.matchAll(BIDI)) {
    const at = start + m.index;
    diags.report("TAL0109", source.span(at, at + 1), {
      help: `remove U+${m[0].codePointAt(0)!.toString(16).toUpperCase()}: bidi controls make text display differently from how it parses`,
    });
  }
  for (const e of lexed.errors) reportUnexpected(source, e.offset, e.offset + e.length, diags);
  for (const tok of lexed.tokens) checkToken(source, tok, diags);
}

function reportUnexpected(source: Source, from: number, to: number, diags: Diagnostics): void {
  for (let i = from; i < to; ) {
    const cp = source.text.codePointAt(i)!;
    const ch = String.fromCodePoint(cp);
    const next = i + ch.length;
    // Bidi controls were reported as TAL0109 already.
    if (!IS_BIDI.test(ch)) {
      const help = UNEXPECTED_HELP[ch] ?? (/\p{L}/u.test(ch) ? "identifiers are ASCII letters, digits and `_`; put other text in a string" : undefined);
      diags.report("TAL0107", source.span(i, next), { args: { c: printable(ch) }, ...(help ? { help } : {}) });
    }
    i = next;
  }
}

const UNEXPECTED_HELP: Readonly<Record<string, string>> = {
  "&": "logical and is `&&`",
  "|": "logical or is `||`",
  "?": "the default operator is `??`",
  ";": "items need no `;`; separate them with spaces or newlines",
};

/** Visible form of a character for a message: controls and invisible spaces as `U+XXXX`. */
function printable(ch: string): string {
  return /[\p{L}\p{N}\p{P}\p{S}]/u.test(ch) && ch !== "`" ? ch : `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

function checkToken(source: Source, tok: IToken, diags: Diagnostics): void {
  const t = tok.tokenType;
  const start = tok.startOffset;
  const end = start + tok.image.length;
  const span = () => source.span(start, end);
  if (t === T.DqString || t === T.SqString || t === T.RawString || t === T.UnterminatedString) {
    const d = decodeString(tok.image);
    if (t === T.UnterminatedString) {
      diags.report("TAL0101", span(), { help: "strings end on the line they start; write a newline as `\\n`" });
    }
    for (const b of d.badEscapes) {
      diags.report("TAL0102", source.span(start + b.at, start + b.at + b.length), {
        args: { c: b.c },
        help: "valid escapes are \\n \\t \\r \\\\ \\\" \\' and \\u{…} (1–6 hex digits); or use a raw string r\"…\"",
      });
    }
  } else if (t === T.UnterminatedRegex) {
    diags.report("TAL0103", span(), { args: { error: "unterminated regex literal" }, help: "a regex ends with `/` on the line it starts" });
  } else if (t === T.Regex) {
    const close = tok.image.lastIndexOf("/");
    for (const p of checkRegex(tok.image.slice(1, close), tok.image.slice(close + 1))) {
      const from = p.length === 0 ? start : start + 1 + p.at;
      const to = p.length === 0 ? end : from + p.length;
      diags.report(p.code, source.span(from, to), { args: p.args, ...(p.help ? { help: p.help } : {}) });
    }
  } else if (t === T.NumberLit) {
    const n = decodeNumber(tok.image);
    if (n.problem === "underscore") {
      const at = start + (n.badAt ?? 0);
      diags.report("TAL0107", source.span(at, at + 1), { args: { c: "_" }, help: "`_` goes between digits: `10_000`" });
    } else if (n.problem === "range") {
      diags.report("TAL0110", span());
    }
  } else if (t === T.Duration) {
    const d = decodeDuration(tok.image);
    if (d.problem === "order") {
      diags.report("TAL0105", span(), { args: { t: tok.image }, help: "write each unit once, largest first: `1h30m`" });
    } else if (d.problem === "range") {
      diags.report("TAL0110", span());
    }
  } else if (t === T.BadDuration) {
    diags.report("TAL0105", span(), { args: { t: tok.image }, help: badDurationHelp(tok.image) });
  } else if (t === T.Size) {
    if (decodeSize(tok.image).problem) diags.report("TAL0110", span());
  } else if (t === T.BadSize) {
    diags.report("TAL0106", span(), { args: { t: tok.image }, help: "sizes are whole numbers with an IEC unit: `512B`, `64KiB`, `4MiB`, `1GiB`" });
  }
}

function badDurationHelp(word: string): string {
  if (/^[0-9_.]+[A-Z]{3}$/.test(word)) return `money takes a space before the currency: \`${word.replace(/([A-Z]{3})$/, " $1")}\``;
  if (/\./.test(word)) return "durations use whole numbers: `90m`, not `1.5h`";
  if (/(?:y|mo|month|year)s?$/i.test(word)) return "there are no months or years; use days or weeks: `365d`";
  if (/[0-9]$/.test(word)) return "every number needs a unit: `1h30m`";
  return "examples: `500ms`, `30s`, `15m`, `24h`, `365d`, `2w`, `1h30m`";
}
