/**
 * Tool names and globs (LANGUAGE.md §6), as the compiler sees them. A name is 1–128 characters of
 * the SEP-986 alphabet `[A-Za-z0-9_.\-/]`; a glob is that alphabet plus `*`, which matches any run
 * (possibly empty). Matching splits the pattern at `*`: the first piece is a prefix, the last a
 * suffix, the middle pieces are found left to right with `indexOf` — no backtracking, no regex.
 * The emitter generates the same algorithm as code; the reference interpreter has its own,
 * independent matcher (`interp/glob.ts`) so that the two can be tested against each other.
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

/** A tool ref is a glob when it contains `*`. */
export function isGlob(ref: string): boolean {
  return ref.includes("*");
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

/** ASCII-only lowercase: `A`–`Z` become `a`–`z`, every other code unit is left alone (no Unicode folding). */
export function asciiLower(s: string): string {
  let out = "";
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += c >= 65 && c <= 90 ? String.fromCharCode(c + 32) : s[i];
  }
  return out;
}

/** The pieces of a glob between its `*`s (`"a*b*"` → `["a", "b", ""]`). */
export function globPieces(pattern: string): string[] {
  return pattern.split("*");
}

/** Case-sensitive match of `name` against an exact ref or a glob, by the split-and-indexOf rule. */
export function refMatches(ref: string, name: string): boolean {
  if (!isGlob(ref)) return ref === name;
  const pieces = globPieces(ref);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (name.length < first.length + last.length) return false;
  if (!name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i]!;
    const found = name.indexOf(piece, at);
    if (found < 0 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/** ASCII-case-insensitive match, as `forbid`, `confirm` and `approve` targets use (§6). */
export function refMatchesIgnoreCase(ref: string, name: string): boolean {
  return refMatches(asciiLower(ref), asciiLower(name));
}
