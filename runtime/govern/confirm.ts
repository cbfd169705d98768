/**
 * Step 7 of §7.1: a call an applicable `confirm` reaches goes on only once the requesting user
 * confirmed it — through MCP `elicitation/create` when the rule allows it and the client declared
 * the elicitation capability, else with a single-use token the client echoes in
 * `_meta["talon/confirm"]`. The token is bound to the call's hash (caller, agent, upstream tool,
 * arguments), so a confirmed call cannot change its arguments, and expires after 5 minutes.
 */
import type { ConfirmNeed } from "../hooks.js";
import type { Session } from "../mcp/session.js";
import type { ClientStream } from "../mcp/streams.js";
import { CONFIRM_TOKEN_TTL_MS } from "../state/confirm-tokens.js";
import type { CallFacts } from "./facts.js";
import type { GovernState } from "./state.js";
import { stepDenial, type StepDenial } from "./step-result.js";

export const CONFIRM_META_KEY = "talon/confirm";

export type ConfirmResult = { readonly ok: true; readonly via: "token" | "elicitation" } | StepDenial;

function metaString(meta: unknown, key: string): string | undefined {
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return undefined;
  const v = (meta as Record<string, unknown>)[key];
  return typeof v === "string" ? v : undefined;
}

/** The form Talon shows through elicitation: one boolean the user must set. */
function elicitation(facts: CallFacts, need: ConfirmNeed): Record<string, unknown> {
  return {
    message: `Talon: confirm the call of tool "${facts.tool}" (rule ${need.ruleIds.join(", ")}). Arguments: ${preview(facts.args)}`,
    requestedSchema: {
      type: "object",
      properties: { confirm: { type: "boolean", title: "Run this call", description: `Allow ${facts.tool} to run with these arguments` } },
      required: ["confirm"],
    },
  };
}

function preview(args: unknown): string {
  let s: string;
  try {
    s = JSON.stringify(args ?? {});
  } catch {
    s = "(unprintable)";
  }
  return s.length > 500 ? s.slice(0, 500) + "…" : s;
}

export async function confirmStep(
  need: ConfirmNeed,
  state: GovernState,
  session: Session,
  stream: ClientStream | undefined,
  facts: CallFacts,
  hash: string,
): Promise<ConfirmResult> {
  const ids = need.ruleIds;
  const echoed = metaString(facts.meta, CONFIRM_META_KEY);
  let stale = false;
  if (echoed !== undefined) {
    if (need.via !== "elicitation" && (await state.confirmTokens.redeem(echoed, hash, facts.now))) return { ok: true, via: "token" };
    stale = true; // wrong call, used, expired, or not a token channel: ask again
  }

  const canElicit = need.via !== "token" && isObject(session.clientCapabilities.elicitation);
  if (canElicit) {
    try {
      const answer = await session.requestClient("elicitation/create", elicitation(facts, need), stream, state.elicitationTimeoutMs);
      const result = answer.result as { action?: unknown; content?: { confirm?: unknown } } | undefined;
      if (answer.error === undefined && result?.action === "accept" && result.content?.confirm === true) return { ok: true, via: "elicitation" };
      const what = answer.error !== undefined ? `failed (${answer.error.message})` : result?.action === "accept" ? "was not confirmed" : `was ${String(result?.action ?? "not answered")}`;
      return stepDenial("confirm_declined", `confirmation by the user ${what}; the call is not run (rule ${ids.join(", ")})`, ids);
    } catch (err) {
      if (need.via === "elicitation") return stepDenial("confirm_required", `confirmation required by rule ${ids.join(", ")}: ${(err as Error).message}`, ids);
      // elicitation_or_token: the client could not be asked; fall back to a token.
    }
  }
  if (need.via === "elicitation") {
    return stepDenial("confirm_required", `confirmation required by rule ${ids.join(", ")} through MCP elicitation, which this client did not declare`, ids);
  }
  const token = await state.confirmTokens.issue(hash, facts.now);
  const again = stale ? "the confirmation token given is not valid for this call (used, expired or for other arguments); " : "";
  return stepDenial(
    "confirm_required",
    `${again}confirmation required by rule ${ids.join(", ")}: call again with the same arguments and _meta["${CONFIRM_META_KEY}"] = "${token}" within 5 minutes`,
    ids,
    { confirmToken: token, metaKey: CONFIRM_META_KEY, expiresAt: facts.now + CONFIRM_TOKEN_TTL_MS },
  );
}

function isObject(v: unknown): boolean {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
