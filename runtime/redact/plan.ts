/**
 * Redaction plans: the bundle carries each agent's `redact` rules as frozen data
 * (`CompiledAgent.redactions`); here they become, per client tool and scope, the compiled rule
 * lists the walker runs (cached per agent), and the four scopes of §8.1 are applied to MCP
 * messages: `args` (params.arguments), `result` (structuredContent, text blocks, embedded
 * resources, isError results too), `errors` (error.message, patterns only; error.data) and
 * `notifications` (server→client params).
 */
import type { CompiledAgent, Principal, RedactionRuleSpec, RedactionScope, ToolClass } from "../hooks.js";
import { declaredDetector, detector } from "../helpers/detectors.js";
import { refMatchesIgnoreCase } from "../helpers/glob.js";
import { compileRegex } from "../helpers/regex.js";
import { parseRedactPath, type PathSegment } from "./path.js";
import { redactRoot, type RedactionEntry, type SpanFinder, type WalkRule } from "./walk.js";

export type { RedactionEntry } from "./walk.js";

/** A text block is parsed as JSON only up to this size (§8.1). */
export const MAX_JSON_TEXT = 1024 * 1024;

/** Rules of one tool, split by scope. */
export interface ToolRedaction {
  readonly args: readonly WalkRule[];
  readonly result: readonly WalkRule[];
  readonly errors: readonly WalkRule[];
  /** Span-only view of `errors` for `error.message`. */
  readonly errorMessage: readonly WalkRule[];
  /** Some rule has a `when`: `forCall` must filter before use. */
  readonly conditional: boolean;
}

const EMPTY: ToolRedaction = Object.freeze({ args: [], result: [], errors: [], errorMessage: [], conditional: false });

interface AgentRedaction {
  readonly compiled: readonly { spec: RedactionRuleSpec; rule: WalkRule; tools: readonly string[] | null }[];
  readonly byTool: Map<string, ToolRedaction>;
  readonly notifications: readonly WalkRule[];
}

const cache = new WeakMap<CompiledAgent, AgentRedaction>();
const MAX_CACHED_TOOLS = 4096;

const WHOLE: SpanFinder = { spans: (s: string): [number, number][] => (s.length > 0 ? [[0, s.length]] : []) };

function compileRule(spec: RedactionRuleSpec): WalkRule {
  const paths: PathSegment[][] = [];
  for (const p of spec.paths) {
    const parsed = parseRedactPath(p);
    // An unparsable path cannot reach a bundle (TAL0601); skipping it here would under-redact,
    // so it is treated as `**` over every member instead (fail closed).
    paths.push(Array.isArray(parsed) ? parsed : [{ kind: "deep" }, { kind: "members" }]);
  }
  const matchers: SpanFinder[] = spec.matching.map((m) => {
    // A pattern that cannot run (the compiler checks with the same engines, TAL0103) or an
    // unknown detector must not let text through: it matches the whole string (fail closed).
    if (m.kind === "regex") {
      try {
        return compileRegex(m.source, m.flags);
      } catch {
        return WHOLE;
      }
    }
    if (m.kind === "declared") {
      try {
        return declaredDetector(m.name, m.patterns, m.validators);
      } catch {
        return WHOLE;
      }
    }
    return detector(m.name) ?? WHOLE;
  });
  return { id: spec.id, paths, matchers, method: spec.method, when: spec.when ?? null };
}

function agentRedaction(agent: CompiledAgent): AgentRedaction {
  let a = cache.get(agent);
  if (a) return a;
  const specs = agent.redactions ?? [];
  const compiled = specs.map((spec) => ({ spec, rule: compileRule(spec), tools: spec.tools }));
  const notifications = compiled.filter((c) => inScope(c.spec, "notifications") && c.spec.tools === null && c.spec.classes === null).map((c) => c.rule);
  a = { compiled, byTool: new Map(), notifications };
  cache.set(agent, a);
  return a;
}

function inScope(spec: RedactionRuleSpec, scope: RedactionScope): boolean {
  return spec.scopes.length === 0 || spec.scopes.includes(scope);
}

