/**
 * Writing values as `.talon` literals (LANGUAGE.md §2) so that they read back as the same value:
 * strings with escapes, names that may stay bare, and regex literals. Shared by `talonc convert`
 * and anything else that prints `.talon` text.
 */
import { KEYWORD_WORDS } from "../../grammar/keywords.js";

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const KEYWORDS: ReadonlySet<string> = new Set(KEYWORD_WORDS);

/** A plain identifier that is not a keyword: safe to print bare anywhere a name or string goes. */
export function isBareName(s: string): boolean {
  return IDENT.test(s) && !KEYWORDS.has(s);
}

/** An identifier or keyword: what `.talon` reads as a name after `.` and as an object key. */
export function isNameToken(s: string): boolean {
  return IDENT.test(s);
}

/**
 * Code points a string literal cannot hold raw: line breaks end the literal, other C0/C1 controls,
 * U+2028/2029 and the bidi controls (TAL0109) would be invisible or rejected.
 */
const NEEDS_ESCAPE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** A lone surrogate cannot be written in a UTF-8 file nor as `\u{…}` (the decoder rejects it). */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Can `s` be written as a `.talon` string literal at all? */
export function isRepresentableString(s: string): boolean {
  return !LONE_SURROGATE.test(s);
}

/** `s` as a double-quoted `.talon` string literal whose decoded value is exactly `s`. */
export function quoteString(s: string): string {
  let out = '"';
  for (const ch of s) {
    if (ch === '"') out += '\\"';
    else if (ch === "\\") out += "\\\\";
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (NEEDS_ESCAPE.test(ch)) out += `\\u{${ch.codePointAt(0)!.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

/** A tool reference or similar: bare when it is a plain identifier, else a string. */
export function nameOrString(s: string): string {
  return isBareName(s) ? s : quoteString(s);
}

/** An object key: any name (keywords included) stays bare, anything else is quoted. */
export function objectKey(s: string): string {
  return isNameToken(s) ? s : quoteString(s);
}

/**
 * `/source/flags`, or undefined when the literal would not read back as exactly `source` (a regex
 * literal keeps its body verbatim, so a `/` outside a class, a line break or a trailing `\`
 * cannot be written). The regex lexer of grammar/tokens.ts is mirrored here: outside a class
 * `/` ends the body; `[` opens a class that `]` closes (a leading `]` or `^]` is literal).
 */
export function regexLiteral(source: string, flags: string): string | undefined {
  if (!/^[A-Za-z]*$/.test(flags) || /[\n\r]/.test(source)) return undefined;
  let i = 0;
  while (i < source.length) {
    const c = source[i]!;
    if (c === "\\") {
      if (i + 1 >= source.length) return undefined;
      i += 2;
    } else if (c === "/") {
      return undefined;
    } else if (c === "[") {
      i++;
      if (source[i] === "^") i++;
      if (source[i] === "]") i++;
      for (;;) {
        if (i >= source.length) return undefined;
        const d = source[i]!;
        if (d === "]") break;
        if (d === "\\") {
          if (i + 1 >= source.length) return undefined;
          i += 2;
        } else i++;
      }
      i++;
    } else i++;
  }
  return `/${source}/${flags}`;
}
