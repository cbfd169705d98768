/**
 * The redaction walker: applies a scope's rules to one JSON root. Rules advance through their path
 * segments together (an NFA over the tree, so `**` and wildcards cost one pass); a node reached by
 * a rule's last segment is a target. Copy-on-write: only changed nodes are copied, and the same
 * root comes back when nothing changed. Bounded by depth and visited nodes (past them it fails
 * closed: see `overLimit`); never throws on JSON.
 */
import type { ConditionFn } from "../hooks.js";
import { applySpan, applyWhole, METHOD_STRENGTH, REMOVED, type RedactMethod } from "./methods.js";
import { jsonPointer, type PathSegment } from "./path.js";

/** Deepest level the walker descends to (`**` included). */
export const MAX_DEPTH = 64;
/** Most nodes visited in one root; past it, nodes a rule could reach become "[REDACTED]". */
export const MAX_NODES = 1_000_000;

/** A span finder (compiled regex or detector). */
export interface SpanFinder {
  spans(s: string): [number, number][];
}

/** One rule, ready to walk. */
export interface WalkRule {
  readonly id: string;
  /** Alternative paths; empty = only the root itself (plain text roots, error messages). */
  readonly paths: readonly (readonly PathSegment[])[];
  readonly matchers: readonly SpanFinder[];
  readonly method: RedactMethod;
  /** The rule's compiled `when` (null = unconditional); plan.ts filters on it per call, the walker ignores it. */
  readonly when?: ConditionFn | null;
}

/** One change, without the original value (§8.1). */
export interface RedactionEntry {
  readonly pointer: string;
  readonly scope: string;
  readonly method: string;
  readonly rule: string;
}

interface State { readonly rule: number; readonly path: number; readonly pos: number }

/**
 * A set of NFA states, determinized lazily: each node of the walk is in one `DState`, and the
 * step to a child is a memoized lookup (a literal key or index, or "any other"). This is the
 * per-tool, per-scope path trie, built on first use and cached with the rule list.
 */
interface DState {
  readonly states: readonly State[];
  /** Rules whose path ends here (sorted, unique). */
  readonly targets: readonly number[];
  /** Some state can still go deeper. */
  readonly live: boolean;
  /** Literal object keys / array indexes some state steps on. */
  readonly keys: readonly string[];
  readonly indexes: readonly number[];
  /** Some state steps on every member / element (`*`, `[*]`, `**`). */
  readonly anyMember: boolean;
  readonly anyElement: boolean;
  readonly memberNext: Map<string, DState | null>;
  readonly elementNext: Map<number, DState | null>;
  memberOther: DState | null | undefined;
  elementOther: DState | null | undefined;
}

/** The automaton of one rule list (cached per list: the plan cache keeps lists stable). */
interface Automaton {
  readonly rules: readonly WalkRule[];
  readonly byKey: Map<string, DState>;
  readonly start: DState;
}

const MAX_DSTATES = 10_000;
const automata = new WeakMap<readonly WalkRule[], Automaton>();

function automaton(rules: readonly WalkRule[]): Automaton {
  let a = automata.get(rules);
  if (a) return a;
  const byKey = new Map<string, DState>();
  const init: State[] = [];
  rules.forEach((r, ri) => {
    if (r.paths.length === 0) init.push({ rule: ri, path: -1, pos: 0 });
    r.paths.forEach((_, pi) => init.push({ rule: ri, path: pi, pos: 0 }));
  });
  const partial = { rules, byKey } as { rules: readonly WalkRule[]; byKey: Map<string, DState>; start?: DState };
  partial.start = dstate(partial as Automaton, expand(rules, init))!;
  a = partial as Automaton;
  automata.set(rules, a);
  return a;
}

/** Close states over `**` (a deep segment may match zero levels). */
function expand(rules: readonly WalkRule[], states: readonly State[]): State[] {
  const out: State[] = [];
  const stack = [...states];
  while (stack.length > 0) {
    const s = stack.pop()!;
    out.push(s);
    if (s.path < 0) continue;
    const segs = rules[s.rule]!.paths[s.path]!;
    if (segs[s.pos]?.kind === "deep") stack.push({ rule: s.rule, path: s.path, pos: s.pos + 1 });
  }
  return out;
}

