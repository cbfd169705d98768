/**
 * The agent specs the runtime enforces from injected state (LANGUAGE.md §7.1 steps 5–6, §7.3,
 * §8.3): `limit` → `LimitSpec`, `idempotent` → `IdempotencySpec` (with its `key` compiled to a
 * function), `block response` → `BlockSpec` (its `when` compiled to a `ConditionFn`). Each rule is
 * one hoisted frozen constant; the agent lists them in rule-id order. The reference side is
 * `compiler/interp/obligations.ts`.
 */
import type { AgentIR, RuleIR, TargetsIR } from "../ir/ir.js";
import { Code, Name, frozenArray, frozenObject, indent, join, ts } from "./code.js";
import type { CondEmitter } from "./expr-code.js";
import type { ModuleBuilder } from "./module.js";

const N = (s: string) => Name.of(s);

type Rule<K extends RuleIR["kind"]> = Extract<RuleIR, { kind: K }>;

const LIMIT_BY: readonly string[] = ["caller", "vendor", "team", "tool", "ip", "agent"];

/** A frozen array of string literals typed as such (`as const`), for the union-typed spec fields. */
function literalArray(items: readonly string[]): Code {
  return ts`Object.freeze([${join(items.map((i) => ts`${i}`), ", ")}] as const)`;
}

/** `TargetsSpec` literal. */
export function targetsCode(t: TargetsIR | null): Code {
  if (t === null) return ts`null`;
  return t.kind === "tools" ? frozenObject([[N("tools"), frozenArray(t.refs)]]) : frozenObject([[N("classes"), literalArray(t.classes)]]);
}

function rulesById<K extends RuleIR["kind"]>(agent: AgentIR, kind: K): Rule<K>[] {
  return agent.rules.filter((r): r is Rule<K> => r.kind === kind).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function listCode(names: readonly Name[]): Code {
  return names.length === 0 ? ts`Object.freeze([])` : join([ts`Object.freeze([`, indent(join(names.map((n) => ts`${n},`), "\n")), ts`])`], "\n");
}

/** `CompiledAgent.limits`. */
export function limitsCode(mb: ModuleBuilder, agent: AgentIR): Code {
  const names = rulesById(agent, "limit").map((r) =>
    mb.hoist(
      "LIMIT",
      Code.trusted("LimitSpec"),
      frozenObject([
        [N("id"), r.id],
        [N("rate"), r.rate],
        [N("perMs"), r.perMs],
        [N("burst"), r.burst],
        [N("by"), literalArray(r.by.filter((b) => LIMIT_BY.includes(b)))],
        [N("on"), targetsCode(r.on)],
        [N("principal"), r.principal],
      ]),
    ),
  );
  return listCode(names);
}

/** `CompiledAgent.idempotency`. */
export function idempotencyCode(mb: ModuleBuilder, ce: CondEmitter, agent: AgentIR): Code {
  const names = rulesById(agent, "idempotent").map((r) =>
    mb.hoist(
      "IDEMPOTENT",
      Code.trusted("IdempotencySpec"),
      frozenObject([
        [N("id"), r.id],
        [N("on"), targetsCode(r.targets)],
        [N("windowMs"), r.windowMs],
        [N("onDuplicate"), r.onDuplicate],
        [N("key"), r.key.length === 0 ? null : ts`${ce.keyFn(r.key, r.at)}`],
      ]),
    ),
  );
  return listCode(names);
}

/** `CompiledAgent.blocks`. */
export function blocksCode(mb: ModuleBuilder, ce: CondEmitter, agent: AgentIR): Code {
  const names = rulesById(agent, "block").map((r) =>
    mb.hoist(
      "BLOCK",
      Code.trusted("BlockSpec"),
      frozenObject([
        [N("id"), r.id],
        [N("on"), targetsCode(r.on)],
        [N("when"), ts`${ce.conditionFn(r.when, r.at)}`],
        [N("reason"), r.reason],
      ]),
    ),
  );
  return listCode(names);
}
