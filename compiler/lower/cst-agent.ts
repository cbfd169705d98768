/**
 * `agent "name" { … }` (LANGUAGE.md §3): CST → AST for every agent item. Single-valued items
 * (`mode`, `upstream`, `posture`, the blocks …) written twice in one agent are TAL0203, as are
 * repeated entries inside `compliance`, `evidence`, `limits`, `tls` and a tool's `{ … }`.
 * Annotations may precede rules and `tool` items only.
 */
import type { IToken } from "chevrotain";
import type {
  AgentDeclCstNode,
  AgentEntryCstNode,
  ComplianceItemCstNode,
  EvidenceItemCstNode,
  LimitsItemCstNode,
  TlsItemCstNode,
  ToolItemCstNode,
  UpstreamAuthItemCstNode,
  UpstreamItemCstNode,
} from "../../grammar/talon.cst.js";
import type { AgentDecl, AgentItem, Annotation, ComplianceItem, EvidenceItem, FieldPath, LimitsItem, TlsItem, ToolItem, UpstreamAuthItem, UpstreamItem } from "./ast.js";
import { first, OnceTracker, type LowerContext } from "./cst-context.js";
import { lowerAnnotations, lowerSecretValue } from "./cst-decls.js";
import { lowerPathList } from "./cst-paths.js";
import * as R from "./cst-rules.js";
import { lowerTest } from "./cst-tests.js";

/** Items an agent may hold once. */
const SINGLE = new Set(["mode", "upstream", "upstream_auth", "auth", "posture", "flag", "catalog", "blobs", "limits", "compliance", "evidence", "tls"]);

/** Lower an agent declaration. */
export function lowerAgent(ctx: LowerContext, node: AgentDeclCstNode, annotations: readonly Annotation[]): AgentDecl {
  const once = new OnceTracker(ctx, "agent");
  const items: AgentItem[] = [];
  for (const entry of node.children.agentEntry ?? []) {
    const item = lowerEntry(ctx, entry);
    if (!SINGLE.has(item.kind)) items.push(item);
    else if (once.set(item.kind === "flag" ? item.name : item.kind, item.span)) items.push(item);
  }
  return { kind: "agent", annotations, name: ctx.str(first(node.children.StringLit)), items, span: ctx.nodeSpan(node) };
}

function lowerEntry(ctx: LowerContext, entry: AgentEntryCstNode): AgentItem {
  const c = entry.children;
  const annotations = lowerAnnotations(ctx, c.annotation);
  if (c.forbidRule) return R.lowerForbid(ctx, first(c.forbidRule), annotations);
  if (c.grantRule) return R.lowerGrant(ctx, first(c.grantRule), annotations);
  if (c.approveRule) return R.lowerApprove(ctx, first(c.approveRule), annotations);
  if (c.confirmRule) return R.lowerConfirm(ctx, first(c.confirmRule), annotations);
  if (c.limitRule) return R.lowerLimit(ctx, first(c.limitRule), annotations);
  if (c.idempotentRule) return R.lowerIdempotent(ctx, first(c.idempotentRule), annotations);
  if (c.redactRule) return R.lowerRedact(ctx, first(c.redactRule), annotations);
  if (c.blockRule) return R.lowerBlock(ctx, first(c.blockRule), annotations);
  if (c.toolItem) return lowerTool(ctx, first(c.toolItem), annotations);
  // `@justification("…")` explains a compliance choice (gdpr retention over 3y, TAL1003).
  if (c.complianceItem && annotations.length > 0 && annotations.every((a) => a.name === "justification")) {
    return { ...lowerCompliance(ctx, first(c.complianceItem)), annotations };
  }
  const item = lowerPlainItem(ctx, entry);
  if (annotations.length > 0) {
    const word = ctx.source.text.slice(item.span.start, item.span.end).split(/\s/, 1)[0]!;
    ctx.diags.report("TAL0201", annotations[0]!.span, {
      args: { expected: "a rule or `tool` after annotations", found: `\`${word}\`` },
      help: "annotations name and explain rules and tools; remove them here",
    });
  }
  return item;
}