function dstate(a: Automaton, states: readonly State[]): DState | null {
  if (states.length === 0) return null;
  const uniq = new Map<string, State>();
  for (const s of states) uniq.set(`${s.rule}:${s.path}:${s.pos}`, s);
  const key = [...uniq.keys()].sort().join(",");
  const hit = a.byKey.get(key);
  if (hit) return hit;
  const list = [...uniq.values()];
  const targets = new Set<number>();
  const keys = new Set<string>();
  const indexes = new Set<number>();
  let live = false, anyMember = false, anyElement = false;
  for (const s of list) {
    if (s.path < 0) { targets.add(s.rule); continue; }
    const segs = a.rules[s.rule]!.paths[s.path]!;
    const seg = segs[s.pos];
    if (seg === undefined) { targets.add(s.rule); continue; }
    live = true;
    if (seg.kind === "key") keys.add(seg.key);
    else if (seg.kind === "index") indexes.add(seg.index);
    else if (seg.kind === "members") anyMember = true;
    else if (seg.kind === "elements") anyElement = true;
    else { anyMember = true; anyElement = true; }
  }
  const d: DState = {
    states: list, targets: [...targets].sort((x, y) => x - y), live, keys: [...keys], indexes: [...indexes], anyMember, anyElement,
    memberNext: new Map(), elementNext: new Map(), memberOther: undefined, elementOther: undefined,
  };
  // A pathological rule set cannot grow the cache without bound; past the cap states are rebuilt.
  if (a.byKey.size < MAX_DSTATES) a.byKey.set(key, d);
  return d;
}

/** The state of child `key` (an object member when `!isArray`, else an array index). */
function step(a: Automaton, d: DState, key: string | number, isArray: boolean): DState | null {
  const literal = isArray ? d.indexes.includes(key as number) : d.keys.includes(key as string);
  if (!literal) {
    const cached = isArray ? d.elementOther : d.memberOther;
    if (cached !== undefined) return cached;
  } else {
    const cached = isArray ? d.elementNext.get(key as number) : d.memberNext.get(key as string);
    if (cached !== undefined) return cached;
  }
  const next: State[] = [];
  for (const s of d.states) {
    if (s.path < 0) continue;
    const seg = a.rules[s.rule]!.paths[s.path]![s.pos];
    if (seg === undefined) continue;
    switch (seg.kind) {
      case "key":
        if (!isArray && seg.key === key) next.push({ ...s, pos: s.pos + 1 });
        break;
      case "index":
        if (isArray && seg.index === key) next.push({ ...s, pos: s.pos + 1 });
        break;
      case "elements":
        if (isArray) next.push({ ...s, pos: s.pos + 1 });
        break;
      case "members":
        if (!isArray) next.push({ ...s, pos: s.pos + 1 });
        break;
      case "deep":
        next.push(s); // stay on `**` one level down; `expand` also tries the next segment
        break;
    }
  }
  const out = dstate(a, expand(a.rules, next));
  if (!literal) {
    if (isArray) d.elementOther = out;
    else d.memberOther = out;
  } else if (isArray) d.elementNext.set(key as number, out);
  else d.memberNext.set(key as string, out);
  return out;
}

