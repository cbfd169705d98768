/**
 * The value helpers of emitted conditions (LANGUAGE.md §5), and the `pending` merge of
 * `pending.ts`, added to `policy.ts` only as far as the module uses them. Fixed text from this compiler (no policy data). Values are JSON, a
 * `TypedValue` (duration, size, money literals) or the unknown sentinel `$U`; the reference
 * evaluator `compiler/interp/eval.ts` is written independently and the two are tested against
 * each other. None of these allocates except `list`, `obj`, `nfkc`-style string results and the
 * time-zone fallback of `clock`.
 */
import { Code } from "./code.js";
import { PENDING_HELPERS } from "./pending.js";

const HELPERS = `/** The unknown value (U) of conditions. Conditions return 0 = false, 1 = true, 2 = unknown. */
const $U: unique symbol = Symbol("unknown");

/** A typed literal: a duration (ms), a size (bytes) or money (micros, currency). */
class TypedValue {
  constructor(readonly kind: string, readonly n: number, readonly currency: string) {}
}

/** Tri-state of a value: 1 for true, 0 for false, 2 for anything else. */
function tri(v: unknown): number {
  return v === true ? 1 : v === false ? 0 : 2;
}

/** \`has(p)\`: never unknown. */
function known(v: unknown): boolean {
  return v !== $U;
}

function val(v: unknown): unknown {
  return v === undefined ? $U : v;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof TypedValue);
}

/** Own key \`k\` of an object, else U (\`__proto__\` is just a key). */
function get(v: unknown, k: string): unknown {
  return isRecord(v) && Object.prototype.hasOwnProperty.call(v, k) ? val(v[k]) : $U;
}

/** Element \`i\` of an array, else U. */
function idx(v: unknown, i: number): unknown {
  return Array.isArray(v) && Number.isInteger(i) && i >= 0 && i < v.length ? val(v[i]) : $U;
}

/** A computed step: a number indexes, a string is a key, anything else is U. */
function step(v: unknown, k: unknown): unknown {
  return typeof k === "number" ? idx(v, k) : typeof k === "string" ? get(v, k) : $U;
}

function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof TypedValue || b instanceof TypedValue) {
    return a instanceof TypedValue && b instanceof TypedValue && a.kind === b.kind && a.n === b.n && a.currency === b.currency;
  }
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false;
    return true;
  }
  if (isRecord(a)) {
    if (!isRecord(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    for (const k of ka) if (!Object.prototype.hasOwnProperty.call(b, k) || !same(a[k], b[k])) return false;
    return true;
  }
  return false;
}

function eq(a: unknown, b: unknown): unknown {
  return a === $U || b === $U ? $U : same(a, b);
}

function ne(a: unknown, b: unknown): unknown {
  return a === $U || b === $U ? $U : !same(a, b);
}

/** Code-point order of two strings (UTF-16 order differs only around surrogates). */
function cpOrder(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length === b.length ? 0 : a.length < b.length ? -1 : 1;
}

/** -1, 0 or 1, or 2 when the pair has no order. */
function ord(a: unknown, b: unknown): number {
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return cpOrder(a, b);
  if (a instanceof TypedValue && b instanceof TypedValue && a.kind === b.kind && a.currency === b.currency) return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  return 2;
}

function lt(a: unknown, b: unknown): unknown {
  const o = ord(a, b);
  return o === 2 ? $U : o < 0;
}

function le(a: unknown, b: unknown): unknown {
  const o = ord(a, b);
  return o === 2 ? $U : o <= 0;
}

function gt(a: unknown, b: unknown): unknown {
  const o = ord(a, b);
  return o === 2 ? $U : o > 0;
}

function ge(a: unknown, b: unknown): unknown {
  const o = ord(a, b);
  return o === 2 ? $U : o >= 0;
}

/** Strong Kleene: the left side is known not to be false (\`&&\`) / true (\`||\`). */
function and(a: unknown, b: unknown): unknown {
  return b === false ? false : a === true && b === true ? true : $U;
}

function or(a: unknown, b: unknown): unknown {
  return b === true ? true : a === false && b === false ? false : $U;
}

function not(a: unknown): unknown {
  return a === true ? false : a === false ? true : $U;
}

function neg(a: unknown): unknown {
  return typeof a === "number" ? (a === 0 ? 0 : -a) : $U;
}

/** Numbers only; a result beyond +-2^53 is U. */
function arith(r: number): unknown {
  return Math.abs(r) <= 9007199254740992 ? r : $U;
}

function add(a: unknown, b: unknown): unknown {
  return typeof a === "number" && typeof b === "number" ? arith(a + b) : $U;
}

function sub(a: unknown, b: unknown): unknown {
  return typeof a === "number" && typeof b === "number" ? arith(a - b) : $U;
}

function mul(a: unknown, b: unknown): unknown {
  return typeof a === "number" && typeof b === "number" ? arith(a * b) : $U;
}

function inList(a: unknown, xs: unknown): unknown {
  if (a === $U || !Array.isArray(xs)) return $U;
  for (let i = 0; i < xs.length; i++) if (same(a, xs[i])) return true;
  return false;
}

/** \`v in lo..hi\` (inclusive), strong Kleene over the two comparisons. */
function inRange(v: unknown, lo: unknown, hi: unknown): unknown {
  const a = ord(v, lo);
  const b = ord(v, hi);
  if ((a !== 2 && a < 0) || (b !== 2 && b > 0)) return false;
  return a === 2 || b === 2 ? $U : true;
}

/** A list literal with computed items: U when an item is U. */
function list(items: unknown[]): unknown {
  for (let i = 0; i < items.length; i++) if (items[i] === $U) return $U;
  return items;
}

/** An object literal with computed values: U when a value is U. */
function obj(entries: [string, unknown][]): unknown {
  for (let i = 0; i < entries.length; i++) if (entries[i]![1] === $U) return $U;
  return Object.fromEntries(entries);
}

/** Code points in a string, array length, own keys of an object; else U. */
function size(v: unknown): unknown {
  if (typeof v === "string") {
    let n = 0;
    for (let i = 0; i < v.length; i++) {
      const c = v.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < v.length) {
        const d = v.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) i++;
      }
      n++;
    }
    return n;
  }
  if (Array.isArray(v)) return v.length;
  if (isRecord(v)) return Object.keys(v).length;
  return $U;
}

function isHigh(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

function isLow(c: number): boolean {
  return c >= 0xdc00 && c <= 0xdfff;
}

/** Does \`p\` occur in \`s\` at \`at\` without splitting a surrogate pair at either end? */
function cpAt(s: string, p: string, at: number): boolean {
  if (!s.startsWith(p, at) || p.length === 0) return s.startsWith(p, at);
  const end = at + p.length;
  if (at > 0 && isHigh(s.charCodeAt(at - 1)) && isLow(s.charCodeAt(at))) return false;
  if (end < s.length && isHigh(s.charCodeAt(end - 1)) && isLow(s.charCodeAt(end))) return false;
  return true;
}

function startsWith(s: unknown, p: unknown): unknown {
  return typeof s === "string" && typeof p === "string" ? cpAt(s, p, 0) : $U;
}

function endsWith(s: unknown, p: unknown): unknown {
  return typeof s === "string" && typeof p === "string" ? p.length <= s.length && cpAt(s, p, s.length - p.length) : $U;
}

function contains(s: unknown, p: unknown): unknown {
  if (typeof s !== "string" || typeof p !== "string") return $U;
  for (let at = s.indexOf(p); at >= 0; at = s.indexOf(p, at + 1)) if (cpAt(s, p, at)) return true;
  return false;
}

function lower(s: unknown): unknown {
  return typeof s === "string" ? s.toLowerCase() : $U;
}

function upper(s: unknown): unknown {
  return typeof s === "string" ? s.toUpperCase() : $U;
}

function trim(s: unknown): unknown {
  return typeof s === "string" ? s.trim() : $U;
}

function nfkc(s: unknown): unknown {
  return typeof s === "string" ? s.normalize("NFKC") : $U;
}

/**
 * The \`result\` root of a response condition: \`structuredContent\` when it is an object, else the
 * first content block of type "text" parsed as JSON when it starts with { or [ and has at most
 * 2^20 UTF-16 code units; anything else is U.
 */
function resultOf(r: unknown): unknown {
  if (!isRecord(r)) return $U;
  const sc = get(r, "structuredContent");
  if (isRecord(sc)) return sc;
  const content = get(r, "content");
  if (!Array.isArray(content)) return $U;
  for (let i = 0; i < content.length; i++) {
    const b: unknown = content[i];
    if (!isRecord(b) || b.type !== "text") continue;
    const text = b.text;
    if (typeof text !== "string" || text.length > 1048576 || !(text.startsWith("{") || text.startsWith("["))) return $U;
    try {
      return val(JSON.parse(text));
    } catch {
      return $U;
    }
  }
  return $U;
}

/** Does \`ids\` hold one of \`wanted\`? (Listing with many grants: an unconditional one must cover.) */
function hasAnyOf(ids: readonly string[] | undefined, wanted: readonly string[]): boolean {
  if (ids === undefined) return false;
  for (let i = 0; i < ids.length; i++) if (wanted.includes(ids[i]!)) return true;
  return false;
}

/** A regex on the native engine (only patterns the compiler proved backtracking-safe reach here). */
function nativeRe(source: string, flags: string): RegExp {
  try {
    return new RegExp(source, flags + "u");
  } catch {
    return new RegExp(source, flags);
  }
}

function matches(re: RegExp, s: unknown): unknown {
  return typeof s === "string" ? re.test(s) : $U;
}

/** The runtime's matchers, lent by \`bind\`; while unbound, detector and non-safe regex conditions are U. */
let $rt: BundleRuntime | undefined;

/** A matcher the runtime makes on first use after \`bind\`; null (U) while unbound or when the runtime cannot make it. */
class Lent {
  private rt: BundleRuntime | undefined = undefined;
  private m: TextMatcher | null = null;
  constructor(private readonly make: (rt: BundleRuntime) => TextMatcher) {}
  get(): TextMatcher | null {
    if ($rt === undefined) return null;
    if (this.rt !== $rt) {
      this.rt = $rt;
      try {
        this.m = this.make($rt);
      } catch {
        this.m = null;
      }
    }
    return this.m;
  }
}

/** A built-in detector (pattern + validator, e.g. Luhn); probing "" makes an unknown name fail here, not mid-scan. */
function builtinDetector(name: string): Lent {
  return new Lent((rt) => {
    rt.detect(name, "");
    return { test: (text: string) => rt.detect(name, text) };
  });
}

/** A declared detector: a match of one of its patterns that all its validators accept. */
function declaredDetector(patterns: readonly { source: string; flags: string }[], validators: readonly string[]): Lent {
  return new Lent((rt) => rt.detector(patterns, validators));
}

/** A regex that is not provably backtracking-safe: the runtime compiles it for a linear-time engine. */
function lentRegex(source: string, flags: string): Lent {
  return new Lent((rt) => rt.regex(source, flags));
}

/** \`args_hash()\`: the runtime's hash of the arguments (the one idempotency keys use), lent by \`bind\`; U while unbound. */
function argsHash(args: unknown): unknown {
  if ($rt === undefined || $rt.argsHash === undefined) return $U;
  try {
    return $rt.argsHash(args);
  } catch {
    return $U;
  }
}

/** \`s matches\` a detector or a lent regex. */
function matchesLent(m: Lent, s: unknown): unknown {
  const t = m.get();
  return typeof s === "string" && t !== null ? t.test(s) : $U;
}

/**
 * \`detect(v, d...)\`: the string leaves of v, depth-first in order (array items, object values in
 * key order): true at the first hit; U when v is U, a detector is unavailable, or the walk passes
 * max_elements = 10000 nodes or max_scan = 1 MiB (2^20 UTF-16 units) of text first; else false.
 */
function detectIn(v: unknown, ds: readonly Lent[]): unknown {
  if (v === $U) return $U;
  const ms: TextMatcher[] = [];
  for (let i = 0; i < ds.length; i++) {
    const m = ds[i]!.get();
    if (m === null) return $U;
    ms.push(m);
  }
  const stack: unknown[] = [v];
  let nodes = 0;
  let text = 0;
  while (stack.length > 0) {
    const x = stack.pop();
    if (++nodes > 10000) return $U;
    if (typeof x === "string") {
      text += x.length;
      if (text > 1048576) return $U;
      for (let i = 0; i < ms.length; i++) if (ms[i]!.test(x)) return true;
    } else if (Array.isArray(x)) {
      for (let i = x.length - 1; i >= 0; i--) stack.push(x[i]);
    } else if (isRecord(x)) {
      const keys = Object.keys(x);
      for (let i = keys.length - 1; i >= 0; i--) stack.push(x[keys[i]!]);
    }
  }
  return false;
}

/** A formatter for a time zone, or null for an invalid one. */
function tzFormat(tz: unknown): Intl.DateTimeFormat | null {
  if (typeof tz !== "string") return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", hourCycle: "h23", weekday: "short" });
  } catch {
    return null;
  }
}

const WEEKDAYS: readonly string[] = Object.freeze(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]);

/** \`now.hour(tz)\` (0-23) or \`now.weekday(tz)\` (ISO: Monday 1 ... Sunday 7). */
function clock(f: Intl.DateTimeFormat | null, now: number | undefined, hour: boolean): unknown {
  if (f === null || typeof now !== "number" || !(Math.abs(now) <= 8.64e15)) return $U; // outside the Date range: unknown, never a throw
  const parts = f.formatToParts(now);
  for (const part of parts) {
    if (hour && part.type === "hour") return Number(part.value) % 24;
    if (!hour && part.type === "weekday") return WEEKDAYS.indexOf(part.value) + 1;
  }
  return $U;
}`;