/** Items that carry no annotations. */
function lowerPlainItem(ctx: LowerContext, entry: AgentEntryCstNode): AgentItem {
  const c = entry.children;
  if (c.modeItem) {
    const m = first(c.modeItem);
    const value = m.children.Intercept ? "intercept" : m.children.Passthrough ? "passthrough" : "shadow";
    return { kind: "mode", value, span: ctx.nodeSpan(m) };
  }
  if (c.upstreamItem) return lowerUpstream(ctx, first(c.upstreamItem));
  if (c.upstreamAuthItem) return lowerUpstreamAuth(ctx, first(c.upstreamAuthItem));
  if (c.authItem) {
    const a = first(c.authItem).children;
    const [issuer, audience] = a.StringLit ?? [];
    const scheme = a.Bearer ? "bearer" : a.None ? "none" : "oidc";
    return { kind: "auth", scheme, issuer: issuer && ctx.str(issuer), audience: audience && ctx.str(audience), span: ctx.nodeSpan(first(c.authItem)) };
  }
  if (c.postureItem) {
    const p = first(c.postureItem);
    return { kind: "posture", value: p.children.ReadOnly ? "read_only" : "read_write", span: ctx.nodeSpan(p) };
  }
  if (c.flagItem) {
    const f = first(c.flagItem).children;
    const name = f.TrustAnnotations ? "trust_annotations" : f.RequireListed ? "require_listed" : "realpath_check";
    return { kind: "flag", name, value: first(f.boolLit).children.True !== undefined, span: ctx.nodeSpan(first(c.flagItem)) };
  }
  if (c.catalogItem) {
    const k = first(c.catalogItem);
    return { kind: "catalog", path: ctx.str(first(k.children.StringLit)), strict: k.children.Strict !== undefined, span: ctx.nodeSpan(k) };
  }
  if (c.blobsItem) {
    const b = first(c.blobsItem);
    return { kind: "blobs", value: b.children.Pass ? "pass" : b.children.Drop ? "drop" : "block", span: ctx.nodeSpan(b) };
  }
  if (c.allowMethodItem) {
    const a = first(c.allowMethodItem);
    return { kind: "allow_method", methods: first(a.children.strList).children.StringLit.map((t) => ctx.str(t)), span: ctx.nodeSpan(a) };
  }
  if (c.limitsItem) return lowerLimits(ctx, first(c.limitsItem));
  if (c.complianceItem) return lowerCompliance(ctx, first(c.complianceItem));
  if (c.evidenceItem) return lowerEvidence(ctx, first(c.evidenceItem));
  if (c.tlsItem) return lowerTls(ctx, first(c.tlsItem));
  if (c.rootItem) {
    const r = first(c.rootItem);
    const rc = r.children;
    return { kind: "root", name: ctx.ident(first(rc.Name)), path: ctx.str(first(rc.StringLit)), access: rc.Read ? "read" : "read_write", span: ctx.nodeSpan(r) };
  }
  if (c.pathDenyItem) {
    const d = first(c.pathDenyItem);
    return { kind: "path_deny", globs: first(d.children.strList).children.StringLit.map((t) => ctx.str(t)), span: ctx.nodeSpan(d) };
  }
  return lowerTest(ctx, first(c.testDecl));
}

function lowerUpstream(ctx: LowerContext, node: UpstreamItemCstNode): UpstreamItem {
  const c = node.children;
  const span = ctx.nodeSpan(node);
  // StringLit holds, in order: the URL or unix path (unless stdio), then the `vendor` label.
  const strings = c.StringLit ?? [];
  if (c.Stdio) {
    const argv = first(c.strList).children.StringLit.map((t) => ctx.str(t));
    return { kind: "upstream", transport: "stdio", argv, vendor: strings[0] && ctx.str(strings[0]), span };
  }
  const target = ctx.str(strings[0]!);
  const vendor = strings[1] && ctx.str(strings[1]);
  if (c.Unix) return { kind: "upstream", transport: "unix", path: target, vendor, span };
  return { kind: "upstream", transport: "http", url: target, vendor, span };
}

function lowerUpstreamAuth(ctx: LowerContext, node: UpstreamAuthItemCstNode): UpstreamAuthItem {
  const c = node.children;
  const header = c.StringLit?.[0];
  let secret: UpstreamAuthItem["secret"];
  if (c.secretValue) {
    const v = lowerSecretValue(ctx, first(c.secretValue));
    if (v.kind === "literal") ctx.diags.report("TAL1001", v.str.span, { help: 'write env("NAME"), file("path") or sha256("hex")' });
    else secret = v.ref;
  }
  return { kind: "upstream_auth", scheme: c.Bearer ? "bearer" : "passthrough", secret, header: header && ctx.str(header), span: ctx.nodeSpan(node) };
}