interface Walk {
  readonly a: Automaton;
  readonly rules: readonly WalkRule[];
  readonly key: string | null;
  readonly scope: string;
  readonly report: RedactionEntry[];
  readonly steps: (string | number)[];
  nodes: number;
  /** Prefix for pointers (e.g. `/content/0/text` for a parsed text block). */
  readonly base: string;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * Redact `root` with `rules` (each rule's paths are relative to `root`; a rule with no paths
 * targets the root itself). Rules with matchers apply their method to matched spans of strings.
 * Pass the same `rules` array again to reuse its automaton.
 */
export function redactRoot(
  root: unknown,
  rules: readonly WalkRule[],
  opts: { scope: string; key: string | null; report: RedactionEntry[]; base?: string },
): unknown {
  if (rules.length === 0) return root;
  const a = automaton(rules);
  const w: Walk = { a, rules, key: opts.key, scope: opts.scope, report: opts.report, steps: [], nodes: 0, base: opts.base ?? "" };
  const out = visit(w, root, a.start, 0);
  return out === REMOVED ? null : out;
}

function entry(w: Walk, method: string, rule: string): void {
  w.report.push({ pointer: w.base + jsonPointer(w.steps), scope: w.scope, method, rule });
}

/**
 * Past a limit (node budget, depth) a node that a rule could still reach is not inspected but
 * replaced by "[REDACTED]": a message too big or too deep to check must not leak (fail closed).
 */
function overLimit(w: Walk, node: unknown, d: DState): unknown {
  const reachable = d.targets.length > 0 || (d.live && node !== null && typeof node === "object");
  if (!reachable) return node;
  const s = d.states[0]!;
  entry(w, "limit", w.rules[s.rule]!.id);
  return "[REDACTED]";
}

function visit(w: Walk, node: unknown, d: DState, depth: number): unknown {
  if (++w.nodes > MAX_NODES) return overLimit(w, node, d);
  if (d.targets.length > 0) {
    const res = applyTargets(w, node, d.targets);
    if (res.done) return res.value;
  }
  if (!d.live || node === null || typeof node !== "object") return node;
  if (depth >= MAX_DEPTH) return overLimit(w, node, d);
  if (Array.isArray(node)) {
    let copy: unknown[] | null = null;
    let removed: Set<number> | null = null;
    const n = d.anyElement ? node.length : d.indexes.length;
    for (let j = 0; j < n; j++) {
      const i = d.anyElement ? j : d.indexes[j]!;
      if (i >= node.length) continue;
      const st = step(w.a, d, i, true);
      if (st === null) continue;
      w.steps.push(i);
      const v = visit(w, node[i], st, depth + 1);
      w.steps.pop();
      if (v === node[i]) continue;
      copy ??= node.slice();
      if (v === REMOVED) (removed ??= new Set()).add(i);
      else copy[i] = v;
    }
    if (copy === null) return node;
    const gone = removed;
    return gone === null ? copy : copy.filter((_, i) => !gone.has(i));
  }
  const obj = node as Record<string, unknown>;
  let copy: Record<string, unknown> | null = null;
  const keys = d.anyMember ? Object.keys(obj) : d.keys;
  for (const k of keys) {
    if (!d.anyMember && !own(obj, k)) continue;
    const st = step(w.a, d, k, false);
    if (st === null) continue;
    w.steps.push(k);
    const v = visit(w, obj[k], st, depth + 1);
    w.steps.pop();
    if (v === obj[k]) continue;
    copy ??= { ...obj };
    if (v === REMOVED) delete copy[k];
    // Assigning `__proto__` would set the prototype: that key is defined as a plain data property.
    else if (k === "__proto__") Object.defineProperty(copy, k, { value: v, writable: true, enumerable: true, configurable: true });
    else copy[k] = v;
  }
  return copy ?? node;
}

/**
 * Apply the rules that end at this node. A whole-value method (rule without matchers) that
 * changes the value wins by strength and ends the walk here; otherwise span rules apply to a
 * string, and containers are walked further.
 */
function applyTargets(w: Walk, node: unknown, ruleIdx: readonly number[]): { done: boolean; value: unknown } {
  const whole = ruleIdx.filter((i) => w.rules[i]!.matchers.length === 0);
  whole.sort((a, b) => {
    const ra = w.rules[a]!, rb = w.rules[b]!;
    const d = (METHOD_STRENGTH[rb.method.name] ?? 99) - (METHOD_STRENGTH[ra.method.name] ?? 99);
    return d !== 0 ? d : ra.id < rb.id ? -1 : ra.id > rb.id ? 1 : 0;
  });
  for (const i of whole) {
    const r = w.rules[i]!;
    const v = applyWhole(r.method, node, w.key);
    if (v === undefined) continue; // mask* on a non-string: no-op, try the next
    entry(w, r.method.name, r.id);
    return { done: true, value: v };
  }
  if (typeof node !== "string") return { done: false, value: node };
  const spanRules = ruleIdx.filter((i) => w.rules[i]!.matchers.length > 0);
  if (spanRules.length === 0) return { done: false, value: node };
  const value = redactSpans(w, node, spanRules);
  return { done: true, value };
}

/** Merge the spans of all span rules on `s`; a merged span takes the strongest method among them. */
function redactSpans(w: Walk, s: string, ruleIdx: readonly number[]): string {
  const hits: { a: number; b: number; rule: number }[] = [];
  for (const i of ruleIdx) for (const m of w.rules[i]!.matchers) for (const [a, b] of m.spans(s)) hits.push({ a, b, rule: i });
  if (hits.length === 0) return s;
  hits.sort((x, y) => x.a - y.a || y.b - x.b);
  const merged: { a: number; b: number; rule: number }[] = [];
  const strength = (i: number) => METHOD_STRENGTH[w.rules[i]!.method.name] ?? 99;
  for (const h of hits) {
    const last = merged[merged.length - 1];
    if (last && h.a < last.b) {
      last.b = Math.max(last.b, h.b);
      if (strength(h.rule) > strength(last.rule)) last.rule = h.rule;
    } else merged.push({ ...h });
  }
  let out = "";
  let at = 0;
  const used = new Set<number>();
  for (const m of merged) {
    const r = w.rules[m.rule]!;
    out += s.slice(at, m.a) + applySpan(r.method, s.slice(m.a, m.b), w.key);
    at = m.b;
    used.add(m.rule);
  }
  out += s.slice(at);
  for (const i of [...used].sort((a, b) => a - b)) entry(w, w.rules[i]!.method.name, w.rules[i]!.id);
  return out;
}