/** One top-level declaration of HELPERS (they are separated by blank lines) and the name it declares. */
interface Chunk {
  readonly name: string;
  readonly text: string;
  /** Identifiers the declaration mentions (a superset of the helpers it uses). */
  readonly mentions: ReadonlySet<string>;
}

const IDENT = /[$A-Za-z_][$\w]*/g;

/** Identifiers outside whole-line comments (`// …` lines and `/** … *\/` blocks), so prose never pulls in a helper. */
function identifiers(text: string): Set<string> {
  const code = text
    .replace(/^[ \t]*\/\*[\s\S]*?\*\/[ \t]*$/gm, "")
    .replace(/^[ \t]*\/\/.*$/gm, "");
  return new Set(code.match(IDENT) ?? []);
}

const CHUNKS: readonly Chunk[] = `${HELPERS}\n\n${PENDING_HELPERS}`.split("\n\n").map((text) => {
  const names = [...text.matchAll(/^(?:function|const|let|class|interface)\s+([$\w]+)/gm)].map((m) => m[1]!);
  // A blank line inside a declaration would break this split; fail the compiler's own tests, loudly.
  if (names.length !== 1) throw new Error(`expr-helpers: a helper block must declare exactly one name, found ${JSON.stringify(names)}`);
  return { name: names[0]!, text, mentions: identifiers(text) };
});

/**
 * The condition helper section of `policy.ts`: only the helpers `usedBy` (the rest of the
 * emitted module) reaches, directly or through other helpers, in their original order — so a
 * policy with one `args.priority == 'urgent'` carries a dozen lines of helpers, not all of them.
 */
export function exprHelpersCode(usedBy: string): Code {
  const needed = new Set<string>();
  const byName = new Map(CHUNKS.map((c) => [c.name, c]));
  const visit = (names: Iterable<string>): void => {
    for (const n of names) {
      const chunk = byName.get(n);
      if (!chunk || needed.has(n)) continue;
      needed.add(n);
      visit(chunk.mentions);
    }
  };
  visit(identifiers(usedBy));
  return Code.trusted(CHUNKS.filter((c) => needed.has(c.name)).map((c) => c.text).join("\n\n"));
}
