/**
 * The eight policy rules (LANGUAGE.md §4): CST → AST, with their targets, `who`, conditions and
 * redaction methods. Fixed vocabularies the grammar reads as names — classes, access, limit
 * dimensions — are checked here against §10 (TAL0201 with "did you mean"); a rule's single-valued
 * options written twice are TAL0203.
 */
import type {
  ApproveRuleCstNode,
  BlockRuleCstNode,
  CondCstNode,
  ConfirmRuleCstNode,
  ForbidRuleCstNode,
  GrantRuleCstNode,
  IdempotentRuleCstNode,
  LimitRuleCstNode,
  MethodCstNode,
  NameListCstNode,
  RedactRuleCstNode,
  RefListCstNode,
  TargetsCstNode,
  ToolRefCstNode,
  WhoCstNode,
} from "../../grammar/talon.cst.js";
import type {
  Annotation,
  ApproveRule,
  BlockRule,
  Cond,
  ConfirmRule,
  ForbidRule,
  GrantRule,
  Ident,
  IdempotentRule,
  LimitRule,
  Literal,
  Method,
  RedactRule,
  Targets,
  ToolRef,
  Who,
} from "./ast.js";
import { first, OnceTracker, type LowerContext } from "./cst-context.js";
import { lowerExpr, lowerLiteral, regexLit } from "./cst-expr.js";
import { lowerPathList } from "./cst-paths.js";

/** Tool classes (§3). */
export const CLASSES = ["read", "write", "destructive"] as const;
const ACCESS = [...CLASSES, "all"];
const DIMENSIONS = ["caller", "vendor", "team", "tool", "ip", "agent"];

type Annots = readonly Annotation[];

export function lowerForbid(ctx: LowerContext, node: ForbidRuleCstNode, annotations: Annots): ForbidRule {
  const c = node.children;
  return { kind: "forbid", annotations, targets: lowerTargets(ctx, first(c.targets)), cond: optCond(ctx, c.cond), span: ctx.nodeSpan(node) };
}

export function lowerGrant(ctx: LowerContext, node: GrantRuleCstNode, annotations: Annots): GrantRule {
  const c = node.children;
  return {
    kind: "grant",
    annotations,
    who: lowerWho(ctx, first(c.who)),
    access: first(c.nameList).children.Name.map((t) => ctx.oneOf(t, ACCESS, "a class or `all`")),
    on: lowerRefs(ctx, first(c.refList)),
    cond: optCond(ctx, c.cond),
    span: ctx.nodeSpan(node),
  };
}

export function lowerApprove(ctx: LowerContext, node: ApproveRuleCstNode, annotations: Annots): ApproveRule {
  const c = node.children;
  const once = new OnceTracker(ctx, "approve");
  let timeout: ApproveRule["timeout"];
  let onTimeout: ApproveRule["onTimeout"];
  let quorum: number | undefined;
  let wait: ApproveRule["wait"];
  for (const opt of c.approveOption ?? []) {
    const o = opt.children;
    const span = ctx.nodeSpan(opt);
    if (o.Timeout) {
      if (once.set("timeout", span)) timeout = ctx.duration(first(o.DurationLit));
    } else if (o.OnTimeout) {
      if (once.set("on_timeout", span)) onTimeout = "deny";
    } else if (o.Quorum) {
      if (once.set("quorum", span)) quorum = ctx.wholeNumber(first(o.Number));
    } else if (once.set("hold`/`defer", span)) {
      wait = o.Hold ? "hold" : "defer";
    }
  }
  return {
    kind: "approve",
    annotations,
    targets: lowerTargets(ctx, first(c.targets)),
    cond: optCond(ctx, c.cond),
    team: ctx.ident(first(c.Name)),
    timeout,
    onTimeout,
    quorum,
    wait,
    span: ctx.nodeSpan(node),
  };
}

export function lowerConfirm(ctx: LowerContext, node: ConfirmRuleCstNode, annotations: Annots): ConfirmRule {
  const c = node.children;
  const via: ConfirmRule["via"] = c.Elicitation ? "elicitation" : c.Token ? "token" : c.ElicitationOrToken ? "elicitation_or_token" : undefined;
  return { kind: "confirm", annotations, targets: lowerTargets(ctx, first(c.targets)), cond: optCond(ctx, c.cond), via, span: ctx.nodeSpan(node) };
}

export function lowerLimit(ctx: LowerContext, node: LimitRuleCstNode, annotations: Annots): LimitRule {
  const c = node.children;
  const [rate, burst] = c.Number;
  return {
    kind: "limit",
    annotations,
    rate: ctx.wholeNumber(rate!),
    per: ctx.duration(first(c.DurationLit)),
    burst: burst ? ctx.wholeNumber(burst) : undefined,
    by: c.nameList ? first(c.nameList).children.Name.map((t) => ctx.oneOf(t, DIMENSIONS, "a limit dimension")) : [],
    on: c.targets ? lowerTargets(ctx, first(c.targets)) : undefined,
    ...(c.StringLit ? { principal: ctx.str(first(c.StringLit)) } : {}),
    span: ctx.nodeSpan(node),
  };
}

