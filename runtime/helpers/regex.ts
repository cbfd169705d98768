/**
 * Policy regexes (`matching /…/`, `matches`). A pattern that could backtrack catastrophically
 * runs on RE2 (linear time, via `re2js`); everything else runs on the native engine, which is
 * faster. The safety check is deliberately conservative: a false "unsafe" only costs speed, a
 * false "safe" would let one hostile string stall the event loop.
 */
import { RE2JS } from "re2js";

/** A compiled policy regex with the operations redaction and `matches` need. */
export interface CompiledRegex {
  readonly source: string;
  readonly flags: string;
  readonly engine: "native" | "re2";
  /** Whether the pattern matches anywhere in `s`. */
  test(s: string): boolean;
  /** Non-overlapping, non-empty match spans `[start, end)` in UTF-16 units, left to right. */
  spans(s: string): [number, number][];
}

/**
 * Compile `source` with `flags` (a subset of "ims"). Throws on an invalid pattern or flag, or on
 * an unsafe pattern RE2 cannot express (backreferences, lookaround); the compiler reports those
 * before they reach a bundle.
 */
export function compileRegex(source: string, flags: string): CompiledRegex {
  for (const f of flags) if (!"ims".includes(f)) throw new Error(`unsupported regex flag "${f}" (allowed: i, m, s)`);
  const norm = [...new Set(flags)].sort().join("");
  if (isBacktrackingSafe(source)) {
    const once = nativeRegExp(source, norm);
    const all = nativeRegExp(source, norm + "g");
    return {
      source, flags: norm, engine: "native",
      test: (s) => { once.lastIndex = 0; return once.test(s); },
      spans(s) {
        const out: [number, number][] = [];
        all.lastIndex = 0;
        for (let m = all.exec(s); m !== null; m = all.exec(s)) {
          const start = m.index, end = start + m[0].length;
          if (end === start) { all.lastIndex = start + 1; continue; }
          out.push([start, end]);
        }
        return out;
      },
    };
  }
  let f = 0;
  if (norm.includes("i")) f |= RE2JS.CASE_INSENSITIVE;
  if (norm.includes("m")) f |= RE2JS.MULTILINE;
  if (norm.includes("s")) f |= RE2JS.DOTALL;
  const re = RE2JS.compile(source, f);
  return {
    source, flags: norm, engine: "re2",
    test: (s) => re.matcher(s).find(),
    spans(s) {
      const out: [number, number][] = [];
      const m = re.matcher(s);
      while (m.find()) {
        const start = m.start(), end = m.end();
        if (end > start) out.push([start, end]);
      }
      return out;
    },
  };
}

/** Unicode mode when the pattern allows it (`\p{…}`), else legacy mode (identity escapes like `\"`). */
function nativeRegExp(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags + "u");
  } catch {
    return new RegExp(source, flags);
  }
}

/** Most backtracking retries per start position a native pattern may imply (product of choices). */
const MAX_RETRIES = 1024;

interface Frame { quantInside: boolean; alternation: boolean }

/**
 * Conservative check that `source` cannot backtrack catastrophically on the native engine: it
 * rejects any repeated group (`*`, `+`, `{n,}`, `{n,m}` with m > 1) whose body contains a
 * quantifier or an alternation (`(a+)+`, `(a|a)*`, `(\w+\s?)*`), any unbounded quantifier
 * (`\d+x` is quadratic), bounded quantifiers and alternations whose choices multiply past 1024
 * (`\d{1,64}\d{1,64}`), backreferences, lookaround and anything it does not fully understand. `(…)?` is not repetition, so `(\+?\d{1,3})?\d{9}` is safe.
 */
export function isBacktrackingSafe(source: string): boolean {
  const stack: Frame[] = [{ quantInside: false, alternation: false }];
  let lastGroup: Frame | null = null; // the group that just closed (a quantifier may follow)
  let i = 0;
  const n = source.length;
  const top = (): Frame => stack[stack.length - 1]!;
  let cost = 1;
  while (i < n) {
    const c = source[i]!;
    if (c === "\\") {
      const d = source[i + 1];
      if (d === undefined) return false;
      if (/[1-9k]/.test(d)) return false; // backreference
      if ((d === "p" || d === "P") && source[i + 2] === "{") {
        const close = source.indexOf("}", i + 3);
        if (close < 0) return false;
        i = close + 1;
      } else if (d === "u" && source[i + 2] === "{") {
        const close = source.indexOf("}", i + 3);
        if (close < 0) return false;
        i = close + 1;
      } else i += 2;
      lastGroup = null;
      continue;
    }
    if (c === "[") {
      let j = i + 1;
      if (source[j] === "^") j++;
      if (source[j] === "]") j++;
      while (j < n && source[j] !== "]") j += source[j] === "\\" ? 2 : 1;
      if (j >= n) return false;
      i = j + 1;
      lastGroup = null;
      continue;
    }
    if (c === "(") {
      if (source[i + 1] === "?") {
        const kind = source[i + 2];
        if (kind === "=" || kind === "!" || kind === "<") {
          // Named group `(?<name>` is fine; lookbehind `(?<=`/`(?<!` and lookahead are not.
          if (kind !== "<" || source[i + 3] === "=" || source[i + 3] === "!") return false;
          const close = source.indexOf(">", i + 3);
          if (close < 0) return false;
          i = close + 1;
        } else if (kind === ":") i += 3;
        else return false;
      } else i += 1;
      stack.push({ quantInside: false, alternation: false });
      lastGroup = null;
      continue;
    }
    if (c === ")") {
      if (stack.length === 1) return false;
      const g = stack.pop()!;
      // Anything inside a group counts as "inside" for every enclosing group too.
      if (g.quantInside || g.alternation) top().quantInside = true;
      lastGroup = g;
      i += 1;
      continue;
    }
    if (c === "|") {
      top().alternation = true;
      lastGroup = null;
      i += 1;
      cost *= 2;
      if (cost > MAX_RETRIES) return false;
      continue;
    }
    if (c === "*" || c === "+" || c === "?" || c === "{") {
      let repeats: boolean;
      let choices: number; // how many lengths the quantifier can take (what backtracking retries)
      let len = 1;
      if (c === "{") {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
        if (!m) return false;
        len = m[0].length;
        const min = Number(m[1]);
        const max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
        repeats = max > 1;
        choices = max - min + 1;
      } else {
        repeats = c !== "?";
        choices = c === "?" ? 2 : Infinity;
      }
      if (repeats && lastGroup && (lastGroup.quantInside || lastGroup.alternation)) return false;
      // Even one unbounded quantifier is quadratic in an unanchored search (`\d+x` on a long run
      // of digits retries the run from every start: 5 s for 100 KB on V8). Bounded quantifiers
      // multiply the retries per start, so their product is capped.
      cost *= choices;
      if (cost > MAX_RETRIES) return false;
      top().quantInside = true;
      i += len;
      if (source[i] === "?") i += 1; // lazy
      lastGroup = null;
      continue;
    }
    lastGroup = null;
    i += 1;
  }
  return stack.length === 1;
}
