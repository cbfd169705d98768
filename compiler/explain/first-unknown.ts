/**
 * Where an unknown comes from (§5: "evidence records each U-resolution and the path of the first
 * U"): for a condition that evaluates to U, the first sub-expression, in evaluation order, that is
 * U while all of its own operands are known — usually a path, reported as its shortest unknown
 * prefix (`args.nodes` when `args` exists but has no `nodes`). It only re-evaluates parts of the
 * expression with the reference evaluator, so it cannot change any result.
 */
import { U, evalExpr, type EvalEnv } from "../interp/eval.js";
import type { ExprIR } from "../ir/ir.js";
import { printExpr } from "../ir/print.js";

/** Operands of a node, in the order the evaluator reads them. Quantifier bodies are left out (they need their variable). */
function operands(e: ExprIR): ExprIR[] {
  switch (e.op) {
    case "path":
      return e.steps.filter((s): s is ExprIR => typeof s === "object");
    case "list":
      return [...e.items];
    case "object":
      return e.entries.map(([, v]) => v);
    case "not":
    case "neg":
      return [e.operand];
    case "binary":
      // The right side of `matches` is a regex or detector: a matcher, not a value (U as one).
      return e.kind === "matches" ? [e.left] : [e.left, e.right];
    case "in_range":
      return [e.value, e.low, e.high];
    case "call":
      if (e.fn === "exists" || e.fn === "all") return e.target ? [e.target] : [];
      if (e.fn === "detect") return e.args.slice(0, 1); // the rest name detectors
      return [...(e.target ? [e.target] : []), ...e.args];
    default:
      return [];
  }
}

/** Does the expression read a quantifier variable (`$x`)? Those cannot be evaluated on their own. */
function bound(e: ExprIR): boolean {
  if (e.op === "path" && e.root.startsWith("$")) return true;
  return operands(e).some(bound);
}

/** The text of the first unknown in `e`, or undefined when `e` is not unknown. */
export function firstUnknown(e: ExprIR, env: EvalEnv): string | undefined {
  if (bound(e) || evalExpr(e, env) !== U) return undefined;
  for (const child of operands(e)) {
    const inner = firstUnknown(child, env);
    if (inner !== undefined) return inner;
  }
  if (e.op === "path") {
    // `caller`, `tool`, `agent` and `now` are U bare (§5) but never missing: start at their first step.
    const from = ["caller", "tool", "agent", "now"].includes(e.root) ? Math.min(1, e.steps.length) : 0;
    for (let k = from; k <= e.steps.length; k++) {
      const prefix: ExprIR = { op: "path", root: e.root, steps: e.steps.slice(0, k) };
      if (evalExpr(prefix, env) === U) return printExpr(prefix);
    }
  }
  return printExpr(e);
}
