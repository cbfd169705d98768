/**
 * The reference evaluator of conditions (LANGUAGE.md §5): values are JSON plus `unknown` (U), and
 * the typed literals (durations, sizes, money). Written for obviousness, not speed — it is the
 * oracle the emitted condition code (`compiler/emit/expr-code.ts`) is tested against, so it shares
 * no code with it.
 *
 * Choices where §5 leaves room (the emitted code makes the same ones):
 * - `caller` has `.id .kind .teams` (from the runtime principal); `.attrs`/`.claims` are U for now.
 * - Bare `now`, `caller`, `tool`, `agent`, a regex or a detector used as a value are U.
 * - A list or object literal with a U item is U.
 * - `now.weekday(tz)` is ISO: Monday = 1 … Sunday = 7.
 * - `s matches <detector>` and `detect(v, d…)` run the detectors of `runtime/helpers/detectors.ts`
 *   (a declared detector shadows a built-in of the same name); a regex that is not provably
 *   backtracking-safe runs on RE2 (`compileRegex`). A detector or regex that cannot be built (an
 *   unknown validator) is U. The bundle gets the same matchers from the runtime (`bind`).
 * - `detect(v, d…)` walks `v` depth-first in order (array items, then object values in key order)
 *   and scans string leaves: true at the first hit; U when `v` is U, when it visits more than
 *   `MAX_ELEMENTS` nodes or more than `MAX_SCAN` UTF-16 units of text before a hit; else false.
 * - `args_hash()` is the hex SHA-256 of the arguments' RFC 8785 JSON, computed by the runtime's own
 *   function (the one idempotency keys use; the bundle borrows it through `bind` and is U unbound).
 * - A quantifier over more than `MAX_ELEMENTS` elements is U.
 * - `response` is the CallToolResult a `block`/`redact` condition is evaluated for (U when there is
 *   none); `result` is derived from it by `resultOfRef`.
 */
import type { Principal, ToolClass } from "../../runtime/hooks.js";
import { argsHash } from "../../runtime/govern/idempotency-key.js";
import { declaredDetector, detector } from "../../runtime/helpers/detectors.js";
import { compileRegex } from "../../runtime/helpers/regex.js";
import type { DetectorIR, ExprIR } from "../ir/ir.js";

/** The unknown value. */
export const U: unique symbol = Symbol("unknown");
/** Tri-state truth. */
export type Tri = "T" | "F" | "U";

/** A typed literal value. */
export class Typed {
  constructor(
    readonly kind: "duration" | "size" | "money",
    readonly n: number,
    readonly currency: string,
  ) {}
}

/** Quantifiers visit at most this many elements (`max_elements`); `detect` at most this many nodes. */
export const MAX_ELEMENTS = 10000;
/** `detect` scans at most this much string text (`max_scan` 1 MiB, in UTF-16 code units). */
export const MAX_SCAN = 1 << 20;
const LIMIT = 2 ** 53;

/** What a condition can read. */
export interface EvalEnv {
  readonly args: unknown;
  readonly meta: unknown;
  readonly now: number | undefined;
  readonly principal: Principal;
  readonly tool: string;
  readonly upstream: string;
  readonly cls: ToolClass | null;
  readonly agent: string;
  /** The CallToolResult in `redact`/`block` conditions on the response path; undefined elsewhere (U). */
  readonly response?: unknown;
  /** The bundle's declared detectors (`BundleIR.detectors`); other detector names are built-ins. */
  readonly detectors: readonly DetectorIR[];
}

/** `result` is parsed from a text block only up to this many UTF-16 code units (1 MiB of ASCII). */
export const MAX_RESULT_TEXT = 1 << 20;

/**
 * The `result` root (§5) from a CallToolResult: its `structuredContent` when that is an object,
 * else the first content block of type "text", parsed as JSON when it starts with `{` or `[` and
 * is at most `MAX_RESULT_TEXT` long; anything else is U.
 */
export function resultOfRef(response: unknown): Value {
  if (!isObj(response)) return U;
  const sc = Object.prototype.hasOwnProperty.call(response, "structuredContent") ? response.structuredContent : undefined;
  if (isObj(sc)) return sc;
  const content = Object.prototype.hasOwnProperty.call(response, "content") ? response.content : undefined;
  if (!Array.isArray(content)) return U;
  const block = content.find((b) => isObj(b) && b.type === "text");
  if (block === undefined) return U;
  const text = (block as Record<string, unknown>).text;
  if (typeof text !== "string" || text.length > MAX_RESULT_TEXT || !(text.startsWith("{") || text.startsWith("["))) return U;
  try {
    return fix(JSON.parse(text));
  } catch {
    return U;
  }
}

