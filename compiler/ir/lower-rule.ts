/**
 * Lowering one rule (§4) to `RuleIR`: defaults applied (approve quorum 1 / wait hold, confirm via
 * elicitation_or_token, limit burst `max(1, ceil(N·1s/per))`, idempotent on_duplicate replay,
 * redact scopes all), names resolved, conditions lowered, and the id assigned (`@id` or default).
 */
import type { Literal, Rule, Targets } from "../lower/ast.js";
import { spanRef } from "../source/source.js";
import { ACCESS, CLASSES, REDACT_SCOPES, isOneOf } from "../check/vocabulary.js";
import type { RuleIR, TargetsIR, ToolClass } from "./ir.js";
import { lowerCond, lowerExpr, type ExprScope } from "./lower-expr.js";
import { defaultRuleId, type RuleBody } from "./rule-id.js";

function targets(t: Targets): TargetsIR {
  if (t.kind === "tools") return { kind: "tools", refs: t.refs.map((r) => r.name) };
  return { kind: "classes", classes: t.classes.map((c) => c.name).filter((c): c is ToolClass => isOneOf(CLASSES, c)) };
}

function literalValue(l: Literal): string | number | boolean | null {
  switch (l.kind) {
    case "null":
      return null;
    case "bool":
    case "number":
    case "string":
      return l.value;
    case "duration":
      return l.ms;
    case "size":
      return l.bytes;
    case "money":
      return l.micros;
  }
}

/** The rule's content, without id/reason/at. `scope` resolves its expressions. */
function body(rule: Rule, scope: ExprScope): RuleBody {
  switch (rule.kind) {
    case "forbid":
      return { kind: "forbid", targets: targets(rule.targets), when: lowerCond(rule.cond, scope) };
    case "grant": {
      const w = rule.who;
      return {
        kind: "grant",
        who: w.kind === "principal" ? { kind: "principal", principalKind: w.principalKind, id: w.id.value } : w.kind === "team" ? { kind: "team", team: w.team.name } : { kind: "anyone" },
        access: rule.access.map((a) => a.name).filter((a): a is ToolClass | "all" => isOneOf(ACCESS, a)),
        on: rule.on.map((r) => r.name),
        when: lowerCond(rule.cond, scope),
      };
    }
    case "approve":
      return {
        kind: "approve",
        targets: targets(rule.targets),
        when: lowerCond(rule.cond, scope),
        team: rule.team.name,
        timeoutMs: rule.timeout?.ms ?? null,
        quorum: rule.quorum ?? 1,
        wait: rule.wait ?? "hold",
      };
    case "confirm":
      return { kind: "confirm", targets: targets(rule.targets), when: lowerCond(rule.cond, scope), via: rule.via ?? "elicitation_or_token" };
    case "limit": {
      const perMs = rule.per.ms;
      const burst = rule.burst ?? (perMs > 0 ? Math.max(1, Math.ceil((rule.rate * 1000) / perMs)) : 1);
      return {
        kind: "limit",
        rate: rule.rate,
        perMs,
        burst,
        by: rule.by.map((b) => b.name),
        on: rule.on ? targets(rule.on) : null,
        principal: rule.principal?.value ?? null,
      };
    }
    case "idempotent":
      return {
        kind: "idempotent",
        targets: targets(rule.targets),
        key: rule.key.map((k) => lowerExpr(k, scope)),
        windowMs: rule.window.ms,
        onDuplicate: rule.onDuplicate ?? "replay",
      };
    case "redact": {
      const rscope = { ...scope, allowResponse: true };
      return {
        kind: "redact",
        paths: rule.paths.map((p) => p.text),
        matching: rule.matching.map((m) => ("name" in m ? { kind: "detector" as const, name: m.name } : { kind: "regex" as const, source: m.source, flags: m.flags })),
        method: { name: rule.method.name.name, args: rule.method.args.map(literalValue) },
        scopes: rule.scopes.length > 0 ? rule.scopes.map((s) => s.name) : [...REDACT_SCOPES],
        on: rule.on ? targets(rule.on) : null,
        when: lowerCond(rule.cond, rscope),
      };
    }
    case "block": {
      const when = lowerCond(rule.cond, { ...scope, allowResponse: true });
      return { kind: "block", on: rule.on ? targets(rule.on) : null, when: when ?? { op: "lit", value: true } };
    }
  }
}

/** Lower a rule of agent `agent`. */
export function lowerRule(rule: Rule, agent: string, scope: ExprScope): RuleIR {
  const b = body(rule, scope);
  const explicit = rule.annotations.find((a) => a.name === "id")?.value;
  const reason = rule.annotations.find((a) => a.name === "reason")?.value ?? null;
  const id = explicit ?? defaultRuleId(agent, b);
  return { ...b, id, reason, at: spanRef(rule.span) } as RuleIR;
}
