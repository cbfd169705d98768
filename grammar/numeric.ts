/**
 * Lexing of number-like words. `42`, `10_000`, `0.5`, `15m`, `1h30m`, `4MiB`, and the malformed
 * ones (`1.5h`, `4MB`, `10mins`) all start with a digit and run to the end of the word, so one
 * scanner reads the whole word and classifies it. Each numeric token type's custom pattern accepts
 * the word only if the class matches, which keeps `1h30` one (bad) token instead of `1h` + `30`.
 */

/** How a number-like word was classified. */
export type NumericClass = "number" | "duration" | "size" | "bad_duration" | "bad_size";

const WORD = /[0-9][0-9_]*(?:\.[0-9][0-9_]*)?(?:[A-Za-z][A-Za-z0-9_]*)?/y;
const NUMERIC_PART = /^[0-9][0-9_]*(?:\.[0-9][0-9_]*)?/;
const DURATION = /^(?:[0-9]+(?:ms|s|m|h|d|w))+$/;
const SIZE = /^[0-9]+(?:B|KiB|MiB|GiB)$/;
/** A suffix that is clearly meant as a size (`MB`, `kib`, `Gb`), so the error talks about sizes. */
const SIZE_LIKE_SUFFIX = /^(?:[KMGTPE]i?)?B$/i;

/** Classify a number-like word. */
export function classifyNumeric(word: string): NumericClass {
  const suffixAt = NUMERIC_PART.exec(word)?.[0].length ?? 0;
  if (suffixAt >= word.length) return "number";
  if (DURATION.test(word)) return "duration";
  if (SIZE.test(word)) return "size";
  return SIZE_LIKE_SUFFIX.test(word.slice(suffixAt)) ? "bad_size" : "bad_duration";
}

/**
 * A Chevrotain custom pattern that matches the number-like word at `offset` when it has class
 * `want`. Returns a RegExpExecArray-shaped result as Chevrotain expects.
 */
export function numericMatcher(want: NumericClass): (text: string, offset: number) => RegExpExecArray | null {
  return (text, offset) => {
    WORD.lastIndex = offset;
    const m = WORD.exec(text);
    if (m === null) return null;
    // `1..5`: the regex cannot take `1.` because a digit must follow the dot, so ranges lex fine.
    return classifyNumeric(m[0]) === want ? m : null;
  };
}
