/**
 * The client-visible text of each decision (§7.1). Both engines — the reference interpreter and the
 * emitted bundle (whose emitter evaluates these at build time) — take their messages from here,
 * so a deny always names its deciding rule or the default-deny step in exactly the same words.
 * Only the forbid text names the called tool: the others are fixed per tool and principal, so the
 * bundle can preallocate them.
 */
import type { ToolClass } from "./ir.js";

/** The part of a forbid message before the tool name. */
export const FORBID_PREFIX = 'tool "';

/** The part of a forbid message after the tool name (fixed per rule, so the bundle hoists it). */
export function forbidSuffix(id: string, reason: string | null): string {
  return `" is forbidden by rule ${id}${reason !== null ? `: ${reason}` : ""}`;
}

/** The part of an allow message before the granting ids. */
export const ALLOW_PREFIX = "allowed by rule ";

/** Message builders, one per decision reason. */
export const decisionText = {
  invalidToolName: () => "denied: the tool name is not a valid MCP tool name (1-128 characters of [A-Za-z0-9_.-/])",
  /** `tool "<n>" is forbidden by rule <id>[: <reason>]` = FORBID_PREFIX + n + forbidSuffix(id, reason). */
  forbid: (tool: string, id: string, reason: string | null) => FORBID_PREFIX + tool + forbidSuffix(id, reason),
  notExposed: (agent: string) => `denied by default (not_exposed): agent "${agent}" does not expose this tool`,
  outsideBoundary: () => "denied by default (outside_boundary): the tool is outside this client's allowed tools",
  noGrant: (cls: ToolClass) => `denied by default (no_grant): no grant gives this client ${cls} access to the tool`,
  posture: (cls: ToolClass) => `denied by posture read_only: ${cls} tools need a grant naming write, destructive or all`,
  /** A pending decision some `confirm` applies to names the first (by id) applicable confirm rule. */
  confirmRequired: (id: string) => `confirmation required by rule ${id}`,
  /** A pending decision only `approve` rules apply to names the first (by id) of them and its team. */
  approvalRequired: (id: string, team: string) => `approval by team ${team} required by rule ${id}`,
  allow: (ids: readonly string[]) => ALLOW_PREFIX + ids.join(", "),
} as const;

/** `approve` without `timeout`: 15 minutes (§7.1 step 8). */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 900_000;

/** Class order for "most restrictive wins": read < write < destructive. */
export const CLASS_RANK: Readonly<Record<ToolClass, number>> = { read: 0, write: 1, destructive: 2 };