type Value = unknown;
type Vars = ReadonlyMap<string, Value>;

const isObj = (v: Value): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v) && !(v instanceof Typed);
const fix = (v: Value): Value => (v === undefined ? U : v);

function step(v: Value, s: string | number): Value {
  if (typeof s === "number") return Array.isArray(v) && Number.isInteger(s) && s >= 0 && s < v.length ? fix(v[s]) : U;
  return isObj(v) && Object.prototype.hasOwnProperty.call(v, s) ? fix(v[s]) : U;
}

function rootValue(root: string, first: string | number | undefined, env: EvalEnv): [Value, number] {
  switch (root) {
    case "args":
      return [fix(env.args), 0];
    case "meta":
      return [fix(env.meta), 0];
    case "caller":
      if (first === "id") return [env.principal.id, 1];
      if (first === "kind") return [env.principal.kind, 1];
      if (first === "teams") return [env.principal.teams, 1];
      return [U, 0];
    case "tool":
      if (first === "name") return [env.tool, 1];
      if (first === "upstream") return [env.upstream, 1];
      if (first === "class") return [env.cls ?? U, 1];
      return [U, 0];
    case "agent":
      return first === "name" ? [env.agent, 1] : [U, 0];
    case "response":
      return [fix(env.response), 0];
    case "result":
      return [resultOfRef(env.response), 0];
    default:
      return [U, 0];
  }
}

/** Deep, total equality of two non-U values. */
function same(a: Value, b: Value): boolean {
  if (a instanceof Typed || b instanceof Typed) return a instanceof Typed && b instanceof Typed && a.kind === b.kind && a.n === b.n && a.currency === b.currency;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (isObj(a)) {
    if (!isObj(b)) return false;
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.length === kb.length && ka.every((k, i) => k === kb[i] && same(a[k], b[k]));
  }
  return a === b;
}

/** Code-point order of two strings: negative, zero or positive. */
function cpCompare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/** Ordering: a number (sign of a − b) or U. */
function order(a: Value, b: Value): number | typeof U {
  if (a === U || b === U) return U;
  if (typeof a === "number" && typeof b === "number") return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === "string" && typeof b === "string") return Math.sign(cpCompare(a, b));
  if (a instanceof Typed && b instanceof Typed && a.kind === b.kind && a.currency === b.currency) return a.n < b.n ? -1 : a.n > b.n ? 1 : 0;
  return U;
}

const tri = (v: Value): Tri => (v === true ? "T" : v === false ? "F" : "U");
const fromTri = (t: Tri): Value => (t === "T" ? true : t === "F" ? false : U);
const cps = (s: string) => Array.from(s);

function startsWithCp(s: string, p: string): boolean {
  const a = cps(s);
  const b = cps(p);
  return b.length <= a.length && b.every((c, i) => c === a[i]);
}
function endsWithCp(s: string, p: string): boolean {
  const a = cps(s);
  const b = cps(p);
  return b.length <= a.length && b.every((c, i) => c === a[a.length - b.length + i]);
}
function containsCp(s: string, p: string): boolean {
  const a = cps(s);
  const b = cps(p);
  for (let i = 0; i + b.length <= a.length; i++) if (b.every((c, j) => c === a[i + j])) return true;
  return false;
}

type Test = (s: string) => boolean;

/** Built once per pattern/detector; null when it cannot be built (bad pattern, unknown validator). */
const matcherCache = new Map<string, Test | null>();
function cached(key: string, make: () => Test): Test | null {
  if (!matcherCache.has(key)) {
    let t: Test | null;
    try {
      t = make();
    } catch {
      t = null;
    }
    matcherCache.set(key, t);
  }
  return matcherCache.get(key)!;
}

function regexMatcher(source: string, flags: string): Test | null {
  return cached(`regex\u0000${flags}\u0000${source}`, () => {
    const re = compileRegex(source, flags);
    return (s) => re.test(s);
  });
}

/** The detector `name`: declared in the bundle, else built-in; null when unknown or unbuildable. */
function detectorMatcher(name: string, env: EvalEnv): Test | null {
  const d = env.detectors.find((x) => x.name === name);
  if (d) {
    return cached(`declared\u0000${JSON.stringify([d.patterns, d.validators])}`, () => {
      const det = declaredDetector(d.name, d.patterns, d.validators);
      return (s) => det.test(s);
    });
  }
  return cached(`builtin\u0000${name}`, () => {
    const det = detector(name);
    if (!det) throw new Error(`unknown detector ${name}`);
    return (s) => det.test(s);
  });
}

/**
 * `detect(v, d…)`: see the header. A pre-order walk that keeps, per open container, its children
 * and the next index (not recursion: 10,000 nested arrays would overflow the call stack).
 */
