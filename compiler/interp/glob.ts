/**
 * The reference interpreter's own glob matcher: a plain recursive definition of "`*` matches any
 * run, everything else matches itself", memoized so it stays polynomial. It is deliberately a
 * different algorithm from the split-and-indexOf matcher the compiler and the emitted code use, so
 * the differential test compares two independent implementations.
 */

/** Does `pattern` (exact, or with `*`) match all of `name`? Case-sensitive. */
export function globMatchRef(pattern: string, name: string): boolean {
  const memo = new Map<number, boolean>();
  const go = (i: number, j: number): boolean => {
    const key = i * (name.length + 1) + j;
    const hit = memo.get(key);
    if (hit !== undefined) return hit;
    let r: boolean;
    if (i === pattern.length) r = j === name.length;
    else if (pattern[i] === "*") r = go(i + 1, j) || (j < name.length && go(i, j + 1));
    else r = j < name.length && pattern[i] === name[j] && go(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return go(0, 0);
}

/** ASCII case folding by table lookup: only `A`–`Z` change. */
export function foldAscii(s: string): string {
  return [...s].map((ch) => ("ABCDEFGHIJKLMNOPQRSTUVWXYZ".includes(ch) ? ch.toLowerCase() : ch)).join("");
}

/** Case-insensitive (ASCII only) match, for forbid/confirm/approve targets. */
export function globMatchIgnoreCaseRef(pattern: string, name: string): boolean {
  return globMatchRef(foldAscii(pattern), foldAscii(name));
}

/** The tool-name alphabet check, written as a regular expression here (the bundle uses a loop). */
export function validToolNameRef(name: string): boolean {
  return typeof name === "string" && /^[A-Za-z0-9_.\-/]{1,128}$/.test(name);
}
