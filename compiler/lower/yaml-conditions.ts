/**
 * `compliance.human_oversight.required_for[].conditions`: each string is a `.talon` expression,
 * parsed where it sits in the YAML file (so its diagnostics point into the YAML), read in *args
 * scope*, and the list joined with `||` (LANGUAGE.md §9, §14.1: any condition triggers oversight).
 */
import type { ConfigPath, YamlLocator } from "../config/locate.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { parseExpressionText } from "../parse/parse.js";
import { joinSpans, Source } from "../source/source.js";
import type { Expr, PathExpr } from "./ast.js";

/** Roots a condition may name itself; any other leading identifier is a field of `args`. */
const ROOTS: ReadonlySet<string> = new Set(["args", "meta", "now", "caller", "tool", "agent"]);

/** Quantifier methods: their first argument names a variable bound in the second. */
const BINDERS: ReadonlySet<string> = new Set(["exists", "all"]);

/**
 * Parse each condition at `[...listPath, i]` and join them left-associatively with `||`.
 * Undefined when the list is empty or a condition failed to parse (the parser reported it).
 */
export function lowerConditions(conditions: readonly string[], listPath: ConfigPath, loc: YamlLocator, diags: Diagnostics): Expr | undefined {
  let joined: Expr | undefined;
  let failed = false;
  conditions.forEach((text, i) => {
    const parsed = parseCondition(text, [...listPath, i], loc, diags);
    if (!parsed) {
      failed = true;
      return;
    }
    const expr = toArgsScope(parsed, new Set());
    joined = joined === undefined ? expr : { kind: "binary", op: "||", left: joined, right: expr, span: joinSpans(joined.span, expr.span) };
  });
  return failed ? undefined : joined;
}

/**
 * Parse one condition string in place. When the YAML text of the string is not the string itself
 * (escapes such as `\"`, `''`, folded lines, block scalars), parse the decoded value laid over the
 * same offsets of a copy of the file: the meaning is the value's, and spans still land on the
 * YAML scalar (exact up to the first escape).
 */
function parseCondition(text: string, path: ConfigPath, loc: YamlLocator, diags: Diagnostics): Expr | undefined {
  const at = loc.content(path, text);
  if (at.exact) return parseExpressionText(loc.source, at.start, at.end, diags);
  const file = loc.source.text;
  const pad = " ".repeat(Math.max(0, at.end - at.start - text.length));
  const overlay = new Source(loc.source.path, file.slice(0, at.start) + text + pad + file.slice(at.end));
  return parseExpressionText(overlay, at.start, at.start + text.length, diags);
}

/**
 * Rewrite every path whose root is not a known root to start at `args`: `impact > 500` becomes
 * `args.impact > 500`. Names bound by `exists`/`all`, detector names after `matches` and in
 * `detect(v, d…)` are not fields, and stay as written.
 */
export function toArgsScope(e: Expr, bound: ReadonlySet<string>): Expr {
  switch (e.kind) {
    case "path":
      return rescopePath(e, bound);
    case "list":
      return { ...e, items: e.items.map((x) => toArgsScope(x, bound)) };
    case "object":
      return { ...e, entries: e.entries.map((en) => ({ ...en, value: toArgsScope(en.value, bound) })) };
    case "unary":
      return { ...e, operand: toArgsScope(e.operand, bound) };
    case "binary": {
      const right = e.op === "matches" && isBareName(e.right) ? e.right : toArgsScope(e.right, bound);
      return { ...e, left: toArgsScope(e.left, bound), right };
    }
    case "in_range":
      return { ...e, value: toArgsScope(e.value, bound) };
    case "call": {
      if (e.target !== undefined && BINDERS.has(e.callee.name) && e.args.length === 2 && isBareName(e.args[0]!)) {
        const inner = new Set(bound).add((e.args[0] as PathExpr).root.name);
        return { ...e, target: toArgsScope(e.target, bound), args: [e.args[0]!, toArgsScope(e.args[1]!, inner)] };
      }
      const isDetect = e.target === undefined && e.callee.name === "detect";
      const args = e.args.map((a, i) => (isDetect && i > 0 && isBareName(a) ? a : toArgsScope(a, bound)));
      return { ...e, target: e.target === undefined ? undefined : toArgsScope(e.target, bound), args };
    }
    default:
      return e; // literals and regexes
  }
}

function rescopePath(p: PathExpr, bound: ReadonlySet<string>): PathExpr {
  const steps = p.steps.map((s) => (s.kind === "index" ? { ...s, index: toArgsScope(s.index, bound) } : s));
  if (ROOTS.has(p.root.name) || bound.has(p.root.name)) return { ...p, steps };
  return {
    ...p,
    root: { name: "args", span: p.root.span },
    steps: [{ kind: "member", name: p.root.name, span: p.root.span }, ...steps],
  };
}

/** A lone identifier (a path with no steps). */
function isBareName(e: Expr): e is PathExpr {
  return e.kind === "path" && e.steps.length === 0;
}
