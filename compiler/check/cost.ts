/**
 * The static cost model of §5 ("Static cost (nodes × input caps) is checked against a budget"):
 * an upper bound on the steps one evaluation of an expression can take for any request, given the
 * agent's input caps. A step is one node evaluated, one element visited, or ten characters of text
 * traversed (CEL's cost model, which Kubernetes budgets with, charges string traversal at 0.1 per
 * character too). The bound follows the evaluator (`interp/eval.ts`, and the emitted code that
 * mirrors it):
 * - request data (`args`, `meta`, `result`, `response`, `caller.attrs/claims`) holds at worst
 *   `max_elements` elements and `max_message` characters in all; names (`caller.id`, `tool.name`,
 *   …) are at most 128 characters, `caller.teams` at most the bundle's team count; a literal or a
 *   `const` is exactly what it says;
 * - a quantifier visits at most `max_elements` elements (more gives unknown) and evaluates its
 *   body for each; two nested over request data cost `max_elements²` bodies;
 * - `detect(v, d…)` walks at most `max_elements` nodes and scans at most `max_scan` characters
 *   per detector; `matches`, `lower`, `upper`, `trim`, `nfkc`, `size`, `startsWith`, `endsWith`,
 *   `contains` traverse their string once; `==`, `<`, `in` compare at most the smaller side;
 *   `args_hash()` serializes the arguments.
 * Traversals of a quantifier's element are amortized: the elements of one value share its size,
 * so a body that reads its element's text k times costs k traversals of the whole collection over
 * the whole loop, not k per element (`tags.exists(x, x == args.s)` is linear in the message).
 * A cost is therefore a fixed number of steps plus, per quantifier variable in scope, how many
 * times the body traverses that variable's element.
 * Caps are the agent's `limits { … }` over the §3 defaults (10,000 elements, 1 MiB scanned, 4 MiB
 * messages). Estimates are floating point: they can exceed 2^53 without harm.
 */
import type { CallExpr, Expr } from "../lower/ast.js";
import type { Span } from "../source/source.js";
import type { Program } from "./program.js";

/** The request-size caps an expression's cost is bounded by. */
export interface InputCaps {
  readonly maxElements: number;
  readonly maxScan: number;
  readonly maxMessage: number;
  /** Declared teams: the longest `caller.teams` can be. */
  readonly teams: number;
}

/** The §3 defaults of `limits { max_elements 10000  max_scan 1MiB  max_message 4MiB }`. */
export const DEFAULT_CAPS = { maxElements: 10_000, maxScan: 1 << 20, maxMessage: 4 << 20 } as const;

/** Steps one expression may take per evaluation (Kubernetes' CEL runtime budget: ~1 s at its 100 ns a step). */
export const COST_BUDGET = 10_000_000;

/** What a value can be at worst: elements and characters in all, each element's shape, and the quantifier variable it comes from. */
interface Shape {
  readonly elems: number;
  readonly chars: number;
  /** Each element's shape; undefined = a scalar. */
  readonly item?: Shape;
  /** The value is (part of) this quantifier variable's element. */
  readonly of?: string;
}

/** Fixed steps, plus per quantifier variable the number of traversals of its element. */
interface Steps {
  readonly fixed: number;
  readonly scans: ReadonlyMap<string, number>;
}

/** The cost of an expression, its result's shape, and its most expensive part (for the help text). */
export interface Costed {
  readonly steps: Steps;
  readonly shape: Shape;
  readonly worst: { readonly span: Span; readonly cost: number; readonly what: string } | undefined;
}

const SCALAR: Shape = { elems: 1, chars: 1 };
const NAME: Shape = { elems: 1, chars: 128 };
const text = (chars: number) => Math.ceil(chars / 10);
/** Steps to traverse (compare, copy, scan) a value of this shape. */
const weight = (s: Shape) => s.elems + text(s.chars);
const fixed = (n: number): Steps => ({ fixed: n, scans: new Map() });

function plus(...all: Steps[]): Steps {
  const scans = new Map<string, number>();
  for (const s of all) for (const [v, k] of s.scans) scans.set(v, (scans.get(v) ?? 0) + k);
  return { fixed: all.reduce((n, s) => n + s.fixed, 0), scans };
}

function times(s: Steps, n: number): Steps {
  return { fixed: s.fixed * n, scans: new Map([...s.scans].map(([v, k]) => [v, k * n])) };
}

