/**
 * A vendor YAML's AST (compiler/lower/yaml-to-ast.ts) printed as an idiomatic `.talon` file, in
 * the shape of examples/zendesk-vendor-proxy/seed/*.talon: `talon 1`, principals, then the agent
 * with its items in the lowering's order. Everything the YAML lowering adds implicitly (posture,
 * `grant anyone all`, `args.` on condition fields) is in the AST already, so it is printed
 * explicitly. Nodes a YAML file cannot produce are refused with `Unprintable`.
 */
import type { AgentDecl, AgentItem, Cond, FieldPath, FileAst, Method, PrincipalDecl, Rule, SecretRef, Targets, ToolRef } from "../lower/ast.js";
import { parseFieldPath } from "../lower/yaml-field-path.js";
import { printExpr, printLiteral, Unprintable } from "./print-expr.js";
import { isNameToken, isRepresentableString, nameOrString, quoteString, regexLiteral } from "./quote.js";

const IND = "  ";

function str(s: string): string {
  if (!isRepresentableString(s)) throw new Unprintable(`string ${JSON.stringify(s)} holds a lone surrogate`);
  return quoteString(s);
}

function ref(r: ToolRef): string {
  if (!isRepresentableString(r.name)) throw new Unprintable(`tool name ${JSON.stringify(r.name)} holds a lone surrogate`);
  return nameOrString(r.name);
}

function ident(name: string, what: string): string {
  if (!isNameToken(name)) throw new Unprintable(`${what} \`${name}\` is not a name`);
  return name;
}

function secret(s: SecretRef): string {
  return `${s.kind}(${str(s.value)})`;
}

function targets(t: Targets): string {
  return t.kind === "tools" ? `tool ${t.refs.map(ref).join(", ")}` : `class ${t.classes.map((c) => c.name).join(", ")}`;
}

function cond(c: Cond | undefined): string {
  return c === undefined ? "" : ` ${c.negated ? "unless" : "when"} ${printExpr(c.expr)}`;
}

/**
 * A redaction path. The IR keeps the path text as written, so the YAML text is printed verbatim
 * when `.talon` reads it to the same segments; otherwise the IR could not match.
 */