function lowerLimits(ctx: LowerContext, node: LimitsItemCstNode): LimitsItem {
  const once = new OnceTracker(ctx, "limits");
  const entries: LimitsItem["entries"][number][] = [];
  for (const e of node.children.limitsEntry ?? []) {
    const nameTok = first(e.children.Name);
    const span = ctx.nodeSpan(e);
    const size = e.children.SizeLit?.[0];
    const num: IToken | undefined = e.children.Number?.[0];
    const value = size ? ctx.size(size).bytes : ctx.wholeNumber(num!);
    if (once.set(nameTok.image, span)) entries.push({ name: ctx.ident(nameTok), value, text: (size ?? num)!.image, span });
  }
  return { kind: "limits", entries, span: ctx.nodeSpan(node) };
}

function lowerCompliance(ctx: LowerContext, node: ComplianceItemCstNode): ComplianceItem {
  const once = new OnceTracker(ctx, "compliance");
  let frameworks: ComplianceItem["frameworks"] = [];
  let auditRetention: ComplianceItem["auditRetention"];
  for (const e of node.children.complianceEntry ?? []) {
    const span = ctx.nodeSpan(e);
    if (e.children.Frameworks) {
      if (once.set("frameworks", span)) frameworks = R.names(ctx, first(e.children.nameList));
    } else if (once.set("audit_retention", span)) {
      auditRetention = ctx.duration(first(e.children.DurationLit));
    }
  }
  return { kind: "compliance", frameworks, auditRetention, span: ctx.nodeSpan(node) };
}

function lowerEvidence(ctx: LowerContext, node: EvidenceItemCstNode): EvidenceItem {
  const once = new OnceTracker(ctx, "evidence");
  let capture: EvidenceItem["capture"] = [];
  let sink: EvidenceItem["sink"];
  for (const e of node.children.evidenceEntry ?? []) {
    const span = ctx.nodeSpan(e);
    if (e.children.Capture) {
      if (once.set("capture", span)) capture = R.names(ctx, first(e.children.nameList));
    } else if (once.set("sink", span)) {
      sink = ctx.str(first(e.children.StringLit));
    }
  }
  return { kind: "evidence", capture, sink, span: ctx.nodeSpan(node) };
}

function lowerTls(ctx: LowerContext, node: TlsItemCstNode): TlsItem {
  const once = new OnceTracker(ctx, "tls");
  const entries: TlsItem["entries"][number][] = [];
  for (const e of node.children.tlsEntry ?? []) {
    const nameTok = first(e.children.Name);
    const span = ctx.nodeSpan(e);
    const str = e.children.StringLit?.[0];
    const value = str ? ctx.str(str) : first(e.children.boolLit).children.True !== undefined;
    if (once.set(nameTok.image, span)) entries.push({ name: ctx.ident(nameTok), value, span });
  }
  return { kind: "tls", entries, span: ctx.nodeSpan(node) };
}

function lowerTool(ctx: LowerContext, node: ToolItemCstNode, annotations: readonly Annotation[]): ToolItem {
  const c = node.children;
  const once = new OnceTracker(ctx, "tool");
  let toolClass: ToolItem["toolClass"];
  let paths: FieldPath[] = [];
  let schema: ToolItem["schema"];
  for (const e of c.toolEntry ?? []) {
    const span = ctx.nodeSpan(e);
    const ec = e.children;
    if (ec.Class) {
      if (once.set("class", span)) toolClass = ctx.oneOf(first(ec.Name), R.CLASSES, "a tool class");
    } else if (ec.Path) {
      if (once.set("path", span)) paths = lowerPathList(ctx, first(ec.pathList));
    } else if (once.set("schema", span)) {
      schema = ctx.str(first(ec.StringLit));
    }
  }
  const upstream = c.StringLit?.[0];
  return {
    kind: "tool",
    annotations,
    refs: R.lowerRefs(ctx, first(c.refList)),
    upstream: upstream && ctx.str(upstream),
    toolClass,
    paths,
    schema,
    span: ctx.nodeSpan(node),
  };
}
