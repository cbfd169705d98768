/**
 * Tool-name globs (LANGUAGE.md §6) matched at run time and at compile time: `*` matches any run
 * (possibly empty); the pattern is split at `*`, the first piece is a prefix, the last a suffix,
 * the middle pieces are found left to right with `indexOf` — no backtracking, no regex. Case folding
 * is ASCII-only, so a look-alike outside `A`–`Z` never folds onto a forbidden name. The emitter
 * generates the same algorithm as code (compiler/emit/helpers.ts); the reference interpreter has
 * an independent matcher (compiler/interp/glob.ts) so that the two can be tested against each other.
 */

/** A tool ref is a glob when it contains `*`. */
export function isGlob(ref: string): boolean {
  return ref.includes("*");
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
