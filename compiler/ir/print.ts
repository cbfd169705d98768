/**
 * Printing the IR: `canonicalIr` is what `talonc ir --canonical` prints and what the YAML/.talon
 * equivalence test compares (sorted keys, no `at`, sets and top-level collections sorted);
 * `printIr` is a readable listing for `--dump-after=ir` and humans.
 */
import { canonicalize } from "./canonical.js";
import { policyOf, type AgentIR, type BundleIR, type ExprIR, type RuleIR, type TargetsIR, type WhoIR } from "./ir.js";

/** Canonical JSON of a bundle's policy (indented, sorted, span-free; tests are not policy and left out). */
export function canonicalIr(ir: BundleIR): string {
  return JSON.stringify(canonicalize(policyOf(ir)), null, 2);
}

const q = (s: string) => JSON.stringify(s);

/** An expression in `.talon` surface syntax (fully parenthesized binaries). */
export function printExpr(e: ExprIR): string {
  switch (e.op) {
    case "lit":
      return typeof e.value === "string" ? q(e.value) : String(e.value);
    case "duration":
      return `${e.ms}ms`;
    case "size":
      return `${e.bytes}B`;
    case "money":
      return `${e.micros / 1e6} ${e.currency}`;
    case "regex":
      return `/${e.source}/${e.flags}`;
    case "detector":
      return e.name;
    case "path":
      return (
        e.root +
        e.steps
          .map((s) => (typeof s === "string" ? (/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? `.${s}` : `[${q(s)}]`) : typeof s === "number" ? `[${s}]` : `[${printExpr(s)}]`))
          .join("")
      );
    case "list":
      return `[${e.items.map(printExpr).join(", ")}]`;
    case "object":
      return `{ ${e.entries.map(([k, v]) => `${q(k)}: ${printExpr(v)}`).join(", ")} }`;
    case "not":
      return `!${printExpr(e.operand)}`;
    case "neg":
      return `-${printExpr(e.operand)}`;
    case "binary":
      return `(${printExpr(e.left)} ${e.kind} ${printExpr(e.right)})`;
    case "in_range":
      return `(${printExpr(e.value)} in ${printExpr(e.low)}..${printExpr(e.high)})`;
    case "call":
      return `${e.target ? `${printExpr(e.target)}.` : ""}${e.fn}(${e.args.map(printExpr).join(", ")})`;
  }
}

function printTargets(t: TargetsIR): string {
  return t.kind === "tools" ? `tool ${t.refs.map(q).join(", ")}` : `class ${t.classes.join(", ")}`;
}

function printWho(w: WhoIR): string {
  return w.kind === "principal" ? `${w.principalKind} ${q(w.id)}` : w.kind === "team" ? `team ${w.team}` : "anyone";
}

const when = (e: ExprIR | null) => (e ? ` when ${printExpr(e)}` : "");

/** One rule on one line, like its source. */
export function printRule(r: RuleIR): string {
  switch (r.kind) {
    case "forbid":
      return `forbid ${printTargets(r.targets)}${when(r.when)}`;
    case "grant":
      return `grant ${printWho(r.who)} ${r.access.join(", ")} on ${r.on.map(q).join(", ")}${when(r.when)}`;
    case "approve":
      return `approve ${printTargets(r.targets)}${when(r.when)} by team ${r.team} { timeout ${r.timeoutMs === null ? "none" : `${r.timeoutMs}ms`} quorum ${r.quorum} ${r.wait} }`;
    case "confirm":
      return `confirm ${printTargets(r.targets)}${when(r.when)} via ${r.via}`;
    case "limit":
      return `limit rate ${r.rate} per ${r.perMs}ms burst ${r.burst} by ${r.by.join(", ") || "(none)"}${r.on ? ` on ${printTargets(r.on)}` : ""}${r.principal ? ` for ${q(r.principal)}` : ""}`;
    case "idempotent":
      return `idempotent ${printTargets(r.targets)} key ${r.key.map(printExpr).join(", ") || "(default)"} window ${r.windowMs}ms on_duplicate ${r.onDuplicate}`;
    case "redact": {
      const matching = r.matching.length ? ` matching ${r.matching.map((m) => (m.kind === "regex" ? `/${m.source}/${m.flags}` : m.name)).join(", ")}` : "";
      const args = r.method.args.length ? `(${r.method.args.map((a) => JSON.stringify(a)).join(", ")})` : "";
      return `redact ${r.paths.join(", ")}${matching} with ${r.method.name}${args} in ${r.scopes.join(", ")}${r.on ? ` on ${printTargets(r.on)}` : ""}${when(r.when)}`;
    }
    case "block":
      return `block response${r.on ? ` on ${printTargets(r.on)}` : ""}${when(r.when)}`;
  }
}

