/**
 * Checks on regex literals (LANGUAGE.md §2, TAL0103/TAL0104). Talon regexes are RE2: no
 * backreferences and no lookaround, so matching stays linear-time. The body must also compile as
 * an ECMAScript regex (non-unicode syntax), because the generated code may run it on the native
 * engine when it is provably backtracking-safe. Exported for the YAML front end's `patterns`.
 */

/** A problem in a regex, at `[at, at + length)` relative to the start of the body. */
export interface RegexProblem {
  readonly code: "TAL0103" | "TAL0104";
  readonly at: number;
  readonly length: number;
  /** `error` for TAL0103, `feature` for TAL0104. */
  readonly args: Record<string, string>;
  readonly help?: string;
}

const RE2_HELP =
  "regexes are RE2: they run in linear time, so they cannot look around or refer back; match the text directly or use a detector";

/** Flags Talon accepts (RE2's `i`, `m`, `s`). */
export const REGEX_FLAGS = "ims";

/**
 * Check a regex body and flags. Offsets of flag problems are relative to the body start as well
 * (`body.length + 1 + index`), so a caller with the literal's `/` offset can place them.
 */
export function checkRegex(body: string, flags: string): RegexProblem[] {
  const problems: RegexProblem[] = [];
  const flagsAt = body.length + 1;
  const unknown = [...flags].filter((f) => !REGEX_FLAGS.includes(f));
  if (unknown.length > 0) {
    // One diagnostic over all the flags: `/x/gx` or a word glued to a regex is one mistake.
    const error = unknown.length === 1 ? `unknown flag \`${unknown[0]}\`` : `unknown flags \`${unknown.join("")}\``;
    problems.push({ code: "TAL0103", at: flagsAt, length: flags.length, args: { error }, help: "flags are i, m and s" });
  }
  const seen = new Set<string>();
  [...flags].forEach((f, i) => {
    if (REGEX_FLAGS.includes(f) && seen.has(f)) {
      problems.push({ code: "TAL0103", at: flagsAt + i, length: 1, args: { error: `flag \`${f}\` given twice` } });
    }
    seen.add(f);
  });
  if (body === "") {
    problems.push({ code: "TAL0103", at: 0, length: 0, args: { error: "empty pattern" } });
    return problems;
  }
  const features = findNonRe2Features(body);
  problems.push(...features);
  if (features.length === 0) {
    try {
      new RegExp(body, [...seen].filter((f) => REGEX_FLAGS.includes(f)).join(""));
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      // V8: "Invalid regular expression: /(/: Unterminated group" → "Unterminated group".
      const cut = msg.lastIndexOf(": ");
      const reason = cut < 0 ? msg : msg.slice(cut + 2);
      problems.push({ code: "TAL0103", at: 0, length: body.length, args: { error: reason.toLowerCase() } });
    }
  }
  return problems;
}

const LOOKAROUND: readonly (readonly [string, string])[] = [
  ["(?<=", "lookbehind `(?<=`"],
  ["(?<!", "negative lookbehind `(?<!`"],
  ["(?=", "lookahead `(?=`"],
  ["(?!", "negative lookahead `(?!`"],
];

/** Backreferences (`\1`, `\k<name>`) and lookaround groups outside character classes. */
function findNonRe2Features(body: string): RegexProblem[] {
  const out: RegexProblem[] = [];
  const feature = (at: number, length: number, name: string) =>
    out.push({ code: "TAL0104", at, length, args: { feature: name }, help: RE2_HELP });
  let inClass = false;
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c === "\\") {
      const n = body[i + 1] ?? "";
      if (!inClass && /[1-9]/.test(n)) feature(i, 2, `backreference \`\\${n}\``);
      else if (!inClass && n === "k" && body[i + 2] === "<") feature(i, 3, "backreference `\\k<…>`");
      i++;
      continue;
    }
    if (inClass) {
      if (c === "]") inClass = false;
      continue;
    }
    if (c === "[") {
      inClass = true;
      if (body[i + 1] === "^") i++;
      if (body[i + 1] === "]") i++; // `[]a]`: a leading `]` is literal
      continue;
    }
    if (c === "(") {
      const hit = LOOKAROUND.find(([open]) => body.startsWith(open, i));
      if (hit) feature(i, hit[0].length, hit[1]);
    }
  }
  return out;
}
