/**
 * Vendor YAML (seed 002) → AST, following LANGUAGE.md §9's key mapping. The result is the AST the
 * `.talon` twin of the same config parses to, modulo spans and item order, so `check` sees one
 * language. The agent's items come out in a fixed order: mode, upstream, upstream_auth, posture,
 * tools, forbids, grant, redacts, compliance, approves, evidence, tls, limits; `proxy.auth.tokens`
 * become top-level `vendor` principals.
 *
 * A YAML agent states neither posture nor grants, so lowering adds `posture read_write` and
 * `grant anyone all on <allowed tools>` (TAL0705): the seed proxy's meaning, allowed ∩ token scope
 * ∩ ¬forbidden.
 */
import { envVarOf } from "../config/interpolation.js";
import type { ConfigPath, YamlLocator } from "../config/locate.js";
import type { ProxyConfig, TlsConfig, VendorConfig } from "../config/schema.js";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { AgentDecl, AgentItem, ComplianceItem, EvidenceItem, FileAst, Ident, PrincipalDecl, TlsItem, UpstreamAuthItem } from "./ast.js";
import { identAt, lowerApprovals, lowerForbids, lowerGrant, lowerLimits, lowerRedactions, lowerTools, strAt } from "./yaml-rules.js";

/** Lower a validated vendor config. Diagnostics: TAL0705, TAL0706, TAL0707 notes; TAL1002, TAL1005 security warnings; TAL0601 and condition parse errors. */
export function yamlToAst(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): FileAst {
  const agent = lowerAgent(config, loc, diags);
  const principals = lowerPrincipals(config.proxy, loc);
  if (config.proxy.auth?.required === false) {
    diags.report("TAL1005", loc.value(["proxy", "auth", "required"]), {
      args: { a: config.agent.name },
      help: "set `required: true` and give each vendor a token",
    });
  }
  const text = loc.source.text;
  return { kind: "file", path: loc.source.path, origin: "yaml", version: 1, imports: [], decls: [agent, ...principals], span: loc.source.span(0, text.length) };
}

function lowerAgent(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): AgentDecl {
  const { proxy } = config;
  const name = strAt(loc, ["agent", "name"], config.agent.name);
  diags.report("TAL0705", name.span, { args: { a: config.agent.name } });
  const items: AgentItem[] = [];
  if (proxy.mode !== undefined) items.push({ kind: "mode", value: proxy.mode, span: loc.value(["proxy", "mode"]) });
  const up = proxy.upstream;
  items.push({
    kind: "upstream",
    transport: "http",
    url: strAt(loc, ["proxy", "upstream", "url"], up.url),
    vendor: up.vendor === undefined ? undefined : strAt(loc, ["proxy", "upstream", "vendor"], up.vendor),
    span: loc.entry(["proxy", "upstream"]),
  });
  const upstreamAuth = lowerUpstreamAuth(proxy, loc, diags);
  if (upstreamAuth) items.push(upstreamAuth);
  items.push({ kind: "posture", value: "read_write", span: loc.value(["agent", "type"]) });
  items.push(...lowerTools(proxy, loc), ...lowerForbids(proxy, loc), ...lowerGrant(proxy, loc), ...lowerRedactions(config, loc, diags));
  const compliance = lowerCompliance(config, loc, diags);
  if (compliance) items.push(compliance);
  items.push(...lowerApprovals(config, loc, diags));
  const evidence = lowerEvidence(config, loc);
  if (evidence) items.push(evidence);
  if (proxy.tls) items.push(lowerTls(proxy.tls, loc));
  items.push(...lowerLimits(proxy, loc));
  return { kind: "agent", annotations: [], name, items, span: loc.entry(["agent"]) };
}

