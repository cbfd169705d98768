/**
 * Lowering the checked program to the IR (`ir.ts`): defaults applied (mode intercept, posture
 * read_only, upstream_auth header "Authorization", …), agents merged, rules lowered with their ids,
 * collections deduplicated, principals/teams/secrets/detectors sorted by name. Reports what only
 * lowering can see (unknown expression roots TAL0305, rule-id collisions TAL0302). Returns
 * undefined when the bundle has errors: an IR is only ever built from a valid program.
 */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { SecretRef, ToolItem } from "../lower/ast.js";
import { spanRef, type Span } from "../source/source.js";
import { scalar, type MergedAgent } from "../check/agents.js";
import type { Program } from "../check/program.js";
import { CLASSES, isOneOf } from "../check/vocabulary.js";
import { canonicalJson } from "./canonical.js";
import type { AgentIR, BundleIR, PrincipalIR, RuleIR, SecretRefIR, TeamIR, ToolIR, ToolClass, UpstreamIR } from "./ir.js";
import { literalScope, lowerExpr, type ExprScope } from "./lower-expr.js";
import { lowerRule } from "./lower-rule.js";
import { lowerTests } from "./lower-tests.js";

const secretRef = (r: SecretRef): SecretRefIR => ({ kind: r.kind, value: r.value });
const unique = (xs: readonly string[]) => [...new Set(xs)];
const byName = <T extends { name: string }>(a: T, b: T) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function lowerTools(items: readonly ToolItem[]): ToolIR[] {
  const out: ToolIR[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const ref of item.refs) {
      const glob = ref.name.includes("*");
      const up = item.upstream?.value;
      const cls = item.toolClass?.name;
      const tool: ToolIR = {
        name: ref.name,
        glob,
        upstream: !glob && up !== undefined && up !== ref.name ? up : null,
        class: cls !== undefined && isOneOf(CLASSES, cls) ? (cls as ToolClass) : null,
        paths: item.paths.map((p) => p.text),
        schema: item.schema?.value ?? null,
        at: spanRef(ref.span),
      };
      // The same exposure written twice (e.g. in a YAML agent and its .talon extension) is one.
      const key = canonicalJson(tool);
      if (!seen.has(key)) out.push(tool);
      seen.add(key);
    }
  }
  return out;
}

function lowerUpstream(agent: MergedAgent): UpstreamIR | undefined {
  const u = scalar(agent, "upstream");
  if (!u) return undefined;
  const vendor = u.vendor?.value ?? null;
  if (u.transport === "http") return { transport: "http", url: u.url.value, vendor };
  if (u.transport === "stdio") return { transport: "stdio", argv: u.argv.map((a) => a.value), vendor };
  return { transport: "unix", path: u.path.value, vendor };
}

/** Where each rule id was assigned, for the bundle-wide uniqueness check. */
type IdSites = Map<string, { readonly span: Span; readonly explicit: boolean }>;

function lowerRules(program: Program, agent: MergedAgent, diags: Diagnostics, ids: IdSites): RuleIR[] {
  const out: RuleIR[] = [];
  const local = new Map<string, RuleIR>();
  for (const { node, file } of agent.rules) {
    const scope: ExprScope = { ...literalScope(program, diags), allowRoots: true, argsScope: file.origin === "yaml" };
    const rule = lowerRule(node, agent.name, scope);
    const idAnn = node.annotations.find((a) => a.name === "id");
    const explicit = idAnn !== undefined;
    const prev = local.get(rule.id);
    // Identical rules get identical default ids: written twice (a YAML agent and its .talon
    // extension), they are one rule, as collections are unioned.
    if (prev && !explicit && canonicalJson({ ...prev, at: "" }) === canonicalJson({ ...rule, at: "" })) continue;
    const site = ids.get(rule.id);
    if (site) {
      // Two explicit duplicates are reported by check-rule-ids; anything else is reported here.
      if (!(site.explicit && explicit)) {
        diags.report("TAL0302", idAnn?.span ?? node.span, { args: { kind: "rule id", name: rule.id }, related: [{ span: site.span, message: "first defined here" }] });
      }
      continue;
    }
    ids.set(rule.id, { span: idAnn?.span ?? node.span, explicit });
    local.set(rule.id, rule);
    out.push(rule);
  }
  return out;
}

