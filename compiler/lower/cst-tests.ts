/**
 * `test` blocks (LANGUAGE.md §11): CST → AST. A test inside an agent has no `on`; a top-level test
 * names its agent with `on "…"` (check enforces that).
 */
import type { ExpectStmtCstNode, TestDeclCstNode, TestStmtCstNode, VerdictCstNode } from "../../grammar/talon.cst.js";
import type { TestDecl, TestStmt, Verdict } from "./ast.js";
import { first, type LowerContext } from "./cst-context.js";
import { lowerExpr, lowerObject } from "./cst-expr.js";
import { lowerFieldPath } from "./cst-paths.js";
import { lowerToolRef } from "./cst-rules.js";

/** Lower a `test "name" [on "agent"] { … }` block. */
export function lowerTest(ctx: LowerContext, node: TestDeclCstNode): TestDecl {
  const [name, on] = node.children.StringLit;
  return {
    kind: "test",
    name: ctx.str(name!),
    on: on ? ctx.str(on) : undefined,
    stmts: (node.children.testStmt ?? []).map((s) => lowerStmt(ctx, s)),
    span: ctx.nodeSpan(node),
  };
}

function lowerStmt(ctx: LowerContext, node: TestStmtCstNode): TestStmt {
  const c = node.children;
  const span = ctx.nodeSpan(node);
  if (c.callStmt) {
    const s = first(c.callStmt).children;
    // `objectExpr` holds the `with` object, then the `meta` object, each only if written.
    const objects = (s.objectExpr ?? []).map((o) => lowerObject(ctx, o));
    const withObj = s.With ? objects[0] : undefined;
    const metaObj = s.Meta ? objects[s.With ? 1 : 0] : undefined;
    const tool = lowerToolRef(ctx, first(s.toolRef));
    return { kind: "call", tool, as: ctx.str(first(s.StringLit)), with: withObj, meta: metaObj, span };
  }
  if (c.chatStmt) {
    const s = first(c.chatStmt).children;
    const [model, as] = s.StringLit;
    return { kind: "chat", model: ctx.str(model!), as: ctx.str(as!), with: s.objectExpr ? lowerObject(ctx, first(s.objectExpr)) : undefined, span };
  }
  if (c.At) return { kind: "at", time: ctx.str(first(c.StringLit)), span };
  if (c.Confirmed) return { kind: "confirmed", span };
  if (c.Approved) return { kind: "approved", span };
  if (c.returnsStmt) {
    const s = first(c.returnsStmt).children;
    if (s.Text) return { kind: "returns", form: "text", value: ctx.str(first(s.StringLit)), span };
    return { kind: "returns", form: s.Error ? "error" : "object", value: lowerObject(ctx, first(s.objectExpr)), span };
  }
  return lowerExpect(ctx, first(c.expectStmt), span);
}

function lowerExpect(ctx: LowerContext, node: ExpectStmtCstNode, span: TestStmt["span"]): TestStmt {
  const c = node.children;
  if (c.verdict) return { kind: "expect_verdicts", verdicts: c.verdict.map((v) => lowerVerdict(ctx, v)), span };
  if (c.Redacted) return { kind: "expect_redacted", path: lowerFieldPath(ctx, first(c.fieldPath)), method: ctx.ident(first(c.Name)), span };
  return { kind: "expect_expr", expr: lowerExpr(ctx, first(c.expr)), span };
}

const VERDICTS: readonly (readonly [keyof VerdictCstNode["children"], Verdict["verdict"]])[] = [
  ["Allow", "allow"],
  ["Deny", "deny"],
  ["Approval", "approval"],
  ["Confirm", "confirm"],
  ["RateLimited", "rate_limited"],
  ["Blocked", "blocked"],
  ["Duplicate", "duplicate"],
];

function lowerVerdict(ctx: LowerContext, node: VerdictCstNode): Verdict {
  const c = node.children;
  const verdict = VERDICTS.find(([key]) => c[key] !== undefined)![1];
  let by: Verdict["by"];
  if (c.StringLit) by = { kind: "rule", id: ctx.str(first(c.StringLit)) };
  else if (c.Default) by = { kind: "default", span: ctx.tokSpan(first(c.Default)) };
  else if (c.Team) by = { kind: "team", team: ctx.ident(first(c.Name)) };
  return { verdict, by, span: ctx.nodeSpan(node) };
}