/** `auth {type: bearer, value: "${VAR}"}` → bearer env(VAR); without `value` the client's token passes through (TAL1002). */
function lowerUpstreamAuth(proxy: ProxyConfig, loc: YamlLocator, diags: Diagnostics): UpstreamAuthItem | undefined {
  const auth = proxy.upstream.auth;
  if (!auth) return undefined;
  const path: ConfigPath = ["proxy", "upstream", "auth"];
  const header = auth.header === undefined ? undefined : strAt(loc, [...path, "header"], auth.header);
  const span = loc.entry(path);
  const variable = auth.value === undefined ? undefined : envVarOf(auth.value);
  if (variable === undefined) {
    // A literal `value` was already reported (TAL1001) by validation; here only "no value" remains.
    diags.report("TAL1002", loc.key(path), { help: 'give Talon its own upstream credential: `value: "${UPSTREAM_TOKEN}"`' });
    return { kind: "upstream_auth", scheme: "passthrough", secret: undefined, header, span };
  }
  const secret = { kind: "env" as const, value: variable, span: loc.value([...path, "value"]) };
  return { kind: "upstream_auth", scheme: "bearer", secret, header, span };
}

/** `compliance { frameworks …  audit_retention Nd }`; `audit_retention: N` is N days (TAL0706). */
function lowerCompliance(config: VendorConfig, loc: YamlLocator, diags: Diagnostics): ComplianceItem | undefined {
  const c = config.compliance;
  if (!c || (c.frameworks === undefined && c.audit_retention === undefined)) return undefined;
  const frameworks = (c.frameworks ?? []).map((f, i) => identAt(loc, ["compliance", "frameworks", i], f));
  let auditRetention: ComplianceItem["auditRetention"];
  if (c.audit_retention !== undefined) {
    const n = c.audit_retention;
    const span = loc.value(["compliance", "audit_retention"]);
    auditRetention = { ms: n * 86_400_000, text: `${n}d`, span };
    diags.report("TAL0706", span, { args: { n } });
  }
  return { kind: "compliance", frameworks, auditRetention, span: loc.entry(["compliance"]) };
}

/** `evidence { capture requests, responses, redactions }`, listing the `capture_*` keys that are true. */
function lowerEvidence(config: VendorConfig, loc: YamlLocator): EvidenceItem | undefined {
  const e = config.evidence;
  if (!e) return undefined;
  const capture: Ident[] = [];
  const keys = [
    ["capture_requests", "requests"],
    ["capture_responses", "responses"],
    ["capture_redactions", "redactions"],
  ] as const;
  for (const [key, name] of keys) if (e[key] === true) capture.push(identAt(loc, ["evidence", key], name, "key"));
  return { kind: "evidence", capture, sink: undefined, span: loc.entry(["evidence"]) };
}

/** `proxy.tls` entries, carried verbatim in YAML order. */
function lowerTls(tls: TlsConfig, loc: YamlLocator): TlsItem {
  const entries = Object.entries(tls).map(([name, value]) => {
    const path: ConfigPath = ["proxy", "tls", name];
    return {
      name: identAt(loc, path, name, "key"),
      value: typeof value === "boolean" ? value : strAt(loc, path, value),
      span: loc.entry(path),
    };
  });
  return { kind: "tls", entries, span: loc.entry(["proxy", "tls"]) };
}

/** `proxy.auth.tokens[]` → `vendor "<v>" { token env(..)  tools … }`; a literal token is kept for check's TAL1001. */
function lowerPrincipals(proxy: ProxyConfig, loc: YamlLocator): PrincipalDecl[] {
  return (proxy.auth?.tokens ?? []).map((t, i) => {
    const path: ConfigPath = ["proxy", "auth", "tokens", i];
    const variable = envVarOf(t.token);
    const tokenSpan = loc.value([...path, "token"]);
    const tools = t.allowed_tools?.map((name, j) => ({ name, span: loc.value([...path, "allowed_tools", j]) }));
    return {
      kind: "principal",
      annotations: [],
      principalKind: "vendor",
      id: strAt(loc, [...path, "vendor"], t.vendor),
      token: variable === undefined ? undefined : { kind: "env", value: variable, span: tokenSpan },
      oidcSub: undefined,
      tools,
      teams: [],
      attrs: undefined,
      ...(variable === undefined ? { literalToken: { value: t.token, span: tokenSpan } } : {}),
      span: loc.value(path),
    };
  });
}