function lowerAgent(program: Program, agent: MergedAgent, diags: Diagnostics, ids: IdSites): AgentIR | undefined {
  const upstream = lowerUpstream(agent);
  if (!upstream) return undefined;
  const ua = scalar(agent, "upstream_auth");
  const auth = scalar(agent, "auth");
  const retention = scalar(agent, "audit_retention");
  const sink = scalar(agent, "sink");
  const catalog = scalar(agent, "catalog");
  const hasItem = (kind: string) => agent.items.some((i) => i.node.kind === kind);
  const records = (prefix: string) => {
    const out: Record<string, unknown> = {};
    for (const [key, occs] of agent.scalars) {
      if (!key.startsWith(prefix)) continue;
      const e = occs[0]!.value as { value: unknown };
      const v = e.value;
      out[key.slice(prefix.length)] = v !== null && typeof v === "object" && "value" in v ? (v as { value: unknown }).value : v;
    }
    return out;
  };
  const roots = agent.roots.map(({ node }) => ({ name: node.name.name, path: node.path.value, access: node.access, at: spanRef(node.span) }));
  return {
    name: agent.name,
    mode: scalar(agent, "mode")?.value ?? "intercept",
    posture: scalar(agent, "posture")?.value ?? "read_only",
    upstream,
    upstreamAuth: ua ? { scheme: ua.scheme, header: ua.header?.value ?? "Authorization", secret: ua.secret ? secretRef(ua.secret) : null } : null,
    tools: lowerTools(agent.tools.map((t) => t.node)),
    rules: lowerRules(program, agent, diags, ids),
    compliance: hasItem("compliance") ? { frameworks: unique(agent.frameworks.map((f) => f.name)), auditRetentionDays: retention ? retention.ms / 86_400_000 : null } : null,
    evidence: hasItem("evidence") ? { capture: unique(agent.capture.map((c) => c.name)), sink: sink?.value ?? null } : null,
    tls: hasItem("tls") ? (records("tls.") as Record<string, string | boolean>) : null,
    auth: auth ? { scheme: auth.scheme, issuer: auth.issuer?.value ?? null, audience: auth.audience?.value ?? null } : null,
    trustAnnotations: scalar(agent, "trust_annotations")?.value ?? false,
    requireListed: scalar(agent, "require_listed")?.value ?? true,
    realpathCheck: scalar(agent, "realpath_check")?.value ?? false,
    blobs: scalar(agent, "blobs")?.value ?? null,
    allowMethods: unique(agent.allowMethods.map((m) => m.value)),
    limits: records("limits.") as Record<string, number>,
    catalog: catalog ? { path: catalog.path.value, strict: catalog.strict } : null,
    roots,
    denyPaths: unique(agent.denyPaths.map((d) => d.value)),
    at: spanRef(agent.parts[0]!.decl.span),
  };
}

/** Lower a checked program. Returns undefined (and reports nothing new) if `diags` already has errors. */
export function lowerProgram(program: Program, diags: Diagnostics): BundleIR | undefined {
  if (diags.hasErrors) return undefined;
  const lit = literalScope(program, diags);
  const principals: PrincipalIR[] = [...program.principals.values()]
    .map((ds) => ds[0]!)
    .map((d) => ({
      id: d.id.value,
      kind: d.principalKind,
      token: d.token ? secretRef(d.token) : null,
      oidcSub: d.oidcSub?.value ?? null,
      tools: d.tools ? d.tools.map((t) => t.name) : null,
      teams: unique(d.teams.map((t) => t.name)),
      attrs: d.attrs ? lowerExpr(d.attrs, lit) : null,
      at: spanRef(d.span),
    }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const teams: TeamIR[] = [...program.teams.values()]
    .map((ds) => ds[0]!)
    .map((t) => ({
      name: t.name.name,
      members: unique(t.members.map((m) => m.value)),
      approvers: unique(t.approvers.map((a) => a.value)),
      claims: t.claims.map((c) => ({ key: c.key.value, value: c.value.value })),
      at: spanRef(t.span),
    }))
    .sort(byName);
  const secrets = [...program.secrets.values()].map((ds) => ds[0]!).map((s) => ({ name: s.name.name, ref: secretRef(s.ref), at: spanRef(s.span) })).sort(byName);
  const detectors = [...program.detectors.values()]
    .map((ds) => ds[0]!)
    .map((d) => ({ name: d.name.name, patterns: d.patterns.map((p) => ({ source: p.source, flags: p.flags })), validators: d.validators.map((v) => v.name), at: spanRef(d.span) }))
    .sort(byName);
  // Consts are inlined where used; lowering each once here reports problems in unused ones too.
  for (const [, ds] of program.consts) lowerExpr(ds[0]!.value, lit);
  const ids: IdSites = new Map();
  const agents = program.agents.map((a) => lowerAgent(program, a, diags, ids)).filter((a): a is AgentIR => a !== undefined);
  const tests = lowerTests(program, agents, diags);
  if (diags.hasErrors) return undefined;
  return { version: 1, principals, teams, secrets, agents, detectors, tests };
}