export function lowerIdempotent(ctx: LowerContext, node: IdempotentRuleCstNode, annotations: Annots): IdempotentRule {
  const c = node.children;
  return {
    kind: "idempotent",
    annotations,
    targets: lowerTargets(ctx, first(c.targets)),
    key: (c.expr ?? []).map((e) => lowerExpr(ctx, e)),
    window: ctx.duration(first(c.DurationLit)),
    onDuplicate: c.Replay ? "replay" : c.Reject ? "reject" : undefined,
    span: ctx.nodeSpan(node),
  };
}

export function lowerRedact(ctx: LowerContext, node: RedactRuleCstNode, annotations: Annots): RedactRule {
  const c = node.children;
  return {
    kind: "redact",
    annotations,
    paths: lowerPathList(ctx, first(c.pathList)),
    matching: (c.matcher ?? []).map((m) => (m.children.RegexLit ? regexLit(ctx, first(m.children.RegexLit)) : ctx.ident(first(m.children.Identifier)))),
    method: lowerMethod(ctx, first(c.method)),
    scopes: c.nameList ? names(ctx, first(c.nameList)) : [],
    on: c.targets ? lowerTargets(ctx, first(c.targets)) : undefined,
    cond: optCond(ctx, c.cond),
    span: ctx.nodeSpan(node),
  };
}

export function lowerBlock(ctx: LowerContext, node: BlockRuleCstNode, annotations: Annots): BlockRule {
  const c = node.children;
  return {
    kind: "block",
    annotations,
    on: c.targets ? lowerTargets(ctx, first(c.targets)) : undefined,
    cond: lowerCond(ctx, first(c.cond)),
    span: ctx.nodeSpan(node),
  };
}

// ─── Parts ─────────────────────────────────────────────────────────────────────────────────────

/** `tool a, "b*"` or `class read, write`. */
export function lowerTargets(ctx: LowerContext, node: TargetsCstNode): Targets {
  const c = node.children;
  const span = ctx.nodeSpan(node);
  if (c.refList) return { kind: "tools", refs: lowerRefs(ctx, first(c.refList)), span };
  return { kind: "classes", classes: first(c.nameList).children.Name.map((t) => ctx.oneOf(t, CLASSES, "a tool class")), span };
}

/** Tool references: identifiers (keywords allowed) or strings, exactly as written. */
export function lowerRefs(ctx: LowerContext, node: RefListCstNode): ToolRef[] {
  return node.children.toolRef.map((r) => lowerToolRef(ctx, r));
}

/** One tool reference; a string's value is kept byte for byte (no trimming, no normalization). */
export function lowerToolRef(ctx: LowerContext, node: ToolRefCstNode): ToolRef {
  const c = node.children;
  if (c.StringLit) return { name: ctx.str(first(c.StringLit)).value, span: ctx.tokSpan(first(c.StringLit)) };
  return { name: first(c.Name).image, span: ctx.tokSpan(first(c.Name)) };
}

/** A `name, name` list as identifiers. */
export function names(ctx: LowerContext, node: NameListCstNode): Ident[] {
  return node.children.Name.map((t) => ctx.ident(t));
}

function lowerWho(ctx: LowerContext, node: WhoCstNode): Who {
  const c = node.children;
  const span = ctx.nodeSpan(node);
  if (c.Anyone) return { kind: "anyone", span };
  if (c.Team) return { kind: "team", team: ctx.ident(first(c.Name)), span };
  return { kind: "principal", principalKind: c.Vendor ? "vendor" : "caller", id: ctx.str(first(c.StringLit)), span };
}

/** `when e` / `unless e`. */
export function lowerCond(ctx: LowerContext, node: CondCstNode): Cond {
  return { negated: node.children.Unless !== undefined, expr: lowerExpr(ctx, first(node.children.expr)), span: ctx.nodeSpan(node) };
}

function optCond(ctx: LowerContext, nodes: CondCstNode[] | undefined): Cond | undefined {
  return nodes ? lowerCond(ctx, first(nodes)) : undefined;
}

/** `hash`, `mask("X")`, `truncate(20)`; `-` before a number argument negates it. */
function lowerMethod(ctx: LowerContext, node: MethodCstNode): Method {
  const args = (node.children.methodArg ?? []).map((arg): Literal => {
    const lit = lowerLiteral(ctx, first(arg.children.literal));
    const minus = arg.children.Minus?.[0];
    if (!minus) return lit;
    const span = ctx.source.span(minus.startOffset, lit.span.end);
    if (lit.kind === "number") return { kind: "number", value: -lit.value, text: `-${lit.text}`, span };
    ctx.diags.report("TAL0201", span, { args: { expected: "a number after `-`", found: `${lit.kind} \`${ctx.source.text.slice(lit.span.start, lit.span.end)}\`` } });
    return lit;
  });
  return { name: ctx.ident(first(node.children.Name)), args, span: ctx.nodeSpan(node) };
}