function printAgent(a: AgentIR): string[] {
  const up = a.upstream;
  const lines = [`agent ${q(a.name)}  # ${a.at}`];
  lines.push(`  mode ${a.mode}  posture ${a.posture}${a.trustAnnotations ? "  trust_annotations" : ""}`);
  lines.push(
    `  upstream ${up.transport === "http" ? q(up.url) : up.transport === "stdio" ? `stdio [${up.argv.map(q).join(", ")}]` : `unix ${q(up.path)}`}${up.vendor ? ` vendor ${q(up.vendor)}` : ""}`,
  );
  if (a.upstreamAuth) {
    const s = a.upstreamAuth.secret;
    lines.push(`  upstream_auth ${a.upstreamAuth.scheme}${s ? ` ${s.kind}(${q(s.value)})` : ""} header ${q(a.upstreamAuth.header)}`);
  }
  for (const t of a.tools) {
    lines.push(`  tool ${q(t.name)}${t.upstream !== null ? ` -> ${q(t.upstream)}` : ""} class ${t.class ?? "(undeclared: destructive)"}  # ${t.at}`);
  }
  for (const r of a.rules) {
    lines.push(`  [${r.id}] ${printRule(r)}${r.reason !== null ? `  @reason(${q(r.reason)})` : ""}  # ${r.at}`);
  }
  if (a.compliance) lines.push(`  compliance frameworks ${a.compliance.frameworks.join(", ")} retention ${a.compliance.auditRetentionDays ?? "-"}d`);
  if (a.evidence) lines.push(`  evidence capture ${a.evidence.capture.join(", ")}${a.evidence.sink ? ` sink ${q(a.evidence.sink)}` : ""}`);
  return lines;
}

/** A readable listing of the whole bundle. */
export function printIr(ir: BundleIR): string {
  const lines: string[] = [];
  ir.principals.forEach((p, i) => {
    const token = p.token ? ` token ${p.token.kind}(${q(p.token.value)})` : "";
    const tools = p.tools ? ` tools ${p.tools.map(q).join(", ")}` : "";
    const teams = p.teams.length ? ` teams ${p.teams.join(", ")}` : "";
    lines.push(`${p.kind} ${q(p.id)} #${i}${token}${p.oidcSub ? ` oidc sub ${q(p.oidcSub)}` : ""}${tools}${teams}  # ${p.at}`);
  });
  for (const t of ir.teams) lines.push(`team ${t.name} members ${t.members.map(q).join(", ") || "-"} approvers ${t.approvers.map(q).join(", ") || "-"}  # ${t.at}`);
  for (const s of ir.secrets) lines.push(`secret ${s.name} = ${s.ref.kind}(${q(s.ref.value)})  # ${s.at}`);
  for (const d of ir.detectors) lines.push(`detector ${d.name} ${d.patterns.map((p) => `/${p.source}/${p.flags}`).join(" ")}  # ${d.at}`);
  for (const a of ir.agents) lines.push(...printAgent(a));
  for (const t of ir.tests) lines.push(`test ${q(t.name)} on ${q(t.agent)}: ${t.steps.length} statement(s)  # ${t.at}`);
  return lines.join("\n") + "\n";
}
