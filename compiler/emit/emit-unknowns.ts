/**
 * `CompiledAgent.conditions`: the condition of each conditional `forbid`, `approve` and `confirm`
 * rule, by rule id, with the paths it reads. LANGUAGE.md §5: "Evidence records each
 * U-resolution and the path of the first U". `decide` stays as it is (pure, allocation-light);
 * for a call that did not simply pass, the runtime asks the deciding rules' conditions again and
 * records those that were unknown (runtime/govern/unknowns.ts). The condition functions are the
 * ones `decide` calls (the CondEmitter shares one function per distinct condition).
 */
import type { AgentIR, ExprIR } from "../ir/ir.js";
import { Code, Name, frozenArray, frozenObject, indent, join, ts } from "./code.js";
import type { CondEmitter } from "./expr-code.js";

const N = (s: string) => Name.of(s);

/** The static request paths a condition reads, in source order (`args.a.b`, `meta.k`), deduplicated. */
export function conditionPaths(e: ExprIR): string[] {
  const out: string[] = [];
  const walk = (x: unknown): void => {
    if (x === null || typeof x !== "object") return;
    if (Array.isArray(x)) return x.forEach(walk);
    const node = x as { op?: unknown; root?: unknown; steps?: unknown };
    if (node.op === "path" && (node.root === "args" || node.root === "meta") && Array.isArray(node.steps)) {
      const parts = [node.root as string];
      for (const s of node.steps as unknown[]) {
        if (typeof s !== "string" && typeof s !== "number") break; // a computed step: the prefix is what can be named
        parts.push(String(s));
      }
      const p = parts.join(".");
      if (parts.length > 1 && !out.includes(p)) out.push(p);
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(e);
  return out;
}

export function conditionsCode(ce: CondEmitter, agent: AgentIR): Code | null {
  const rules = agent.rules
    .filter((r): r is Extract<typeof r, { kind: "forbid" | "approve" | "confirm" }> => (r.kind === "forbid" || r.kind === "approve" || r.kind === "confirm") && r.when !== null)
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (rules.length === 0) return null;
  const items = rules.map((r) => ts`${frozenObject([[N("rule"), r.id], [N("test"), ce.cond(r.when!, r.at)], [N("paths"), frozenArray(conditionPaths(r.when!))]])},`);
  return join([ts`Object.freeze([`, indent(join(items, "\n")), ts`])`], "\n");
}
