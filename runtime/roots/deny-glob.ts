/**
 * `deny path` globs (LANGUAGE.md §8.4 step 5). Segment-wise, unlike tool-name globs (§6): the
 * glob and the path are split on `/`; a `**` segment matches any number of segments (zero
 * included), and inside a segment `*` matches any run of characters except `/`. Matching is
 * ASCII-case-insensitive, so `.ENV` on a case-insensitive file system is `.env` too (fail closed).
 * No regex, no backtracking blow-up: segment matching is split-and-indexOf and the `**` search is
 * a dynamic programme over (glob segment, path segment).
 */
import { asciiLower, refMatches } from "../helpers/glob.js";

/** A compiled `deny path` glob. */
export interface DenyGlob {
  readonly text: string;
  readonly segments: readonly string[];
}

export function compileDenyGlob(text: string): DenyGlob {
  return { text, segments: asciiLower(text).split("/").filter((s) => s !== "") };
}

/** Does `glob` match the path given as segments (already normalised, no empty ones)? */
export function denyGlobMatches(glob: DenyGlob, path: readonly string[]): boolean {
  const g = glob.segments;
  const p = path.map(asciiLower);
  // reach[j]: glob prefix matched so far can end right before path segment j.
  let reach: boolean[] = new Array<boolean>(p.length + 1).fill(false);
  reach[0] = true;
  for (const seg of g) {
    const next = new Array<boolean>(p.length + 1).fill(false);
    if (seg === "**") {
      let any = false;
      for (let j = 0; j <= p.length; j++) {
        any ||= reach[j]!;
        next[j] = any;
      }
    } else {
      for (let j = 0; j < p.length; j++) if (reach[j] && refMatches(seg, p[j]!)) next[j + 1] = true;
    }
    reach = next;
  }
  return reach[p.length]!;
}
