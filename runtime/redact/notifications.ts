/**
 * The `notifications` scope (§8.1): params of server→client notifications are redacted before
 * the session routes them, after host paths of virtual roots are rewritten back (§8.4). Requests
 * the upstream sends (sampling, elicitation) pass as they are.
 */
import type { JsonRpcNotification, JsonRpcRequest } from "../mcp/jsonrpc.js";
import type { AgentContext } from "../pipeline.js";
import { toVirtual } from "../roots/rewrite-back.js";
import { redactNotificationParams } from "./plan.js";
import type { RedactionEntry } from "./walk.js";

/** `msg` with redacted params (the same object when nothing changed). */
export function redactNotification<M extends JsonRpcRequest | JsonRpcNotification>(ctx: AgentContext, msg: M): M {
  if ("id" in msg || msg.params === undefined) return msg;
  const report: RedactionEntry[] = [];
  // Virtual roots (§8.4): host paths back to `/<root>/…` first, so redaction sees what the client will.
  const virtual = toVirtual(ctx.agent.roots, msg.params);
  const params = redactNotificationParams(ctx.agent, virtual, ctx.redactionKey ?? null, report);
  return params === msg.params ? msg : { ...msg, params: params as M["params"] };
}