function fieldPath(p: FieldPath): string {
  const reread = parseFieldPath(p.text);
  const plain = /^(\*\*|\*|[A-Za-z_][A-Za-z0-9_]*|\[("[^"\\]*"|'[^'\\]*')\])(\.(\*\*|\*|[A-Za-z_][A-Za-z0-9_]*)|\[(\*|0|[1-9][0-9]*|"[^"\\]*"|'[^'\\]*')\])*$/;
  if (!reread.ok || !plain.test(p.text)) throw new Unprintable(`field path \`${p.text}\` has no .talon spelling with the same text`, p.span);
  return p.text;
}

function method(m: Method): string {
  const name = ident(m.name.name, "redaction method");
  return m.args.length === 0 ? name : `${name}(${m.args.map(printLiteral).join(", ")})`;
}

function annotations(r: { readonly annotations: readonly { name: string; value: string }[] }): string {
  return r.annotations.map((a) => `@${ident(a.name, "annotation")}(${str(a.value)}) `).join("");
}

function rule(r: Rule): string {
  const head = annotations(r);
  switch (r.kind) {
    case "forbid":
      return `${head}forbid ${targets(r.targets)}${cond(r.cond)}`;
    case "grant": {
      const who = r.who.kind === "anyone" ? "anyone" : r.who.kind === "team" ? `team ${ident(r.who.team.name, "team")}` : `${r.who.principalKind} ${str(r.who.id.value)}`;
      return `${head}grant ${who} ${r.access.map((a) => a.name).join(", ")} on ${r.on.map(ref).join(", ")}${cond(r.cond)}`;
    }
    case "approve": {
      const opts = [
        r.timeout ? `timeout ${r.timeout.text}` : "",
        r.onTimeout ? `on_timeout ${r.onTimeout}` : "",
        r.quorum !== undefined ? `quorum ${r.quorum}` : "",
        r.wait ?? "",
      ].filter((x) => x !== "");
      const block = opts.length === 0 ? "" : ` { ${opts.join("  ")} }`;
      return `${head}approve ${targets(r.targets)}${cond(r.cond)} by team ${ident(r.team.name, "team")}${block}`;
    }
    case "redact": {
      const matching = r.matching.map((m) => {
        if (!("kind" in m)) return ident(m.name, "detector");
        const lit = regexLiteral(m.source, m.flags);
        if (lit === undefined) throw new Unprintable(`pattern ${JSON.stringify(m.source)} cannot be written verbatim as a .talon regex literal (a \`/\` outside a character class, a line break or a trailing \`\\\`)`, m.span);
        return lit;
      });
      return [
        `${head}redact ${r.paths.map(fieldPath).join(", ")}`,
        matching.length ? ` matching ${matching.join(", ")}` : "",
        ` with ${method(r.method)}`,
        r.scopes.length ? ` in ${r.scopes.map((s) => s.name).join(", ")}` : "",
        r.on ? ` on ${targets(r.on)}` : "",
        cond(r.cond),
      ].join("");
    }
    case "limit": {
      return [
        `${head}limit ${r.principal !== undefined ? `vendor ${str(r.principal.value)} ` : ""}rate ${r.rate} per ${r.per.text}`,
        r.burst !== undefined ? ` burst ${r.burst}` : "",
        r.by.length ? ` by ${r.by.map((b) => b.name).join(", ")}` : "",
        r.on ? ` on ${targets(r.on)}` : "",
      ].join("");
    }
    default:
      throw new Unprintable(`a \`${r.kind}\` rule does not come from vendor YAML`);
  }
}

function item(it: AgentItem): string {
  switch (it.kind) {
    case "mode":
      return `mode ${it.value}`;
    case "upstream": {
      const vendor = it.vendor ? ` vendor ${str(it.vendor.value)}` : "";
      if (it.transport === "http") return `upstream ${str(it.url.value)}${vendor}`;
      if (it.transport === "unix") return `upstream unix ${str(it.path.value)}${vendor}`;
      return `upstream stdio [${it.argv.map((a) => str(a.value)).join(", ")}]${vendor}`;
    }
    case "upstream_auth": {
      const header = it.header ? ` header ${str(it.header.value)}` : "";
      if (it.scheme === "passthrough") return `upstream_auth passthrough${header}`;
      if (!it.secret) throw new Unprintable("`upstream_auth bearer` without a secret");
      return `upstream_auth bearer ${secret(it.secret)}${header}`;
    }
    case "posture":
      return `posture ${it.value}`;
    case "tool": {
      if (it.toolClass || it.paths.length > 0 || it.schema) throw new Unprintable("a tool with a class, paths or schema does not come from vendor YAML");
      return `${annotations(it)}tool ${it.refs.map(ref).join(", ")}${it.upstream ? ` -> ${str(it.upstream.value)}` : ""}`;
    }
    case "compliance": {
      const parts = [
        it.frameworks.length ? `frameworks ${it.frameworks.map((f) => ident(f.name, "framework")).join(", ")}` : "",
        it.auditRetention ? `audit_retention ${it.auditRetention.text}` : "",
      ].filter((x) => x !== "");
      return parts.length === 0 ? "compliance {}" : `compliance { ${parts.join("  ")} }`;
    }
    case "evidence": {
      const parts = [it.capture.length ? `capture ${it.capture.map((c) => c.name).join(", ")}` : "", it.sink ? `sink ${str(it.sink.value)}` : ""].filter((x) => x !== "");
      return parts.length === 0 ? "evidence {}" : `evidence { ${parts.join("  ")} }`;
    }
    case "tls": {
      const entries = it.entries.map((e) => `${ident(e.name.name, "tls key")} ${typeof e.value === "boolean" ? String(e.value) : str(e.value.value)}`);
      return entries.length === 0 ? "tls {}" : `tls { ${entries.join("  ")} }`;
    }
    case "forbid":
    case "grant":
    case "approve":
    case "confirm":
    case "limit":
    case "idempotent":
    case "redact":
    case "block":
      return rule(it);
    default:
      throw new Unprintable(`agent item \`${it.kind}\` does not come from vendor YAML`);
  }
}

function agent(a: AgentDecl): string {
  const lines = a.items.map((it) => IND + item(it));
  return `${annotations(a)}agent ${str(a.name.value)} {\n${lines.join("\n")}\n}`;
}

function principal(p: PrincipalDecl): string {
  if (p.literalToken) throw new Unprintable(`vendor ${JSON.stringify(p.id.value)} has a literal token; use \`\${VAR}\``, p.literalToken.span);
  const parts = [
    p.token ? `token ${secret(p.token)}` : "",
    p.oidcSub ? `oidc sub ${str(p.oidcSub.value)}` : "",
    p.tools !== undefined ? `tools ${p.tools.map(ref).join(", ")}` : "",
    p.teams.length ? `teams ${p.teams.map((t) => ident(t.name, "team")).join(", ")}` : "",
  ].filter((x) => x !== "");
  if (p.tools !== undefined && p.tools.length === 0) throw new Unprintable(`vendor ${JSON.stringify(p.id.value)} has an empty \`allowed_tools\`, which .talon cannot write`, p.span);
  if (p.attrs) parts.push(`attrs ${printExpr(p.attrs)}`);
  const body = parts.length === 0 ? "{}" : `{ ${parts.join("  ")} }`;
  return `${annotations(p)}${p.principalKind} ${str(p.id.value)} ${body}`;
}

/** Print a YAML-lowered file. `notes` become `#` comment lines after `talon 1`. */
export function printFile(file: FileAst, notes: readonly string[] = []): string {
  const out: string[] = ["talon 1"];
  for (const n of notes) out.push(`# ${n}`);
  const principals = file.decls.filter((d): d is PrincipalDecl => d.kind === "principal");
  for (const p of principals) out.push(principal(p));
  for (const d of file.decls) {
    if (d.kind === "agent") out.push(agent(d));
    else if (d.kind !== "principal") throw new Unprintable(`a \`${d.kind}\` declaration does not come from vendor YAML`);
  }
  return out.join("\n") + "\n";
}
