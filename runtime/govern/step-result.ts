/**
 * What a stateful step (§7.1 steps 5–8) tells the pipeline: go on, or stop with a denial the
 * runtime decided (rate limited, duplicate, confirmation or approval outstanding …).
 */
import type { DecisionReason } from "../hooks.js";

export interface StepDenial {
  readonly ok: false;
  readonly reason: DecisionReason;
  readonly message: string;
  readonly ruleIds: readonly string[];
  /** Extra `error.data` for the client (retryAfterMs, approvalId, confirmToken …). */
  readonly data?: Record<string, unknown>;
  /** JSON-RPC error code; default -32001 (policy denied). */
  readonly code?: number;
}

export function stepDenial(reason: DecisionReason, message: string, ruleIds: readonly string[], data?: Record<string, unknown>, code?: number): StepDenial {
  const d: { -readonly [K in keyof StepDenial]: StepDenial[K] } = { ok: false, reason, message, ruleIds };
  if (data !== undefined) d.data = data;
  if (code !== undefined) d.code = code;
  return d;
}
