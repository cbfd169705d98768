/**
 * Tool names and globs (LANGUAGE.md §6), as the compiler sees them. A name is 1–128 characters of
 * the SEP-986 alphabet `[A-Za-z0-9_.\-/]`; a glob is that alphabet plus `*`, which matches any run
 * (possibly empty). Matching splits the pattern at `*`: the first piece is a prefix, the last a
 * suffix, the middle pieces are found left to right with `indexOf` — no backtracking, no regex.
 * The matcher is `runtime/helpers/glob.ts` (re-exported here); the emitter generates the same
 * algorithm as code; the reference interpreter has its own, independent matcher (`interp/glob.ts`).
 */

/** Longest tool name MCP allows (SEP-986). */
export const MAX_TOOL_NAME = 128;

/** True for a character code of the tool-name alphabet `[A-Za-z0-9_.\-/]`. */
export function isNameChar(c: number): boolean {
  return (
    (c >= 97 && c <= 122) || // a-z
    (c >= 65 && c <= 90) || // A-Z
    (c >= 48 && c <= 57) || // 0-9
    c === 95 || // _
    c === 46 || // .
    c === 45 || // -
    c === 47 // /
  );
}

/** A valid exact tool name: 1–128 characters, all in the alphabet. */
export function isValidToolName(name: string): boolean {
  if (name.length < 1 || name.length > MAX_TOOL_NAME) return false;
  for (let i = 0; i < name.length; i++) if (!isNameChar(name.charCodeAt(i))) return false;
  return true;
}

/** Why a glob is invalid, or undefined when it is fine (only `*` over the alphabet). */
export function globProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return "empty pattern";
  for (const ch of pattern) {
    if (ch === "*") continue;
    if (ch.length !== 1 || !isNameChar(ch.charCodeAt(0))) return `only \`*\` over [A-Za-z0-9_.-/] is allowed, found \`${ch}\``;
  }
  return undefined;
}

// The matching itself lives in the runtime, which matches `on tool …` redaction targets with it too.
export { asciiLower, globPieces, isGlob, refMatches, refMatchesIgnoreCase } from "../../runtime/helpers/glob.js";

/**
 * Whether some name matches both refs (each an exact name or a glob; `*` matches any run). A
 * compile-time question (which exposures can a rule's glob reach), answered by a memoized walk
 * over both patterns at once: a `*` on either side may match nothing or absorb the other side's
 * next character.
 */
export function refsOverlap(a: string, b: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (b.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === a.length && j === b.length) r = true;
    else if (i < a.length && a[i] === "*") r = go(i + 1, j) || (j < b.length && go(i, j + 1));
    else if (j < b.length && b[j] === "*") r = go(i, j + 1) || (i < a.length && go(i + 1, j));
    else r = i < a.length && j < b.length && a[i] === b[j] && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}
