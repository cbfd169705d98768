/**
 * An agent's `redact` rules as frozen data for the runtime (`CompiledAgent.redactions`, §8.1).
 * The runtime owns the walker, so the bundle holds no redaction code: each rule becomes one
 * hoisted `RedactionRuleSpec` constant, with declared detectors expanded to their regexes (or carried
 * whole when they have validators) and its
 * `when`/`unless` compiled to a `ConditionFn`.
 */
import type { AgentIR, BundleIR, RuleIR } from "../ir/ir.js";
import { Code, Name, frozenArray, frozenObject, indent, join, ts } from "./code.js";
import type { CondEmitter } from "./expr-code.js";
import type { ModuleBuilder } from "./module.js";

const N = (s: string) => Name.of(s);

type RedactIR = Extract<RuleIR, { kind: "redact" }>;

function matchingCode(ir: BundleIR, r: RedactIR): Code {
  const items: Code[] = [];
  for (const m of r.matching) {
    if (m.kind === "regex") {
      items.push(frozenObject([[N("kind"), "regex"], [N("source"), m.source], [N("flags"), m.flags]]));
      continue;
    }
    const declared = ir.detectors.find((d) => d.name === m.name);
    if (!declared) {
      items.push(frozenObject([[N("kind"), "detector"], [N("name"), m.name]]));
      continue;
    }
    if (declared.validators.length > 0) {
      // Validators (luhn, iban) check each candidate span: the runtime needs the detector whole.
      const patterns = declared.patterns.map((p) => frozenObject([[N("source"), p.source], [N("flags"), p.flags]]));
      items.push(
        frozenObject([
          [N("kind"), "declared"],
          [N("name"), declared.name],
          [N("patterns"), patterns.length === 0 ? ts`Object.freeze([])` : ts`Object.freeze([${join(patterns, ", ")}])`],
          [N("validators"), frozenArray(declared.validators)],
        ]),
      );
      continue;
    }
    for (const p of declared.patterns) items.push(frozenObject([[N("kind"), "regex"], [N("source"), p.source], [N("flags"), p.flags]]));
  }
  return items.length === 0 ? ts`Object.freeze([])` : ts`Object.freeze([${join(items, ", ")}])`;
}

function ruleCode(ce: CondEmitter, ir: BundleIR, r: RedactIR): Code {
  return frozenObject([
    [N("id"), r.id],
    [N("paths"), frozenArray(r.paths)],
    [N("matching"), matchingCode(ir, r)],
    [N("method"), frozenObject([[N("name"), r.method.name], [N("args"), frozenArray(r.method.args)]])],
    [N("scopes"), frozenArray(r.scopes)],
    [N("tools"), r.on?.kind === "tools" ? frozenArray(r.on.refs) : null],
    [N("classes"), r.on?.kind === "classes" ? frozenArray(r.on.classes) : null],
    [N("when"), r.when === null ? null : ts`${ce.conditionFn(r.when, r.at)}`],
  ]);
}

/** `Object.freeze([REDACT0, …])` for the agent's redact rules (in source order). */
export function redactionsCode(mb: ModuleBuilder, ce: CondEmitter, ir: BundleIR, agent: AgentIR): Code {
  const names = agent.rules
    .filter((r): r is RedactIR => r.kind === "redact")
    .map((r) => mb.hoist("REDACT", Code.trusted("RedactionRuleSpec"), ruleCode(ce, ir, r)));
  return names.length === 0 ? ts`Object.freeze([])` : join([ts`Object.freeze([`, indent(join(names.map((n) => ts`${n},`), "\n")), ts`])`], "\n");
}

/** The bundle's `secret redaction_key`, or null. */
export function redactionKeyOf(ir: BundleIR): { kind: string; value: string } | null {
  return ir.secrets.find((s) => s.name === "redaction_key")?.ref ?? null;
}