/** The redaction rules for a call of client tool `tool` (class from the decision). */
export function toolRedaction(agent: CompiledAgent, tool: string, toolClass: ToolClass | null): ToolRedaction {
  const a = agentRedaction(agent);
  if (a.compiled.length === 0) return EMPTY;
  const key = `${toolClass ?? ""}\u0000${tool}`;
  const hit = a.byTool.get(key);
  if (hit) return hit;
  const cls = toolClass ?? "destructive";
  const applies = a.compiled.filter(
    (c) => (c.tools === null || c.tools.some((g) => refMatchesIgnoreCase(g, tool))) && (c.spec.classes === null || c.spec.classes.includes(cls)),
  );
  const pick = (s: RedactionScope) => applies.filter((c) => inScope(c.spec, s)).map((c) => c.rule);
  const errors = pick("errors");
  const t: ToolRedaction = {
    args: pick("args"),
    result: pick("result"),
    errors,
    errorMessage: errors.filter((r) => r.matchers.length > 0).map((r) => ({ ...r, paths: [] })),
    conditional: applies.some((c) => c.rule.when !== null),
  };
  if (a.byTool.size >= MAX_CACHED_TOOLS) a.byTool.clear();
  a.byTool.set(key, t);
  return t;
}

/** The call a conditional rule is evaluated for (§5 roots). */
export interface RedactionCall {
  readonly principal: Principal;
  readonly args: unknown;
  readonly meta: unknown;
  readonly now: number;
  readonly tool: string;
  readonly upstream: string;
  readonly cls: ToolClass | null;
}

/**
 * The rules of `t` whose `when` does not give false for this call (U fires redaction, §5). For
 * the `args` scope `response` is undefined, so a condition over `result`/`response` is unknown
 * there and the rule redacts. Unconditional plans are returned as they are (no allocation).
 */
export function forCall(t: ToolRedaction, call: RedactionCall, response: unknown): ToolRedaction {
  if (!t.conditional) return t;
  const keep = (r: WalkRule) => {
    if (!r.when) return true;
    try {
      return r.when(call.principal, call.args, call.meta, call.now, call.tool, call.upstream, call.cls, response) !== 0;
    } catch {
      return true; // a throwing condition is unknown: redact (fail closed)
    }
  };
  const errors = t.errors.filter(keep);
  return { args: t.args.filter(keep), result: t.result.filter(keep), errors, errorMessage: t.errorMessage.filter(keep), conditional: false };
}

/** Redact `params.arguments`; returns the (possibly new) arguments. */
export function redactArgs(t: ToolRedaction, args: unknown, key: string | null, report: RedactionEntry[]): unknown {
  if (t.args.length === 0 || args === undefined) return args;
  return redactRoot(args, t.args, { scope: "args", key, report, base: "/arguments" });
}

const textRuleCache = new WeakMap<readonly WalkRule[], readonly WalkRule[]>();

/**
 * Plain-text roots: only span rules apply (a path cannot address inside a string). Cached per
 * rule list, so the walker's automaton for them is built once.
 */
function textRules(rules: readonly WalkRule[]): readonly WalkRule[] {
  let t = textRuleCache.get(rules);
  if (!t) {
    t = rules.filter((r) => r.matchers.length > 0).map((r) => ({ ...r, paths: [] }));
    textRuleCache.set(rules, t);
  }
  return t;
}

function redactContentItem(item: unknown, i: number, rules: readonly WalkRule[], scope: string, key: string | null, report: RedactionEntry[]): unknown {
  if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
  const it = item as Record<string, unknown>;
  if (it.type === "text" && typeof it.text === "string") {
    const text = redactText(it.text, rules, scope, key, report, `/content/${i}/text`);
    return text === it.text ? item : { ...it, text };
  }
  if (it.type === "resource" && it.resource !== null && typeof it.resource === "object") {
    const res = it.resource as Record<string, unknown>;
    if (typeof res.text !== "string") return item;
    const text = redactText(res.text, rules, scope, key, report, `/content/${i}/resource/text`);
    return text === res.text ? item : { ...it, resource: { ...res, text } };
  }
  if (it.type === "resource_link" && typeof it.uri === "string") {
    const uri = redactRoot(it.uri, textRules(rules), { scope, key, report, base: `/content/${i}/uri` });
    return uri === it.uri ? item : { ...it, uri };
  }
  return item;
}

