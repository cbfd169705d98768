/**
 * Code for testing a tool name against an exact ref or a glob (§6), as straight-line string
 * operations: `===`, `startsWith`, `endsWith`, and for patterns with middle pieces the `globMatch`
 * helper over a hoisted piece list. The case-insensitive variants (forbid, confirm, approve) use
 * the `ci*` helpers with the pattern lowercased at build time. No regex is ever built.
 */
import { asciiLower, globPieces, isGlob } from "../ir/tool-names.js";
import { Code, frozenArray, join, ts, type Name } from "./code.js";
import type { ModuleBuilder } from "./module.js";

/** `subject` matches `pattern` (case-sensitive unless `ignoreCase`). */
export function globTest(mb: ModuleBuilder, subject: Name, pattern: string, ignoreCase: boolean): Code {
  const p = ignoreCase ? asciiLower(pattern) : pattern;
  if (!isGlob(p)) return ignoreCase ? ts`ciEquals(${subject}, ${p})` : ts`${subject} === ${p}`;
  const pieces = globPieces(p);
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (pieces.length > 2) {
    const mids = mb.hoist("PIECES", Code.trusted("readonly string[]"), frozenArray(pieces.slice(1, -1)));
    return ignoreCase ? ts`ciGlobMatch(${subject}, ${first}, ${mids}, ${last})` : ts`globMatch(${subject}, ${first}, ${mids}, ${last})`;
  }
  const tests: Code[] = [];
  if (first.length > 0 && last.length > 0) tests.push(ts`${subject}.length >= ${first.length + last.length}`);
  if (first.length > 0) tests.push(ignoreCase ? ts`ciStartsWith(${subject}, ${first})` : ts`${subject}.startsWith(${first})`);
  if (last.length > 0) tests.push(ignoreCase ? ts`ciEndsWith(${subject}, ${last})` : ts`${subject}.endsWith(${last})`);
  // A lone `*` matches every (valid) name.
  return tests.length === 0 ? ts`true` : tests.length === 1 ? tests[0]! : ts`(${join(tests, " && ")})`;
}

/** `subject` matches any of `patterns`; `false` for none. */
export function anyGlobTest(mb: ModuleBuilder, subject: Name, patterns: readonly string[], ignoreCase: boolean): Code {
  const unique = [...new Set(patterns)];
  if (unique.length === 0) return ts`false`;
  const tests = unique.map((p) => globTest(mb, subject, p, ignoreCase));
  return tests.length === 1 ? tests[0]! : ts`(${join(tests, " || ")})`;
}
