/**
 * Top-level declarations other than `agent` and `test` (LANGUAGE.md §3): `const`, `secret`,
 * `detector`, `team`, `vendor`/`caller`, plus annotations and secret references. Team lists and
 * principal `tools`/`teams` may be written more than once (they are collections and are joined);
 * `token`, `oidc sub` and `attrs` may not (TAL0203).
 */
import type {
  AnnotationCstNode,
  ConstDeclCstNode,
  DetectorDeclCstNode,
  PrincipalDeclCstNode,
  SecretDeclCstNode,
  SecretValueCstNode,
  TeamDeclCstNode,
} from "../../grammar/talon.cst.js";
import type { Annotation, ConstDecl, DetectorDecl, PrincipalDecl, SecretDecl, SecretRef, Str, TeamDecl, ToolRef, Ident, RegexLit } from "./ast.js";
import { first, OnceTracker, type LowerContext } from "./cst-context.js";
import { lowerExpr, lowerObject, regexLit } from "./cst-expr.js";
import { lowerRefs, names } from "./cst-rules.js";

/** `@name("value")` annotations, in order. */
export function lowerAnnotations(ctx: LowerContext, nodes: readonly AnnotationCstNode[] | undefined): Annotation[] {
  return (nodes ?? []).map((a) => ({
    name: first(a.children.Name).image,
    value: ctx.str(first(a.children.StringLit)).value,
    span: ctx.nodeSpan(a),
  }));
}

/** A secret reference, or the literal string written where one belongs. */
export type SecretValue = { readonly kind: "ref"; readonly ref: SecretRef } | { readonly kind: "literal"; readonly str: Str };

/** `env("X")` | `file("p")` | `sha256("hex")` | `"literal"`. */
export function lowerSecretValue(ctx: LowerContext, node: SecretValueCstNode): SecretValue {
  const c = node.children;
  const str = ctx.str(first(c.StringLit));
  if (!c.LParen) return { kind: "literal", str };
  const kind = c.Env ? "env" : c.File ? "file" : "sha256";
  return { kind: "ref", ref: { kind, value: str.value, span: ctx.nodeSpan(node) } };
}

const LITERAL_SECRET_HELP = 'write env("NAME"), file("path") or sha256("hex")';

export function lowerConst(ctx: LowerContext, node: ConstDeclCstNode, annotations: Annotation[]): ConstDecl {
  const c = node.children;
  return { kind: "const", annotations, name: ctx.ident(first(c.Identifier)), value: lowerExpr(ctx, first(c.expr)), span: ctx.nodeSpan(node) };
}

/** `secret x = env("X")`; a literal here has no AST form, so it is reported now (TAL1001). */
export function lowerSecret(ctx: LowerContext, node: SecretDeclCstNode, annotations: Annotation[]): SecretDecl | undefined {
  const c = node.children;
  const v = lowerSecretValue(ctx, first(c.secretValue));
  if (v.kind === "literal") {
    ctx.diags.report("TAL1001", v.str.span, { help: LITERAL_SECRET_HELP });
    return undefined;
  }
  return { kind: "secret", annotations, name: ctx.ident(first(c.Identifier)), ref: v.ref, span: ctx.nodeSpan(node) };
}

export function lowerDetector(ctx: LowerContext, node: DetectorDeclCstNode, annotations: Annotation[]): DetectorDecl {
  const patterns: RegexLit[] = [];
  const validators: Ident[] = [];
  for (const item of node.children.detectorItem ?? []) {
    if (item.children.RegexLit) patterns.push(regexLit(ctx, first(item.children.RegexLit)));
    else validators.push(ctx.ident(first(item.children.Name)));
  }
  return { kind: "detector", annotations, name: ctx.ident(first(node.children.Identifier)), patterns, validators, span: ctx.nodeSpan(node) };
}

export function lowerTeam(ctx: LowerContext, node: TeamDeclCstNode, annotations: Annotation[]): TeamDecl {
  const members: Str[] = [];
  const approvers: Str[] = [];
  const claims: TeamDecl["claims"][number][] = [];
  for (const item of node.children.teamItem ?? []) {
    const c = item.children;
    if (c.Claim) {
      const [key, value] = c.StringLit!;
      claims.push({ key: ctx.str(key!), value: ctx.str(value!), span: ctx.nodeSpan(item) });
    } else {
      const list = first(c.strList).children.StringLit.map((t) => ctx.str(t));
      (c.Members ? members : approvers).push(...list);
    }
  }
  return { kind: "team", annotations, name: ctx.ident(first(node.children.Name)), members, approvers, claims, span: ctx.nodeSpan(node) };
}

export function lowerPrincipal(ctx: LowerContext, node: PrincipalDeclCstNode, annotations: Annotation[]): PrincipalDecl {
  const principalKind = node.children.Vendor ? "vendor" : "caller";
  const once = new OnceTracker(ctx, principalKind);
  let token: SecretRef | undefined;
  let literalToken: Str | undefined;
  let oidcSub: Str | undefined;
  let tools: ToolRef[] | undefined;
  const teams: Ident[] = [];
  let attrs: PrincipalDecl["attrs"];
  for (const item of node.children.principalItem ?? []) {
    const c = item.children;
    const span = ctx.nodeSpan(item);
    if (c.Token) {
      if (!once.set("token", span)) continue;
      const v = lowerSecretValue(ctx, first(c.secretValue));
      // A literal token is kept for check, which reports TAL1001 for both front ends.
      if (v.kind === "ref") token = v.ref;
      else literalToken = v.str;
    } else if (c.Oidc) {
      if (once.set("oidc sub", span)) oidcSub = ctx.str(first(c.StringLit));
    } else if (c.Tools) {
      tools = [...(tools ?? []), ...lowerRefs(ctx, first(c.refList))];
    } else if (c.Teams) {
      teams.push(...names(ctx, first(c.nameList)));
    } else if (once.set("attrs", span)) {
      attrs = lowerObject(ctx, first(c.objectExpr));
    }
  }
  return {
    kind: "principal",
    annotations,
    principalKind,
    id: ctx.str(first(node.children.StringLit)),
    token,
    oidcSub,
    tools,
    teams,
    attrs,
    ...(literalToken ? { literalToken } : {}),
    span: ctx.nodeSpan(node),
  };
}