/** A text block: JSON (starts with `{`/`[`, ≤ 1 MiB, parses) is walked like structuredContent; else the text is the root. */
function redactText(text: string, rules: readonly WalkRule[], scope: string, key: string | null, report: RedactionEntry[], base: string): string {
  const first = text.trimStart()[0];
  if ((first === "{" || first === "[") && text.length <= MAX_JSON_TEXT) {
    let parsed: unknown;
    let ok = true;
    try {
      parsed = JSON.parse(text);
    } catch {
      ok = false;
    }
    if (ok) {
      const out = redactRoot(parsed, rules, { scope, key, report, base });
      return out === parsed ? text : JSON.stringify(out);
    }
  }
  const out = redactRoot(text, textRules(rules), { scope, key, report, base });
  return typeof out === "string" ? out : "";
}

/**
 * Redact a CallToolResult (structuredContent and content blocks). A text block that is exactly
 * the JSON of structuredContent (the MCP mirror) is not parsed and walked again: it becomes the
 * JSON of the redacted structuredContent. The report lists those changes once, under
 * `/structuredContent` (doubling it for the copy doubled each evidence record's cost).
 */
export function redactResult(t: ToolRedaction, result: unknown, key: string | null, report: RedactionEntry[]): unknown {
  if (t.result.length === 0 || result === null || typeof result !== "object" || Array.isArray(result)) return result;
  const r = result as Record<string, unknown>;
  let out: Record<string, unknown> | null = null;
  let scText: string | undefined;
  let scChanged = false;
  if (r.structuredContent !== undefined) {
    const from = report.length;
    const sc = redactRoot(r.structuredContent, t.result, { scope: "result", key, report, base: "/structuredContent" });
    scChanged = report.length > from;
    if (sc !== r.structuredContent) (out ??= { ...r }).structuredContent = sc;
  }
  if (Array.isArray(r.content)) {
    let changed = false;
    const content = r.content.map((item: unknown, i) => {
      let v: unknown;
      const it = item as { type?: unknown; text?: unknown } | null;
      if (r.structuredContent !== undefined && it !== null && typeof it === "object" && it.type === "text" && typeof it.text === "string" && it.text.length <= MAX_JSON_TEXT) {
        scText ??= safeStringify(r.structuredContent);
        if (it.text === scText) {
          v = scChanged ? { ...it, text: JSON.stringify((out ?? r).structuredContent) } : item;
        }
      }
      v ??= redactContentItem(item, i, t.result, "result", key, report);
      if (v !== item) changed = true;
      return v;
    });
    if (changed) (out ??= { ...r }).content = content;
  }
  return out ?? result;
}

function safeStringify(v: unknown): string | undefined {
  try {
    return JSON.stringify(v);
  } catch {
    return undefined;
  }
}

/** Redact a JSON-RPC error object (message: span rules only; data: paths). */
export function redactError(t: ToolRedaction, error: { code: number; message: string; data?: unknown }, key: string | null, report: RedactionEntry[]): typeof error {
  if (t.errors.length === 0) return error;
  const message = t.errorMessage.length === 0 ? error.message : (redactRoot(error.message, t.errorMessage, { scope: "errors", key, report, base: "/error/message" }) as string);
  const data = error.data === undefined ? undefined : redactRoot(error.data, t.errors, { scope: "errors", key, report, base: "/error/data" });
  if (message === error.message && data === error.data) return error;
  return data === undefined ? { ...error, message } : { ...error, message, data };
}

/** Redact a server→client notification's params (rules with no `on` restriction). */
export function redactNotificationParams(agent: CompiledAgent, params: unknown, key: string | null, report: RedactionEntry[]): unknown {
  const rules = agentRedaction(agent).notifications;
  if (rules.length === 0 || params === undefined) return params;
  return redactRoot(params, rules, { scope: "notifications", key, report, base: "/params" });
}
