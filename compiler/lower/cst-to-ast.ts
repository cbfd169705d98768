/**
 * CST → AST for `.talon` files: the entry of the lowering. Each grammar rule has a lowering
 * function typed against the generated `grammar/talon.cst.d.ts` (split by topic over the
 * `cst-*.ts` files beside this one). It runs only on a CST without syntax errors and may itself
 * report errors (TAL0203 and friends); callers drop the AST when it did.
 */
import type { DeclCstNode, FileCstNode, StandaloneExprCstNode } from "../../grammar/talon.cst.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { decodeNumber } from "../parse/literals.js";
import type { Source } from "../source/source.js";
import type { Decl, Expr, FileAst } from "./ast.js";
import { lowerAgent } from "./cst-agent.js";
import { first, LowerContext } from "./cst-context.js";
import { lowerAnnotations, lowerConst, lowerDetector, lowerPrincipal, lowerSecret, lowerTeam } from "./cst-decls.js";
import { lowerExpr } from "./cst-expr.js";
import { lowerTest } from "./cst-tests.js";

/** Lower a parsed file. */
export function cstToAst(cst: FileCstNode, source: Source, diags: Diagnostics): FileAst {
  const ctx = new LowerContext(source, diags);
  const c = cst.children;
  const decls: Decl[] = [];
  for (const d of c.decl ?? []) {
    const decl = lowerDecl(ctx, d);
    if (decl) decls.push(decl);
  }
  return {
    kind: "file",
    path: source.path,
    origin: "talon",
    version: c.Number ? decodeNumber(first(c.Number).image).value : 1,
    imports: (c.importDecl ?? []).map((i) => ctx.str(first(i.children.StringLit))),
    decls,
    span: source.span(0, source.text.length),
  };
}

/** Lower a standalone expression (YAML conditions). */
export function exprCstToAst(cst: StandaloneExprCstNode, source: Source, diags: Diagnostics): Expr {
  return lowerExpr(new LowerContext(source, diags), first(cst.children.expr));
}

function lowerDecl(ctx: LowerContext, node: DeclCstNode): Decl | undefined {
  const c = node.children;
  const annotations = lowerAnnotations(ctx, c.annotation);
  if (c.constDecl) return lowerConst(ctx, first(c.constDecl), annotations);
  if (c.secretDecl) return lowerSecret(ctx, first(c.secretDecl), annotations);
  if (c.detectorDecl) return lowerDetector(ctx, first(c.detectorDecl), annotations);
  if (c.teamDecl) return lowerTeam(ctx, first(c.teamDecl), annotations);
  if (c.principalDecl) return lowerPrincipal(ctx, first(c.principalDecl), annotations);
  if (c.agentDecl) return lowerAgent(ctx, first(c.agentDecl), annotations);
  if (c.testDecl) {
    if (annotations.length > 0) {
      ctx.diags.report("TAL0201", annotations[0]!.span, {
        args: { expected: "a declaration that takes annotations", found: "`test`" },
        help: "tests carry no annotations; remove them",
      });
    }
    return lowerTest(ctx, first(c.testDecl));
  }
  // `gateway` was reported by the CST check (TAL0202) and never reaches the lowering.
  return undefined;
}
