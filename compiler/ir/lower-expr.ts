/**
 * Lowering expressions (§5) to `ExprIR`, resolving every leading name on the way: a root (`args`,
 * `meta`, `now`, `caller`, `tool`, `agent`; `result`/`response` only in `redact`/`block`), a
 * quantifier variable, a `const` (inlined), a detector, or — in YAML conditions, which are written
 * in args scope — a bare field (`priority` → `args.priority`). Anything else is TAL0305.
 * Full type checking is a later stage; only what is cheap is checked here (TAL0407, TAL0410).
 */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { didYouMean } from "../diagnostics/suggest.js";
import type { Cond, Expr, PathExpr } from "../lower/ast.js";
import type { Program } from "../check/program.js";
import { BUILTIN_DETECTORS, GLOBAL_FUNCTIONS, METHODS, QUANTIFIERS, RESPONSE_ROOTS, ROOTS, isOneOf } from "../check/vocabulary.js";
import type { ExprIR } from "./ir.js";

/** What names an expression may use where it appears. */
export interface ExprScope {
  readonly program: Program;
  readonly diags: Diagnostics;
  /** YAML conditions: a bare unknown leading name is a field of `args`. */
  readonly argsScope: boolean;
  /** `result`/`response` allowed (inside `redact` and `block`). */
  readonly allowResponse: boolean;
  /** False inside `const` and `attrs` values, which must fold to literals. */
  readonly allowRoots: boolean;
  /** Quantifier variables in scope. */
  readonly vars: ReadonlySet<string>;
  /** Consts being inlined (cycle guard). */
  readonly inlining: readonly string[];
}

/** A scope for literal-only values (`const`, principal `attrs`). */
export function literalScope(program: Program, diags: Diagnostics): ExprScope {
  return { program, diags, argsScope: false, allowResponse: false, allowRoots: false, vars: new Set(), inlining: [] };
}

function isDetector(scope: ExprScope, name: string): boolean {
  return scope.program.detectors.has(name) || isOneOf(BUILTIN_DETECTORS, name);
}

function candidates(scope: ExprScope): string[] {
  return [...ROOTS, ...RESPONSE_ROOTS, ...scope.program.consts.keys(), ...scope.program.detectors.keys(), ...BUILTIN_DETECTORS, ...scope.vars];
}

function lowerSteps(p: PathExpr, scope: ExprScope): (string | number | ExprIR)[] {
  return p.steps.map((s) => {
    if (s.kind === "member") return s.name;
    const ix = lowerExpr(s.index, scope);
    return ix.op === "lit" && (typeof ix.value === "number" || typeof ix.value === "string") ? ix.value : ix;
  });
}

/** Fold literal member/index steps into an inlined const value; undefined when not foldable. */
function foldSteps(value: ExprIR, steps: readonly (string | number | ExprIR)[]): ExprIR | undefined {
  let v: ExprIR | undefined = value;
  for (const s of steps) {
    if (!v) return undefined;
    if (typeof s === "number" && v.op === "list") v = v.items[s];
    else if (typeof s === "string" && v.op === "object") v = v.entries.find(([k]) => k === s)?.[1];
    else return undefined;
  }
  return v;
}

function lowerPath(p: PathExpr, scope: ExprScope): ExprIR {
  const name = p.root.name;
  const steps = lowerSteps(p, scope);
  if (scope.vars.has(name)) return { op: "path", root: `$${name}`, steps };
  if (scope.allowRoots && isOneOf(ROOTS, name)) return { op: "path", root: name, steps };
  if (scope.allowRoots && isOneOf(RESPONSE_ROOTS, name)) {
    if (!scope.allowResponse) scope.diags.report("TAL0407", p.root.span);
    return { op: "path", root: name, steps };
  }
  const consts = scope.program.consts.get(name);
  if (consts) {
    if (scope.inlining.includes(name)) {
      scope.diags.report("TAL0305", p.root.span, { message: `const \`${name}\` refers to itself (${[...scope.inlining, name].join(" -> ")})` });
      return { op: "lit", value: null };
    }
    const inner = literalScope(scope.program, scope.diags);
    const value = lowerExpr(consts[0]!.value, { ...inner, inlining: [...scope.inlining, name] });
    const folded = foldSteps(value, steps);
    if (folded) return folded;
    scope.diags.report("TAL0305", p.span, { message: `cannot index const \`${name}\` with \`${p.steps.length} step(s)\` that do not fold to a literal` });
    return { op: "lit", value: null };
  }
  if (isDetector(scope, name) && steps.length === 0) return { op: "detector", name };
  if (scope.allowRoots && scope.argsScope) return { op: "path", root: "args", steps: [name, ...steps] };
  const help = scope.allowRoots ? didYouMean(name, candidates(scope)) : "a `const` or `attrs` value must fold to a literal; it cannot read request data";
  scope.diags.report("TAL0305", p.root.span, { args: { name }, ...(help !== undefined ? { help } : {}) });
  return { op: "path", root: name, steps };
}

