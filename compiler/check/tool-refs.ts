/**
 * Every tool reference of an agent, with what it is used for. Rules about tool names (§6) walk
 * this list instead of knowing each rule shape.
 */
import type { Rule, Targets, ToolRef } from "../lower/ast.js";
import type { MergedAgent } from "./agents.js";

/** What a tool ref is used for (an exposure or a rule kind). */
export type RefUse = "expose" | "forbid" | "grant" | "approve" | "confirm" | "limit" | "idempotent" | "redact" | "block";

/** A tool ref with its use. */
export interface UsedRef {
  readonly ref: ToolRef;
  readonly use: RefUse;
}

function targetRefs(t: Targets | undefined): readonly ToolRef[] {
  return t && t.kind === "tools" ? t.refs : [];
}

/** The tool refs a rule names (its targets, or a grant's `on`). */
export function ruleRefs(rule: Rule): readonly ToolRef[] {
  switch (rule.kind) {
    case "grant":
      return rule.on;
    case "forbid":
    case "approve":
    case "confirm":
    case "idempotent":
      return targetRefs(rule.targets);
    case "limit":
    case "redact":
    case "block":
      return targetRefs(rule.on);
  }
}

/** All tool refs of an agent: exposures first, then rules, in source order. */
export function agentToolRefs(agent: MergedAgent): UsedRef[] {
  const out: UsedRef[] = [];
  for (const { node } of agent.tools) for (const ref of node.refs) out.push({ ref, use: "expose" });
  for (const { node } of agent.rules) for (const ref of ruleRefs(node)) out.push({ ref, use: node.kind });
  return out;
}
