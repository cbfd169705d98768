/**
 * The helper functions every emitted `policy.ts` starts with. They are fixed text from this
 * compiler (no policy data), so they are written out once here. None of them allocates: the
 * case-insensitive matchers fold `A`–`Z` by char code instead of calling `toLowerCase()` (which
 * would allocate a string per call and fold non-ASCII letters such as U+212A KELVIN SIGN), and names
 * reaching them have passed `validName`, so they are ASCII.
 */
import { Code } from "./code.js";

const HELPERS = `/** The MCP tool-name alphabet [A-Za-z0-9_.\\-/], 1-128 characters (SEP-986), checked without a regex. */
function validName(s: string): boolean {
  if (typeof s !== "string") return false; // the runtime passes strings; anything else is denied, never thrown on
  const n = s.length;
  if (n < 1 || n > 128) return false;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 46 || c === 45 || c === 47)) return false;
  }
  return true;
}

/** A principal's slot: its index when it is one of \`principals\`, else the anonymous slot. */
function slotOf(principal: Principal): number {
  const i = principal.index;
  return Number.isInteger(i) && i >= 0 && i < PRINCIPAL_COUNT ? i : PRINCIPAL_COUNT;
}

/** Does \`s\` equal \`lower\` (already lowercase) from \`at\` on, ignoring ASCII case? */
function ciRegion(s: string, at: number, lower: string): boolean {
  const n = lower.length;
  if (at < 0 || at + n > s.length) return false;
  for (let i = 0; i < n; i++) {
    let c = s.charCodeAt(at + i);
    if (c >= 65 && c <= 90) c += 32;
    if (c !== lower.charCodeAt(i)) return false;
  }
  return true;
}

function ciEquals(s: string, lower: string): boolean {
  return s.length === lower.length && ciRegion(s, 0, lower);
}

function ciStartsWith(s: string, lower: string): boolean {
  return ciRegion(s, 0, lower);
}

function ciEndsWith(s: string, lower: string): boolean {
  return ciRegion(s, s.length - lower.length, lower);
}

/** First index >= \`from\` where \`lower\` occurs in \`s\` ignoring ASCII case, or -1. */
function ciIndexOf(s: string, lower: string, from: number): number {
  for (let i = from; i + lower.length <= s.length; i++) if (ciRegion(s, i, lower)) return i;
  return -1;
}

/**
 * Glob match (§6) for a pattern with middle pieces: \`first*m1*…*mk*last\`. The first piece is a
 * prefix, the last a suffix, the middle ones are found left to right by indexOf: no backtracking.
 */
function globMatch(s: string, first: string, mids: readonly string[], last: string): boolean {
  if (s.length < first.length + last.length || !s.startsWith(first) || !s.endsWith(last)) return false;
  const end = s.length - last.length;
  let at = first.length;
  for (let i = 0; i < mids.length; i++) {
    const found = s.indexOf(mids[i]!, at);
    if (found < 0 || found + mids[i]!.length > end) return false;
    at = found + mids[i]!.length;
  }
  return true;
}

/** The same, ignoring ASCII case (pieces are lowercase). */
function ciGlobMatch(s: string, first: string, mids: readonly string[], last: string): boolean {
  if (s.length < first.length + last.length || !ciStartsWith(s, first) || !ciEndsWith(s, last)) return false;
  const end = s.length - last.length;
  let at = first.length;
  for (let i = 0; i < mids.length; i++) {
    const found = ciIndexOf(s, mids[i]!, at);
    if (found < 0 || found + mids[i]!.length > end) return false;
    at = found + mids[i]!.length;
  }
  return true;
}

/** Tool classes by rank; the default branch resolves a class to its rank (-1 = not exposed). */
const CLASS_NAMES: readonly ToolClass[] = Object.freeze(["read", "write", "destructive"] as const);`;

/** The helper section of `policy.ts`. */
export function helpersCode(): Code {
  return Code.trusted(HELPERS);
}