/** One traversal of a value: fixed for a value of known size, a scan of its variable for an element. */
const traverse = (s: Shape): Steps => (s.of !== undefined ? { fixed: 0, scans: new Map([[s.of, 1]]) } : fixed(weight(s)));

/** A step count as messages print it (`600,060,001`). */
export const fmt = (n: number) => Math.round(n).toLocaleString("en-US");

/** A literal list or object of values of these shapes. */
function collection(shapes: readonly Shape[]): Shape {
  const item = { elems: Math.max(1, ...shapes.map((s) => s.elems)), chars: Math.max(1, ...shapes.map((s) => s.chars)) };
  return { elems: shapes.length, chars: shapes.reduce((n, s) => n + s.chars, 0), item };
}

/** Costs expression trees under one set of caps. */
export class CostModel {
  /** Request data: any size up to the caps, and so is each of its elements. */
  private readonly input: Shape;

  constructor(
    private readonly program: Program,
    private readonly caps: InputCaps,
  ) {
    const input: { elems: number; chars: number; item?: Shape } = { elems: caps.maxElements, chars: caps.maxMessage };
    input.item = input;
    this.input = input;
  }

  /** The worst-case steps of `e` outside any quantifier. */
  total(e: Expr): { readonly cost: number; readonly worst: Costed["worst"] } {
    const c = this.cost(e, []);
    return { cost: c.steps.fixed, worst: c.worst };
  }

  /** `vars`: quantifier variables in scope, outermost first, with their elements' shape. */
  private cost(e: Expr, vars: readonly (readonly [string, Shape])[], consts: readonly string[] = []): Costed {
    const parts: Costed[] = [];
    const sub = (x: Expr) => {
      const c = this.cost(x, vars, consts);
      parts.push(c);
      return c;
    };
    const done = (own: Steps, shape: Shape, what?: string): Costed => {
      const steps = plus(fixed(1), own, ...parts.map((p) => p.steps));
      let worst = parts.reduce<Costed["worst"]>((w, p) => (p.worst && (!w || p.worst.cost > w.cost) ? p.worst : w), undefined);
      if (what !== undefined && (!worst || steps.fixed > worst.cost)) worst = { span: e.span, cost: steps.fixed, what };
      return { steps, shape, worst };
    };
    switch (e.kind) {
      case "null":
      case "bool":
      case "number":
      case "duration":
      case "size":
      case "money":
      case "regex":
        return done(fixed(0), SCALAR);
      case "string":
        return done(fixed(0), { elems: 1, chars: e.value.length });
      case "list":
        return done(fixed(0), collection(e.items.map((i) => sub(i).shape)));
      case "object":
        return done(fixed(0), collection(e.entries.map((en) => sub(en.value).shape)));
      case "path": {
        for (const s of e.steps) if (s.kind === "index") sub(s.index);
        const first = e.steps[0]?.kind === "member" ? e.steps[0].name : undefined;
        // A step into a value keeps its origin and, conservatively, its size.
        return done(fixed(e.steps.length), this.rootShape(e.root.name, first, vars, consts));
      }
      case "unary":
        sub(e.operand);
        return done(fixed(0), SCALAR);
      case "in_range":
        sub(e.value);
        sub(e.low);
        sub(e.high);
        return done(fixed(2), SCALAR);
      case "binary":
        return this.binary(e.op, sub(e.left).shape, sub(e.right).shape, vars, done);
      case "call":
        return this.call(e, vars, consts, sub, done);
    }
  }

  /**
   * Steps to compare two values: at most the smaller one. An element is charged as a traversal of
   * its variable (amortized over the loop) unless the other side is smaller than an element can
   * be; between two elements, the inner variable's.
   */
  private compare(l: Shape, r: Shape, vars: readonly (readonly [string, Shape])[]): Steps {
    if (l.of === undefined && r.of === undefined) return fixed(Math.min(weight(l), weight(r)));
    if (l.of === undefined || r.of === undefined) {
      const [el, other] = l.of !== undefined ? [l, r] : [r, l];
      return weight(other) < weight(el) ? fixed(weight(other)) : traverse(el);
    }
    const depth = (v: string) => vars.findIndex(([name]) => name === v);
    return traverse(depth(l.of) >= depth(r.of) ? l : r);
  }

