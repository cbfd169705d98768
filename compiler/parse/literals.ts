/**
 * Decoding of literal token images: strings (with escapes), numbers, durations, sizes and money.
 * Each decoder returns the value plus any problems, as offsets into the image, so the lexical
 * check (which reports) and the lowering (which builds AST values) share one definition.
 */

/** 2^53: the largest magnitude a literal may have (LANGUAGE.md §2, TAL0110). */
export const MAX_MAGNITUDE = 2n ** 53n;

// ─── Strings ───────────────────────────────────────────────────────────────────────────────────

/** A bad escape inside a string image: `[at, at + length)` and the text after the backslash. */
export interface BadEscape {
  readonly at: number;
  readonly length: number;
  readonly c: string;
}

export interface DecodedString {
  readonly value: string;
  readonly terminated: boolean;
  readonly badEscapes: readonly BadEscape[];
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { n: "\n", t: "\t", r: "\r", "\\": "\\", '"': '"', "'": "'" };

/**
 * Decode a string token image: `"…"`, `'…'` (escapes `\n \t \r \\ \" \' \u{…}`) or raw `r"…"`
 * (no escapes). An image without its closing quote is decoded up to the end and marked
 * unterminated.
 */
export function decodeString(image: string): DecodedString {
  const raw = image.startsWith("r");
  const quote = raw ? image[1]! : image[0]!;
  const open = raw ? 2 : 1;
  const terminated = image.length > open && image.endsWith(quote) && !endsWithEscapedQuote(image, raw);
  const body = image.slice(open, terminated ? -1 : undefined);
  if (raw) return { value: body, terminated, badEscapes: [] };
  let value = "";
  const badEscapes: BadEscape[] = [];
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch !== "\\") {
      value += ch;
      continue;
    }
    const next = body[i + 1];
    const simple = next === undefined ? undefined : SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      value += simple;
      i++;
      continue;
    }
    if (next === "u") {
      const m = /^u\{([0-9A-Fa-f]{1,6})\}/.exec(body.slice(i + 1));
      const cp = m ? parseInt(m[1]!, 16) : -1;
      if (m && cp <= 0x10ffff && (cp < 0xd800 || cp > 0xdfff)) {
        value += String.fromCodePoint(cp);
        i += m[0].length;
        continue;
      }
      // Report the whole `\u{…}` when it is brace-delimited, else just `\u`.
      const braced = /^u\{[^}\s"']{0,8}\}/.exec(body.slice(i + 1));
      const c = braced ? braced[0] : "u";
      badEscapes.push({ at: open + i, length: 1 + c.length, c });
      value += "\\" + c;
      i += c.length;
      continue;
    }
    const c = next === undefined ? "" : String.fromCodePoint(body.codePointAt(i + 1)!);
    badEscapes.push({ at: open + i, length: 1 + c.length, c });
    value += "\\" + c;
    i += c.length;
  }
  return { value, terminated, badEscapes };
}

/** `"abc\"` at end of line is unterminated: its last quote is escaped. */
function endsWithEscapedQuote(image: string, raw: boolean): boolean {
  if (raw) return false;
  let slashes = 0;
  for (let i = image.length - 2; i >= 1 && image[i] === "\\"; i--) slashes++;
  return slashes % 2 === 1;
}

// ─── Numbers ───────────────────────────────────────────────────────────────────────────────────

const WELL_FORMED_NUMBER = /^[0-9]+(?:_[0-9]+)*(?:\.[0-9]+(?:_[0-9]+)*)?$/;

export interface DecodedNumber {
  readonly value: number;
  /** `underscore`: a `_` not between two digits (offset in `badAt`); `range`: |n| > 2^53. */
  readonly problem?: "underscore" | "range";
  readonly badAt?: number;
}

/** Decode `42`, `10_000`, `0.5`. */
export function decodeNumber(text: string): DecodedNumber {
  const plain = text.replace(/_/g, "");
  const value = Number(plain);
  if (!WELL_FORMED_NUMBER.test(text)) {
    const badAt = [...text].findIndex((ch, i) => ch === "_" && !(/\d/.test(text[i - 1] ?? "") && /\d/.test(text[i + 1] ?? "")));
    return { value, problem: "underscore", badAt: Math.max(0, badAt) };
  }
  if (exceedsMagnitude(plain)) return { value, problem: "range" };
  return { value };
}

/** True when the decimal text's magnitude is above 2^53. */
function exceedsMagnitude(plain: string): boolean {
  const [int, frac = ""] = plain.split(".");
  const n = BigInt(int!);
  return n > MAX_MAGNITUDE || (n === MAX_MAGNITUDE && /[1-9]/.test(frac));
}

// ─── Durations and sizes ───────────────────────────────────────────────────────────────────────

const DURATION_UNITS: readonly (readonly [string, bigint])[] = [
  ["w", 604_800_000n],
  ["d", 86_400_000n],
  ["h", 3_600_000n],
  ["m", 60_000n],
  ["s", 1_000n],
  ["ms", 1n],
];

export interface DecodedDuration {
  readonly ms: number;
  /** `order`: units not strictly largest-to-smallest, or repeated; `range`: > 2^53 ms. */
  readonly problem?: "order" | "range";
}

/** Decode a well-formed duration word (`500ms`, `1h30m`); the lexer guarantees the shape. */
export function decodeDuration(text: string): DecodedDuration {
  let total = 0n;
  let lastRank = -1;
  let problem: DecodedDuration["problem"];
  for (const m of text.matchAll(/([0-9]+)(ms|s|m|h|d|w)/g)) {
    const rank = DURATION_UNITS.findIndex(([u]) => u === m[2]);
    if (rank <= lastRank) problem = "order";
    lastRank = rank;
    total += BigInt(m[1]!) * DURATION_UNITS[rank]![1];
  }
  if (problem === undefined && total > MAX_MAGNITUDE) problem = "range";
  return { ms: Number(total), ...(problem ? { problem } : {}) };
}

const SIZE_UNITS: Readonly<Record<string, bigint>> = { B: 1n, KiB: 1024n, MiB: 1024n ** 2n, GiB: 1024n ** 3n };

/** Decode a well-formed size word (`4MiB`); `range` when above 2^53 bytes. */
export function decodeSize(text: string): { readonly bytes: number; readonly problem?: "range" } {
  const m = /^([0-9]+)(B|KiB|MiB|GiB)$/.exec(text)!;
  const bytes = BigInt(m[1]!) * SIZE_UNITS[m[2]!]!;
  return bytes > MAX_MAGNITUDE ? { bytes: Number(bytes), problem: "range" } : { bytes: Number(bytes) };
}

/** Decode the amount of `20 USD` / `0.15 USD` into integer micro-units (≤ 6 decimals). */
export function decodeMoney(amount: string): { readonly micros: number; readonly problem?: "decimals" | "range" } {
  const [int, frac = ""] = amount.replace(/_/g, "").split(".");
  if (frac.length > 6) return { micros: NaN, problem: "decimals" };
  const micros = BigInt(int!) * 1_000_000n + BigInt(frac.padEnd(6, "0"));
  return micros > MAX_MAGNITUDE ? { micros: Number(micros), problem: "range" } : { micros: Number(micros) };
}
