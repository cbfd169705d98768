/**
 * Expressions: CST → AST (LANGUAGE.md §5). Binary chains fold left; comparison is
 * non-associative (the grammar allows one operator). A postfix chain on a name stays one
 * `PathExpr` (`args.tickets[0].id`) until a method call wraps it in a `CallExpr`
 * (`args.tags.exists(t, …)`); member or index access on a computed value has no AST form, so it
 * is reported. `and`/`or`/`not`/`=` were reported by the CST check and lower as `&&`/`||`/`!`/`==`.
 */
import type { IToken } from "chevrotain";
import type {
  AddExprCstNode,
  AndExprCstNode,
  CallArgsCstNode,
  CoalExprCstNode,
  CompareOpCstNode,
  ExprCstNode,
  ListExprCstNode,
  LiteralCstNode,
  MulExprCstNode,
  ObjectExprCstNode,
  PostfixExprCstNode,
  PrimaryCstNode,
  RangeBoundCstNode,
  RelExprCstNode,
  UnaryExprCstNode,
} from "../../grammar/talon.cst.js";
import * as T from "../../grammar/tokens.js";
import { decodeMoney, decodeNumber, decodeString } from "../parse/literals.js";
import { joinSpans, type Span } from "../source/source.js";
import type { BinaryOp, Expr, Literal, ObjectExpr, PathExpr, RegexLit } from "./ast.js";
import { first, OnceTracker, type LowerContext } from "./cst-context.js";

/** Lower an `expr` node. */
export function lowerExpr(ctx: LowerContext, node: ExprCstNode): Expr {
  const ops = [...(node.children.OrOr ?? []), ...(node.children.Or ?? [])];
  return foldLeft(node.children.andExpr.map((n) => lowerAnd(ctx, n)), ops.map(() => "||" as const));
}

function lowerAnd(ctx: LowerContext, node: AndExprCstNode): Expr {
  const ops = [...(node.children.AndAnd ?? []), ...(node.children.And ?? [])];
  return foldLeft(node.children.relExpr.map((n) => lowerRel(ctx, n)), ops.map(() => "&&" as const));
}

function lowerRel(ctx: LowerContext, node: RelExprCstNode): Expr {
  const [leftNode, rightNode] = node.children.coalExpr;
  const left = lowerCoal(ctx, leftNode!);
  const range = node.children.rangeExpr?.[0];
  if (range) {
    const [lo, hi] = range.children.rangeBound;
    const low = rangeBound(ctx, lo!);
    const high = rangeBound(ctx, hi!);
    return { kind: "in_range", value: left, low, high, span: joinSpans(left.span, high.span) };
  }
  if (rightNode === undefined) return left;
  const right = lowerCoal(ctx, rightNode);
  const op: BinaryOp = node.children.In ? "in" : node.children.Matches ? "matches" : compareOp(first(node.children.compareOp));
  return { kind: "binary", op, left, right, span: joinSpans(left.span, right.span) };
}

function compareOp(node: CompareOpCstNode): BinaryOp {
  const c = node.children;
  if (c.NotEq) return "!=";
  if (c.LtEq) return "<=";
  if (c.GtEq) return ">=";
  if (c.Lt) return "<";
  if (c.Gt) return ">";
  return "=="; // `==`, or `=` (already reported as TAL0205)
}

function rangeBound(ctx: LowerContext, node: RangeBoundCstNode): Literal {
  const num = first(node.children.Number);
  const minus = node.children.Minus?.[0];
  const { value } = decodeNumber(num.image);
  const span = minus ? ctx.between(minus, num) : ctx.tokSpan(num);
  return { kind: "number", value: minus ? -value : value, text: minus ? `-${num.image}` : num.image, span };
}

function lowerCoal(ctx: LowerContext, node: CoalExprCstNode): Expr {
  return foldLeft(node.children.addExpr.map((n) => lowerAdd(ctx, n)), (node.children.Coalesce ?? []).map(() => "??" as const));
}

function lowerAdd(ctx: LowerContext, node: AddExprCstNode): Expr {
  // `+` and `-` are in separate child arrays; source order decides the sequence.
  const ops = [...(node.children.Plus ?? []), ...(node.children.Minus ?? [])]
    .sort((a, b) => a.startOffset - b.startOffset)
    .map((t) => (t.tokenType === T.Plus ? "+" : "-") as BinaryOp);
  return foldLeft(node.children.mulExpr.map((n) => lowerMul(ctx, n)), ops);
}

function lowerMul(ctx: LowerContext, node: MulExprCstNode): Expr {
  return foldLeft(node.children.unaryExpr.map((n) => lowerUnary(ctx, n)), (node.children.Star ?? []).map(() => "*" as const));
}

function foldLeft(operands: Expr[], ops: readonly BinaryOp[]): Expr {
  let acc = operands[0]!;
  ops.forEach((op, i) => {
    const right = operands[i + 1]!;
    acc = { kind: "binary", op, left: acc, right, span: joinSpans(acc.span, right.span) };
  });
  return acc;
}

function lowerUnary(ctx: LowerContext, node: UnaryExprCstNode): Expr {
  const c = node.children;
  if (c.postfixExpr) return lowerPostfix(ctx, first(c.postfixExpr));
  const opTok = (c.Bang ?? c.Minus ?? c.Not)![0]!;
  const operand = lowerUnary(ctx, first(c.unaryExpr));
  return { kind: "unary", op: opTok.tokenType === T.Minus ? "-" : "!", operand, span: ctx.source.span(opTok.startOffset, operand.span.end) };
}

