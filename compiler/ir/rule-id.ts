/**
 * Default rule ids: `<agent>.<kind>.<first 12 hex digits of sha256(canonical JSON of the rule
 * without id, reason and at)>`. The canonical form sorts keys and set-like lists, so the id does
 * not change when rules, files or list items are reordered (§7.4), nor when a rule moves.
 */
import { createHash } from "node:crypto";
import { canonicalJson } from "./canonical.js";
import type { RuleIR } from "./ir.js";

/** A rule before it has an id. */
export type RuleBody = DistributiveOmit<RuleIR, "id" | "reason" | "at">;
type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The default id of a rule body in an agent. */
export function defaultRuleId(agent: string, body: RuleBody): string {
  const hex = createHash("sha256").update(canonicalJson(body)).digest("hex");
  return `${agent}.${body.kind}.${hex.slice(0, 12)}`;
}
