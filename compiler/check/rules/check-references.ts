/**
 * Invariant: every name a declaration uses resolves. Unknown teams (in principal `teams`, grants
 * `team T`, `approve … by team T`), unknown principals in grants (`vendor "x"` must be a declared
 * vendor), unknown classes and access words, unknown detectors in `redact … matching`, unknown
 * detector validators (`validate luhn`), unknown redaction scopes, limit dimensions and evidence capture kinds are TAL0301, with a "did you mean"
 * when a declared name is close.
 * An `approve` lowered from seed YAML may name the implicit team `approvers` without a
 * declaration (TAL1104, a warning: the YAML must compile as written, and the approval fails closed).
 * Codes: TAL0301, TAL1104.
 */
import { didYouMean } from "../../diagnostics/suggest.js";
import type { Ident, Targets } from "../../lower/ast.js";
import type { Span } from "../../source/source.js";
import type { CheckContext, CheckRule } from "../context.js";
import { ACCESS, BUILTIN_DETECTORS, CAPTURE, CLASSES, DETECTOR_VALIDATORS, LIMIT_DIMENSIONS, REDACT_SCOPES } from "../vocabulary.js";

/** Report an unknown name; `help` is the fallback hint, `override` wins over "did you mean". */
function unknown(ctx: CheckContext, kind: string, name: string, span: Span, candidates: Iterable<string>, help?: string, override?: string): void {
  const hint = override ?? didYouMean(name, candidates) ?? help;
  ctx.diags.report("TAL0301", span, { args: { kind, name }, ...(hint !== undefined ? { help: hint } : {}) });
}

function checkWords(ctx: CheckContext, kind: string, idents: readonly Ident[], allowed: readonly string[]): void {
  for (const id of idents) if (!allowed.includes(id.name)) unknown(ctx, kind, id.name, id.span, allowed, `expected one of ${allowed.join(", ")}`);
}

function checkTargets(ctx: CheckContext, t: Targets | undefined): void {
  if (t?.kind === "classes") checkWords(ctx, "class", t.classes, CLASSES);
}

/** The rule described at the top of this file. */
export const checkReferences: CheckRule = {
  name: "references",
  run(ctx) {
    const p = ctx.program;
    const teams = [...p.teams.keys()];
    const team = (id: Ident) => {
      if (!p.teams.has(id.name)) unknown(ctx, "team", id.name, id.span, teams);
    };
    const detectors = [...p.detectors.keys(), ...BUILTIN_DETECTORS];
    for (const [, decls] of p.principals) for (const d of decls) d.teams.forEach(team);
    for (const [, decls] of p.detectors) for (const d of decls) checkWords(ctx, "detector validator", d.validators, DETECTOR_VALIDATORS);
    for (const agent of p.agents) {
      for (const { node } of agent.tools) if (node.toolClass) checkWords(ctx, "class", [node.toolClass], CLASSES);
      checkWords(ctx, "evidence capture", agent.capture, CAPTURE);
      for (const { node: rule } of agent.rules) {
        switch (rule.kind) {
          case "grant": {
            const who = rule.who;
            if (who.kind === "team") team(who.team);
            else if (who.kind === "principal") {
              const decl = p.principals.get(who.id.value)?.[0];
              if (!decl || decl.principalKind !== who.principalKind) {
                const same = [...p.principals.values()].map((ds) => ds[0]!).filter((d) => d.principalKind === who.principalKind);
                const kindHelp = decl ? `"${who.id.value}" is declared as a ${decl.principalKind}` : undefined;
                unknown(ctx, who.principalKind, who.id.value, who.id.span, same.map((d) => d.id.value), undefined, kindHelp);
              }
            }
            checkWords(ctx, "access", rule.access, ACCESS);
            break;
          }
          case "approve":
            // The seed YAML names no team; its oversight rules fail closed instead of failing the build.
            if (rule.span.file.endsWith(".yaml") && !p.teams.has(rule.team.name)) {
              ctx.diags.report("TAL1104", rule.team.span, { args: { T: rule.team.name }, help: `declare \`team ${rule.team.name} { approvers "…" }\` in a .talon file of the bundle` });
            } else team(rule.team);
            checkTargets(ctx, rule.targets);
            break;
          case "forbid":
          case "confirm":
          case "idempotent":
            checkTargets(ctx, rule.targets);
            break;
          case "limit":
            checkTargets(ctx, rule.on);
            checkWords(ctx, "limit dimension", rule.by, LIMIT_DIMENSIONS);
            if (rule.principal && !p.principals.has(rule.principal.value)) {
              unknown(ctx, "principal", rule.principal.value, rule.principal.span, p.principals.keys());
            }
            break;
          case "redact":
            checkTargets(ctx, rule.on);
            checkWords(ctx, "redaction scope", rule.scopes, REDACT_SCOPES);
            for (const m of rule.matching) {
              if ("name" in m && !detectors.includes(m.name)) unknown(ctx, "detector", m.name, m.span, detectors);
            }
            break;
          case "block":
            checkTargets(ctx, rule.on);
            break;
        }
      }
    }
  },
};