/** Lower one expression. Diagnostics go to `scope.diags`; the result is always well formed. */
export function lowerExpr(e: Expr, scope: ExprScope): ExprIR {
  switch (e.kind) {
    case "null":
      return { op: "lit", value: null };
    case "bool":
    case "number":
    case "string":
      return { op: "lit", value: e.value };
    case "duration":
      return { op: "duration", ms: e.ms };
    case "size":
      return { op: "size", bytes: e.bytes };
    case "money":
      return { op: "money", micros: e.micros, currency: e.currency };
    case "regex":
      return { op: "regex", source: e.source, flags: e.flags };
    case "path":
      return lowerPath(e, scope);
    case "list":
      return { op: "list", items: e.items.map((i) => lowerExpr(i, scope)) };
    case "object":
      return { op: "object", entries: e.entries.map((en) => [en.key, lowerExpr(en.value, scope)] as const) };
    case "unary":
      return e.op === "!" ? { op: "not", operand: lowerExpr(e.operand, scope) } : { op: "neg", operand: lowerExpr(e.operand, scope) };
    case "binary": {
      const left = lowerExpr(e.left, scope);
      const right = lowerExpr(e.right, scope);
      if (e.op === "matches" && right.op !== "regex" && right.op !== "detector") scope.diags.report("TAL0410", e.right.span);
      return { op: "binary", kind: e.op, left, right };
    }
    case "in_range":
      return { op: "in_range", value: lowerExpr(e.value, scope), low: lowerExpr(e.low, scope), high: lowerExpr(e.high, scope) };
    case "call":
      return lowerCall(e, scope);
  }
}

function lowerCall(e: Extract<Expr, { kind: "call" }>, scope: ExprScope): ExprIR {
  const fn = e.callee.name;
  if (!e.target) {
    if (!scope.allowRoots || !isOneOf(GLOBAL_FUNCTIONS, fn)) {
      const help = didYouMean(fn, GLOBAL_FUNCTIONS);
      scope.diags.report("TAL0305", e.callee.span, { args: { name: fn }, ...(help !== undefined ? { help } : {}) });
    }
    const reported = scope.diags.items.length;
    const args = e.args.map((a) => lowerExpr(a, scope));
    // `detect(v, d…)`: one value, then one or more detector names (anything else would be unknown,
    // always). An argument that already got its own error (an unknown name) is not reported twice.
    if (fn === "detect" && scope.diags.items.length === reported) {
      const bad = args.findIndex((a, i) => i > 0 && a.op !== "detector");
      if (args.length < 2) scope.diags.report("TAL0201", e.span, { args: { expected: "`detect(value, detector, …)`", found: `${args.length} argument(s)` } });
      else if (bad > 0) scope.diags.report("TAL0201", e.args[bad]!.span, { args: { expected: "a detector name", found: `a ${e.args[bad]!.kind} as argument ${bad + 1} of \`detect\`` } });
    }
    return { op: "call", fn, target: null, args };
  }
  const target = lowerExpr(e.target, scope);
  if (!isOneOf(METHODS, fn)) {
    const help = didYouMean(fn, METHODS);
    scope.diags.report("TAL0305", e.callee.span, { args: { name: fn }, ...(help !== undefined ? { help } : {}) });
    return { op: "call", fn, target, args: e.args.map((a) => lowerExpr(a, scope)) };
  }
  if (isOneOf(QUANTIFIERS, fn)) {
    const binder = e.args[0];
    if (!binder || binder.kind !== "path" || binder.steps.length > 0 || e.args.length !== 2) {
      scope.diags.report("TAL0201", (binder ?? e).span, { args: { expected: `\`${fn}(variable, condition)\``, found: `${e.args.length} argument(s)` } });
      return { op: "call", fn, target, args: e.args.map((a) => lowerExpr(a, scope)) };
    }
    const v = binder.root.name;
    const body = lowerExpr(e.args[1]!, { ...scope, vars: new Set([...scope.vars, v]) });
    return { op: "call", fn, target, args: [{ op: "path", root: `$${v}`, steps: [] }, body] };
  }
  return { op: "call", fn, target, args: e.args.map((a) => lowerExpr(a, scope)) };
}

/** `when e` → e; `unless e` → `!e` (an unknown `unless` guard then stays unknown and fires). */
export function lowerCond(cond: Cond | undefined, scope: ExprScope): ExprIR | null {
  if (!cond) return null;
  const e = lowerExpr(cond.expr, scope);
  return cond.negated ? { op: "not", operand: e } : e;
}
