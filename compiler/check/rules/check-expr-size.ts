/**
 * Invariant: a condition is bounded (§5): at most 256 nodes and depth 32, so its evaluation cost
 * is bounded by its text, not by the request. List literals hold at most 4096 items, in
 * conditions and in `const` values alike.
 * Codes: TAL0901, TAL0904.
 */
import type { Expr } from "../../lower/ast.js";
import { children, conditions, walk } from "../conditions.js";
import type { CheckRule } from "../context.js";

export const MAX_NODES = 256;
export const MAX_DEPTH = 32;
export const MAX_LIST = 4096;

function measure(e: Expr): { nodes: number; depth: number } {
  let nodes = 1;
  let depth = 0;
  for (const c of children(e)) {
    const m = measure(c);
    nodes += m.nodes;
    depth = Math.max(depth, m.depth);
  }
  return { nodes, depth: depth + 1 };
}

/** The rule described at the top of this file. */
export const checkExprSize: CheckRule = {
  name: "expr-size",
  run(ctx) {
    const lists = (e: Expr) =>
      walk(e, (x) => {
        if (x.kind === "list" && x.items.length > MAX_LIST) ctx.diags.report("TAL0904", x.span, { help: `split it, or match with a regex or a glob; the limit is ${MAX_LIST}` });
      });
    for (const { cond } of conditions(ctx.program)) {
      const m = measure(cond.expr);
      if (m.nodes > MAX_NODES || m.depth > MAX_DEPTH) {
        ctx.diags.report("TAL0901", cond.expr.span, { args: { n: MAX_NODES, d: MAX_DEPTH }, help: `this condition has ${m.nodes} nodes and depth ${m.depth}; split it into several rules` });
      }
      lists(cond.expr);
    }
    for (const [, decls] of ctx.program.consts) for (const d of decls) lists(d.value);
  },
};
