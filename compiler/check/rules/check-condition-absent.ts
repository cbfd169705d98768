/**
 * Invariant: an operator sees when a missing argument decides a rule. A path into `args` or
 * `meta` that is read without a guard (`has(p)`, `p ?? default`) is unknown when the client omits
 * it; the condition may then be unknown, which fires `forbid`/`approve`/`confirm` (omitting a
 * field never skips oversight) and never grants. One warning per path and condition, saying which.
 * Codes: TAL0403.
 */
import type { Expr, PathExpr } from "../../lower/ast.js";
import { children, conditions } from "../conditions.js";
import type { CheckRule } from "../context.js";

/** `args.a.b[0]` as written (index expressions as `[…]`). */
function pathText(p: PathExpr): string {
  return p.root.name + p.steps.map((s) => (s.kind === "member" ? `.${s.name}` : "[…]")).join("");
}

/** Unguarded request paths of `e` (quantifier variables and consts are not request data). */
function unguarded(e: Expr, requestRoots: ReadonlySet<string>, out: PathExpr[]): void {
  if (e.kind === "call" && e.target === undefined && e.callee.name === "has") return;
  if (e.kind === "binary" && e.op === "??") {
    unguarded(e.right, requestRoots, out);
    return;
  }
  if (e.kind === "path" && requestRoots.has(e.root.name) && e.steps.length > 0) out.push(e);
  for (const c of children(e)) unguarded(c, requestRoots, out);
}

/** The rule described at the top of this file. */
export const checkConditionAbsent: CheckRule = {
  name: "condition-absent",
  run(ctx) {
    for (const { cond, rule, yaml } of conditions(ctx.program)) {
      if (rule.kind !== "forbid" && rule.kind !== "approve" && rule.kind !== "confirm" && rule.kind !== "grant") continue;
      // YAML conditions are in args scope: a bare field is an argument.
      const found: PathExpr[] = [];
      unguarded(cond.expr, new Set(["args", "meta"]), found);
      if (yaml) {
        const bare = (e: Expr): void => {
          if (e.kind === "call" && e.target === undefined && e.callee.name === "has") return;
          if (e.kind === "binary" && e.op === "??") return bare(e.right);
          if (e.kind === "path" && !ctx.program.consts.has(e.root.name) && e.root.name !== "args" && e.root.name !== "meta") found.push(e);
          for (const c of children(e)) bare(c);
        };
        bare(cond.expr);
      }
      const outcome = rule.kind === "grant" ? "unknown, and the grant does not grant" : `unknown, and the \`${rule.kind}\` fires`;
      const seen = new Set<string>();
      for (const p of found) {
        const text = pathText(p);
        if (seen.has(text)) continue;
        seen.add(text);
        ctx.diags.report("TAL0403", p.span, { args: { path: text, outcome } });
      }
    }
  },
};