function detectIn(v: Value, tests: readonly Test[]): Value {
  if (v === U) return U;
  let nodes = 0;
  let text = 0;
  const open: { items: Value[]; next: number }[] = [{ items: [v], next: 0 }];
  while (open.length > 0) {
    const top = open[open.length - 1]!;
    if (top.next === top.items.length) {
      open.pop();
      continue;
    }
    const x = top.items[top.next++];
    if (++nodes > MAX_ELEMENTS) return U;
    if (typeof x === "string") {
      text += x.length;
      if (text > MAX_SCAN) return U;
      if (tests.some((t) => t(x))) return true;
    } else if (Array.isArray(x)) open.push({ items: x, next: 0 });
    else if (isObj(x)) open.push({ items: Object.keys(x).map((k) => x[k]), next: 0 });
  }
  return false;
}

/** Hour (0–23) or ISO weekday (1–7) of `ms` in zone `tz`; U for an invalid zone. */
export function clockPart(ms: number, tz: string, part: "hour" | "weekday"): Value {
  let parts: Intl.DateTimeFormatPart[];
  try {
    parts = new Intl.DateTimeFormat("en-US", { timeZone: tz, hour: "numeric", hourCycle: "h23", weekday: "short" }).formatToParts(ms);
  } catch {
    return U;
  }
  if (part === "hour") return Number(parts.find((p) => p.type === "hour")!.value) % 24;
  return ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.find((p) => p.type === "weekday")!.value) + 1;
}

function arith(kind: string, a: Value, b: Value): Value {
  if (typeof a !== "number" || typeof b !== "number") return U;
  const r = kind === "+" ? a + b : kind === "-" ? a - b : a * b;
  return Math.abs(r) <= LIMIT ? r : U;
}

/** Evaluate an expression to a value (JSON, a `Typed`, or U). */
export function evalExpr(e: ExprIR, env: EvalEnv, vars: Vars = new Map()): Value {
  switch (e.op) {
    case "lit":
      return e.value;
    case "duration":
      return new Typed("duration", e.ms, "");
    case "size":
      return new Typed("size", e.bytes, "");
    case "money":
      return new Typed("money", e.micros, e.currency);
    case "regex":
    case "detector":
      return U;
    case "path": {
      let v: Value;
      let i = 0;
      if (e.root.startsWith("$")) v = vars.has(e.root) ? vars.get(e.root) : U;
      else {
        const first = e.steps[0];
        [v, i] = rootValue(e.root, typeof first === "object" ? undefined : first, env);
      }
      for (; i < e.steps.length; i++) {
        if (v === U) return U;
        const s = e.steps[i]!;
        if (typeof s === "object") {
          const k = evalExpr(s, env, vars);
          v = typeof k === "number" || typeof k === "string" ? step(v, k) : U;
        } else v = step(v, s);
      }
      return v;
    }
    case "list": {
      const items = e.items.map((i) => evalExpr(i, env, vars));
      return items.includes(U) ? U : items;
    }
    case "object": {
      const entries = e.entries.map(([k, x]) => [k, evalExpr(x, env, vars)] as const);
      return entries.some(([, v]) => v === U) ? U : Object.fromEntries(entries);
    }
    case "not": {
      const t = tri(evalExpr(e.operand, env, vars));
      return t === "T" ? false : t === "F" ? true : U;
    }
    case "neg": {
      const v = evalExpr(e.operand, env, vars);
      return typeof v === "number" ? (v === 0 ? 0 : -v) : U;
    }
    case "binary":
      return evalBinary(e.kind, e.left, e.right, env, vars);
    case "in_range": {
      const v = evalExpr(e.value, env, vars);
      const lo = order(v, evalExpr(e.low, env, vars));
      const hi = order(v, evalExpr(e.high, env, vars));
      const a: Tri = lo === U ? "U" : lo >= 0 ? "T" : "F";
      const b: Tri = hi === U ? "U" : hi <= 0 ? "T" : "F";
      return fromTri(a === "F" || b === "F" ? "F" : a === "T" && b === "T" ? "T" : "U");
    }
    case "call":
      return evalCall(e, env, vars);
  }
}

