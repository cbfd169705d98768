/**
 * Lowering the vendor YAML's tool lists and rule-like sections to AST agent items (LANGUAGE.md §9
 * key mapping): `allowed_tools` → `tool` items and one `grant anyone all`, `forbidden_tools` →
 * `forbid`s, `redaction_rules` → `redact`s, `human_oversight.required_for` → `approve`s,
 * `rate_limits` → `limit`s. Each node is spanned at the YAML node it came from.
 */
import type { ConfigPath, YamlLocator } from "../config/locate.js";
import type { ProxyConfig, VendorConfig } from "../config/schema.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { ApproveRule, FieldPath, ForbidRule, GrantRule, Ident, LimitRule, RedactRule, RegexLit, Str, ToolItem, ToolRef } from "./ast.js";
import { lowerConditions } from "./yaml-conditions.js";
import { parseFieldPath } from "./yaml-field-path.js";

/** A string value with the span of its YAML scalar. */
export function strAt(loc: YamlLocator, path: ConfigPath, value: string): Str {
  return { value, span: loc.value(path) };
}

/** An identifier spanned at a YAML node. */
export function identAt(loc: YamlLocator, path: ConfigPath, name: string, at: "key" | "value" = "value"): Ident {
  return { name, span: at === "key" ? loc.key(path) : loc.value(path) };
}

/** The client-side name of an `allowed_tools` entry and the path of the scalar holding it. */
function allowedName(entry: NonNullable<ProxyConfig["allowed_tools"]>[number], path: ConfigPath): { name: string; path: ConfigPath } {
  return typeof entry === "string" ? { name: entry, path } : { name: entry.name, path: [...path, "name"] };
}

/** `allowed_tools[]` → `tool name [-> "upstream_name"]` (no class: YAML has none). */
export function lowerTools(proxy: ProxyConfig, loc: YamlLocator): ToolItem[] {
  return (proxy.allowed_tools ?? []).map((entry, i) => {
    const path: ConfigPath = ["proxy", "allowed_tools", i];
    const { name, path: namePath } = allowedName(entry, path);
    const upstream = typeof entry === "string" || entry.upstream_name === undefined ? undefined : strAt(loc, [...path, "upstream_name"], entry.upstream_name);
    const ref: ToolRef = { name, span: loc.value(namePath) };
    return { kind: "tool", annotations: [], refs: [ref], upstream, toolClass: undefined, paths: [], schema: undefined, span: loc.value(path) };
  });
}

/** `grant anyone all on <every allowed tool, in YAML order>`; none when nothing is allowed. */
export function lowerGrant(proxy: ProxyConfig, loc: YamlLocator): GrantRule[] {
  const tools = proxy.allowed_tools ?? [];
  if (tools.length === 0) return [];
  const span = loc.key(["proxy", "allowed_tools"]);
  const on = tools.map((entry, i) => {
    const { name, path } = allowedName(entry, ["proxy", "allowed_tools", i]);
    return { name, span: loc.value(path) };
  });
  return [{ kind: "grant", annotations: [], who: { kind: "anyone", span }, access: [{ name: "all", span }], on, cond: undefined, span }];
}

/** One `forbid tool "<glob>"` per `forbidden_tools[]` entry. */
export function lowerForbids(proxy: ProxyConfig, loc: YamlLocator): ForbidRule[] {
  return (proxy.forbidden_tools ?? []).map((name, i) => {
    const span = loc.value(["proxy", "forbidden_tools", i]);
    return { kind: "forbid", annotations: [], targets: { kind: "tools", refs: [{ name, span }], span }, cond: undefined, span };
  });
}

/** One `redact <field> [matching /p/, …] with <method>` per rule, in all scopes. */
export function lowerRedactions(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): RedactRule[] {
  const out: RedactRule[] = [];
  (config.pii_handling?.redaction_rules ?? []).forEach((rule, i) => {
    const path: ConfigPath = ["pii_handling", "redaction_rules", i];
    const field = lowerFieldPath(rule.field, [...path, "field"], loc, diags);
    if (!field) return;
    const matching: RegexLit[] = (rule.patterns ?? []).map((source, j) => ({ kind: "regex", source, flags: "", span: loc.value([...path, "patterns", j]) }));
    const methodSpan = loc.value([...path, "method"]);
    out.push({
      kind: "redact",
      annotations: [],
      paths: [field],
      matching,
      method: { name: { name: rule.method, span: methodSpan }, args: [], span: methodSpan },
      scopes: [],
      on: undefined,
      cond: undefined,
      span: loc.value(path),
    });
  });
  return out;
}

function lowerFieldPath(text: string, path: ConfigPath, loc: YamlLocator, diags: Diagnostics): FieldPath | undefined {
  const span = loc.value(path);
  const parsed = parseFieldPath(text);
  if (parsed.ok) return { segments: parsed.segments, text, span };
  // Point at the offending character when the YAML text is the string itself.
  const at = loc.content(path, text);
  const where = at.exact ? loc.source.span(at.start + parsed.offset, Math.min(at.end, at.start + parsed.offset + 1)) : span;
  diags.report("TAL0601", where, { args: { p: text }, help: `${parsed.why}; paths look like \`requester.email\` or \`tickets[*].requester.email\`` });
  return undefined;
}

/** One `approve tool t [when c1 || c2 …] by team approvers` per `required_for[]` entry. */
export function lowerApprovals(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): ApproveRule[] {
  const base: ConfigPath = ["compliance", "human_oversight", "required_for"];
  const out: ApproveRule[] = [];
  (config.compliance?.human_oversight?.required_for ?? []).forEach((entry, i) => {
    const path: ConfigPath = [...base, i];
    const toolSpan = loc.value([...path, "tool"]);
    const conditions = entry.conditions ?? [];
    const listPath: ConfigPath = [...path, "conditions"];
    const expr = lowerConditions(conditions, listPath, loc, diags);
    if (conditions.length > 0 && !expr) return;
    if (conditions.length > 1) diags.report("TAL0707", loc.key(listPath), { args: { tool: entry.tool } });
    out.push({
      kind: "approve",
      annotations: [],
      targets: { kind: "tools", refs: [{ name: entry.tool, span: toolSpan }], span: toolSpan },
      cond: expr ? { negated: false, expr, span: loc.value(listPath) } : undefined,
      team: { name: "approvers", span: loc.key(["compliance", "human_oversight"]) },
      timeout: undefined,
      onTimeout: undefined,
      quorum: undefined,
      wait: undefined,
      span: loc.value(path),
    });
  });
  return out;
}

/** One `limit rate N per 1m [burst B] by caller` per `rate_limits[]` entry, scoped to its vendor. */
export function lowerLimits(proxy: ProxyConfig, loc: YamlLocator): LimitRule[] {
  return (proxy.rate_limits ?? []).map((limit, i) => {
    const path: ConfigPath = ["proxy", "rate_limits", i];
    return {
      kind: "limit",
      annotations: [],
      rate: limit.requests_per_minute,
      per: { ms: 60_000, text: "1m", span: loc.key([...path, "requests_per_minute"]) },
      burst: limit.burst,
      by: [identAt(loc, [...path, "vendor"], "caller", "key")],
      on: undefined,
      principal: strAt(loc, [...path, "vendor"], limit.vendor),
      span: loc.value(path),
    };
  });
}
