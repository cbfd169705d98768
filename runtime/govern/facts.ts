/**
 * What the runtime knows about one `tools/call` once the policy has resolved it: the names, the
 * class, who calls and from where. The state steps of §7.1 (limits, idempotency) and the
 * response rules (`block`, conditional `redact`) are keyed and matched on these.
 */
import type { Principal, ToolClass } from "../hooks.js";

export interface CallFacts {
  readonly agent: string;
  /** Client tool name, as called. */
  readonly tool: string;
  /** Upstream tool name (the client name when not renamed). */
  readonly upstream: string;
  readonly cls: ToolClass | null;
  readonly principal: Principal;
  /** Remote address of the client connection ("" when unknown). */
  readonly ip: string;
  readonly args: unknown;
  /** The request's `_meta`. */
  readonly meta: unknown;
  /** Arrival time, ms since the epoch (the `now` conditions see). */
  readonly now: number;
}