function lowerPostfix(ctx: LowerContext, node: PostfixExprCstNode): Expr {
  let acc = lowerPrimary(ctx, first(node.children.primary));
  for (const op of node.children.postfixOp ?? []) {
    const c = op.children;
    const name = c.Name?.[0];
    const opSpan = ctx.nodeSpan(op);
    const span = ctx.source.span(acc.span.start, opSpan.end);
    if (name && c.callArgs) {
      acc = { kind: "call", target: acc, callee: ctx.ident(name), args: callArgs(ctx, first(c.callArgs)), span };
    } else if (acc.kind !== "path") {
      ctx.diags.report("TAL0201", opSpan, {
        args: { expected: "an operator", found: name ? `\`.${name.image}\` after a computed value` : "`[…]` after a computed value" },
        help: "only names can be followed by `.field` or `[index]` (`args.items[0].id`); methods can follow anything (`args.name.lower()`)",
      });
    } else if (name) {
      acc = { ...acc, steps: [...acc.steps, { kind: "member", name: name.image, span: opSpan }], span };
    } else {
      const index = lowerExpr(ctx, first(c.expr));
      acc = { ...acc, steps: [...acc.steps, { kind: "index", index, span: opSpan }], span };
    }
  }
  return acc;
}

function callArgs(ctx: LowerContext, node: CallArgsCstNode): Expr[] {
  return (node.children.expr ?? []).map((e) => lowerExpr(ctx, e));
}

function lowerPrimary(ctx: LowerContext, node: PrimaryCstNode): Expr {
  const c = node.children;
  if (c.literal) return lowerLiteral(ctx, first(c.literal));
  if (c.RegexLit) return regexLit(ctx, first(c.RegexLit));
  if (c.RootName) {
    const root = ctx.ident(first(c.RootName));
    if (c.callArgs) return { kind: "call", target: undefined, callee: root, args: callArgs(ctx, first(c.callArgs)), span: ctx.nodeSpan(node) };
    const path: PathExpr = { kind: "path", root, steps: [], span: root.span };
    return path;
  }
  if (c.expr) return lowerExpr(ctx, first(c.expr));
  if (c.listExpr) return lowerList(ctx, first(c.listExpr));
  return lowerObject(ctx, first(c.objectExpr));
}

/** A regex literal token `/body/flags`. */
export function regexLit(ctx: LowerContext, tok: IToken): RegexLit {
  const close = tok.image.lastIndexOf("/");
  return { kind: "regex", source: tok.image.slice(1, close), flags: tok.image.slice(close + 1), span: ctx.tokSpan(tok) };
}

/** A `literal` node: number, money, string, bool, null, duration or size. */
export function lowerLiteral(ctx: LowerContext, node: LiteralCstNode): Literal {
  const c = node.children;
  const span = ctx.nodeSpan(node);
  if (c.Number) {
    const num = first(c.Number);
    const currency = c.Identifier?.[0];
    if (!currency) return { kind: "number", value: decodeNumber(num.image).value, text: num.image, span };
    return money(ctx, num, currency, span);
  }
  if (c.StringLit) return { kind: "string", value: decodeString(first(c.StringLit).image).value, span };
  if (c.True) return { kind: "bool", value: true, span };
  if (c.False) return { kind: "bool", value: false, span };
  if (c.Null) return { kind: "null", span };
  if (c.DurationLit) {
    const d = ctx.duration(first(c.DurationLit));
    return { kind: "duration", ms: d.ms, text: d.text, span };
  }
  const s = ctx.size(first(c.SizeLit));
  return { kind: "size", bytes: s.bytes, text: s.text, span };
}

function money(ctx: LowerContext, num: IToken, currency: IToken, span: Span): Literal {
  const text = ctx.source.text.slice(span.start, span.end);
  const m = decodeMoney(num.image);
  // The grammar only takes an ISO-4217-shaped code; whether it is a real currency is check's (TAL0404).
  if (m.problem === "decimals") {
    ctx.diags.report("TAL0404", span, { args: { unit: "money (at most 6 decimals)", t: text } });
  } else if (m.problem === "range") {
    ctx.diags.report("TAL0110", span);
  }
  return { kind: "money", micros: m.micros, currency: currency.image, text, span };
}

function lowerList(ctx: LowerContext, node: ListExprCstNode): Expr {
  return { kind: "list", items: (node.children.expr ?? []).map((e) => lowerExpr(ctx, e)), span: ctx.nodeSpan(node) };
}

/** An object literal; a key written twice is TAL0203. */
export function lowerObject(ctx: LowerContext, node: ObjectExprCstNode): ObjectExpr {
  const once = new OnceTracker(ctx, "{ … }");
  const entries = (node.children.objectEntry ?? []).map((entry) => {
    const keyTok = (entry.children.Name ?? entry.children.StringLit)![0]!;
    const key = keyTok.tokenType === T.Identifier || !entry.children.StringLit ? keyTok.image : decodeString(keyTok.image).value;
    const keySpan = ctx.tokSpan(keyTok);
    once.set(key, keySpan);
    return { key, keySpan, value: lowerExpr(ctx, first(entry.children.expr)) };
  });
  return { kind: "object", entries, span: ctx.nodeSpan(node) };
}