function evalBinary(kind: string, l: ExprIR, r: ExprIR, env: EvalEnv, vars: Vars): Value {
  if (kind === "&&" || kind === "||") {
    const a = tri(evalExpr(l, env, vars));
    const zero: Tri = kind === "&&" ? "F" : "T";
    if (a === zero) return fromTri(zero);
    const b = tri(evalExpr(r, env, vars));
    if (b === zero) return fromTri(zero);
    return a === "U" || b === "U" ? U : fromTri(a);
  }
  if (kind === "??") {
    const a = evalExpr(l, env, vars);
    return a === U ? evalExpr(r, env, vars) : a;
  }
  if (kind === "matches") {
    const s = evalExpr(l, env, vars);
    const test = r.op === "regex" ? regexMatcher(r.source, r.flags) : r.op === "detector" ? detectorMatcher(r.name, env) : null;
    return typeof s === "string" && test !== null ? test(s) : U;
  }
  const a = evalExpr(l, env, vars);
  const b = evalExpr(r, env, vars);
  switch (kind) {
    case "==":
      return a === U || b === U ? U : same(a, b);
    case "!=":
      return a === U || b === U ? U : !same(a, b);
    case "<":
    case "<=":
    case ">":
    case ">=": {
      const o = order(a, b);
      if (o === U) return U;
      return kind === "<" ? o < 0 : kind === "<=" ? o <= 0 : kind === ">" ? o > 0 : o >= 0;
    }
    case "in":
      if (a === U || !Array.isArray(b)) return U;
      return b.some((x) => same(a, x));
    case "+":
    case "-":
    case "*":
      return arith(kind, a, b);
    default:
      return U;
  }
}

function quantify(fn: "exists" | "all", xs: Value, v: string, body: ExprIR, env: EvalEnv, vars: Vars): Value {
  if (!Array.isArray(xs) || xs.length > MAX_ELEMENTS) return U;
  const ts = xs.map((x) => tri(evalExpr(body, env, new Map([...vars, [v, fix(x)]]))));
  const decisive: Tri = fn === "exists" ? "T" : "F";
  if (ts.includes(decisive)) return fromTri(decisive);
  return ts.includes("U") ? U : fn === "all";
}

function evalCall(e: Extract<ExprIR, { op: "call" }>, env: EvalEnv, vars: Vars): Value {
  if (e.target === null) {
    if (e.fn === "has") return e.args.length === 1 && evalExpr(e.args[0]!, env, vars) !== U;
    if (e.fn === "size" && e.args.length === 1) return sizeOf(evalExpr(e.args[0]!, env, vars));
    if (e.fn === "args_hash") return e.args.length === 0 ? hashOfArgs(env.args) : U;
    if (e.fn === "detect" && e.args.length >= 2) {
      const tests = e.args.slice(1).map((d) => (d.op === "detector" ? detectorMatcher(d.name, env) : null));
      if (tests.some((t) => t === null)) return U;
      return detectIn(evalExpr(e.args[0]!, env, vars), tests as Test[]);
    }
    return U;
  }
  if (e.fn === "exists" || e.fn === "all") {
    const binder = e.args[0];
    if (!binder || binder.op !== "path" || e.args.length !== 2) return U;
    return quantify(e.fn, evalExpr(e.target, env, vars), binder.root, e.args[1]!, env, vars);
  }
  if (e.fn === "hour" || e.fn === "weekday") {
    const t = e.target;
    if (t.op !== "path" || t.root !== "now" || t.steps.length > 0 || e.args.length !== 1) return U;
    if (typeof env.now !== "number" || !(Math.abs(env.now) <= 8.64e15)) return U; // not a valid time
    const tz = evalExpr(e.args[0]!, env, vars);
    return typeof tz === "string" ? clockPart(env.now, tz, e.fn) : U;
  }
  const s = evalExpr(e.target, env, vars);
  if (e.fn === "size") return e.args.length === 0 ? sizeOf(s) : U;
  if (typeof s !== "string") return U;
  if (e.fn === "lower" || e.fn === "upper" || e.fn === "trim" || e.fn === "nfkc") {
    if (e.args.length !== 0) return U;
    return e.fn === "lower" ? s.toLowerCase() : e.fn === "upper" ? s.toUpperCase() : e.fn === "trim" ? s.trim() : s.normalize("NFKC");
  }
  if (e.args.length !== 1) return U;
  const p = evalExpr(e.args[0]!, env, vars);
  if (typeof p !== "string") return U;
  if (e.fn === "startsWith") return startsWithCp(s, p);
  if (e.fn === "endsWith") return endsWithCp(s, p);
  if (e.fn === "contains") return containsCp(s, p);
  return U;
}

function hashOfArgs(args: unknown): Value {
  try {
    return argsHash(args);
  } catch {
    return U; // arguments JSON cannot hold (never from a parsed request)
  }
}

function sizeOf(v: Value): Value {
  if (typeof v === "string") return Array.from(v).length;
  if (Array.isArray(v)) return v.length;
  if (isObj(v)) return Object.keys(v).length;
  return U;
}

/** Evaluate a rule condition to T, F or U. */
export function evalCond(e: ExprIR, env: EvalEnv): Tri {
  return tri(evalExpr(e, env));
}