  private binary(op: string, l: Shape, r: Shape, vars: readonly (readonly [string, Shape])[], done: (own: Steps, shape: Shape, what?: string) => Costed): Costed {
    switch (op) {
      case "&&":
      case "||":
      case "+":
      case "-":
      case "*":
        return done(fixed(0), SCALAR);
      case "??":
        return done(fixed(0), { elems: Math.max(l.elems, r.elems), chars: Math.max(l.chars, r.chars), ...(l.item ?? r.item ? { item: l.item ?? r.item! } : {}) });
      case "matches":
        return done(l.of !== undefined ? traverse(l) : fixed(text(l.chars)), SCALAR, "`matches` over a string");
      case "in": {
        const n = Math.min(r.elems, this.caps.maxElements);
        return done(times(this.compare(l, r.item ?? SCALAR, vars), n), SCALAR, `\`in\` comparing with up to ${fmt(n)} elements`);
      }
      default:
        return done(this.compare(l, r, vars), SCALAR);
    }
  }

  private call(
    e: CallExpr,
    vars: readonly (readonly [string, Shape])[],
    consts: readonly string[],
    sub: (x: Expr) => Costed,
    done: (own: Steps, shape: Shape, what?: string) => Costed,
  ): Costed {
    const fn = e.callee.name;
    if (e.target === undefined) {
      if (fn === "detect") {
        const v = sub(e.args[0]!).shape;
        const detectors = e.args.length - 1;
        const scanned = Math.min(v.chars, this.caps.maxScan);
        const walk = Math.min(v.elems, this.caps.maxElements) + detectors * text(scanned);
        return done(fixed(walk), SCALAR, `\`detect\` scanning up to ${fmt(scanned)} characters with ${detectors} detector${detectors === 1 ? "" : "s"}`);
      }
      if (fn === "args_hash") return done(fixed(weight(this.input)), NAME, "`args_hash()` serializing the arguments");
      const args = e.args.map((a) => sub(a));
      if (fn === "size" && args.length === 1) return done(traverse(args[0]!.shape), SCALAR);
      return done(fixed(0), SCALAR);
    }
    if (fn === "exists" || fn === "all") {
      const xs = sub(e.target).shape;
      const binder = e.args[0];
      if (binder?.kind !== "path" || e.args.length !== 2) return done(fixed(0), SCALAR);
      const n = Math.min(xs.elems, this.caps.maxElements);
      const v = binder.root.name;
      const body = this.cost(e.args[1]!, [...vars, [v, { ...(xs.item ?? SCALAR), of: v }]], consts);
      // n visits of the body's fixed part; its traversals of the element add up to traversals of the collection.
      const perElement = { fixed: body.steps.fixed + 1, scans: new Map([...body.steps.scans].filter(([name]) => name !== v)) };
      const own = plus(times(perElement, n), times(traverse(xs), body.steps.scans.get(v) ?? 0));
      const c = done(own, SCALAR, `\`${fn}\` evaluating its body (cost ${fmt(body.steps.fixed)}) for each of up to ${fmt(n)} elements`);
      return body.worst && (!c.worst || body.worst.cost > c.worst.cost) ? { ...c, worst: body.worst } : c;
    }
    const t = sub(e.target).shape;
    for (const a of e.args) sub(a);
    if (fn === "hour" || fn === "weekday") return done(fixed(20), SCALAR);
    if (fn === "lower" || fn === "upper" || fn === "trim" || fn === "nfkc") return done(traverse(t), t);
    return done(traverse(t), SCALAR);
  }

  private rootShape(root: string, first: string | undefined, vars: readonly (readonly [string, Shape])[], consts: readonly string[]): Shape {
    const bound = vars.find(([name]) => name === root);
    if (bound) return bound[1];
    switch (root) {
      case "args":
      case "meta":
      case "result":
      case "response":
        return this.input;
      case "caller":
        if (first === "teams") return { elems: Math.max(1, this.caps.teams), chars: 128 * Math.max(1, this.caps.teams), item: NAME };
        return first === "id" || first === "kind" ? NAME : this.input;
      case "tool":
      case "agent":
        return NAME;
      case "now":
        return SCALAR;
    }
    const c = this.program.consts.get(root);
    if (c && !consts.includes(root)) return this.cost(c[0]!.value, [], [...consts, root]).shape;
    return SCALAR; // a detector name, or an unknown name (TAL0305)
  }
}
