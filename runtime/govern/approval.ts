/**
 * Step 8 of §7.1: a call an applicable `approve` reaches waits in the durable approval queue
 * (runtime/state/approvals.ts) until enough of the named teams' approvers approve it, one denies
 * it, or it times out (`deny(approval_timeout)`). The request is bound to the call's hash, so the
 * arguments cannot change after approval, and it executes at most once.
 *
 * `hold` keeps the client's request open, sending `notifications/progress` when the client gave a
 * progress token (clients use them to keep their own timeout from firing); if the client goes
 * away, the call is not run and the request stays pending for a retry with its id. `defer` answers at once
 * with the pending id; the client calls again with `_meta["talon/approval"] = id` once approved.
 */
import type { ApprovalNeed } from "../hooks.js";
import type { Session } from "../mcp/session.js";
import type { ClientStream } from "../mcp/streams.js";
import type { ApprovalRequest } from "../state/approvals.js";
import type { CallFacts } from "./facts.js";
import type { GovernState } from "./state.js";
import { stepDenial, type StepDenial } from "./step-result.js";

export const APPROVAL_META_KEY = "talon/approval";

/** What evidence keeps about the approval of a call. */
export interface ApprovalEvidence {
  readonly id: string;
  readonly status: string;
  /** Approvers who approved (identity from the CLI `--as` or the admin API body). */
  readonly approvers: readonly string[];
}

export type ApprovalResult = { readonly ok: true; readonly approval: ApprovalEvidence } | (StepDenial & { readonly approval?: ApprovalEvidence });

function evidenceOf(r: ApprovalRequest): ApprovalEvidence {
  return { id: r.id, status: r.status, approvers: r.votes.filter((v) => v.decision === "approve").map((v) => v.approver) };
}

function teamText(need: ApprovalNeed): string {
  return `team${need.teams.length > 1 ? "s" : ""} ${need.teams.join(", ")}`;
}

/** A request that is no longer pending, turned into the call's fate. */
async function settle(state: GovernState, r: ApprovalRequest, hash: string, need: ApprovalNeed): Promise<ApprovalResult> {
  const ids = need.ruleIds;
  const approval = evidenceOf(r);
  switch (r.status) {
    case "approved":
      if (await state.approvals.claimExecution(r.id, hash)) return { ok: true, approval: { ...approval, status: "executed" } };
      return { ...stepDenial("duplicate", `approval ${r.id} was already used: an approved call runs once`, ids), approval };
    case "executed":
      return { ...stepDenial("duplicate", `approval ${r.id} was already used: an approved call runs once`, ids), approval };
    case "denied": {
      const by = r.votes.find((v) => v.decision === "deny");
      return { ...stepDenial("approval_denied", `approval ${r.id} was denied${by ? ` by ${by.approver}` : ""}${by?.note ? `: ${by.note}` : ""}`, ids), approval };
    }
    default:
      return { ...stepDenial("approval_timeout", `approval ${r.id} by ${teamText(need)} timed out; the call is not run`, ids), approval };
  }
}

function pending(r: ApprovalRequest, need: ApprovalNeed): StepDenial & { approval: ApprovalEvidence } {
  return {
    ...stepDenial(
      "approval_required",
      `approval by ${teamText(need)} required by rule ${need.ruleIds.join(", ")}: pending as ${r.id}; call again with the same arguments and _meta["${APPROVAL_META_KEY}"] = "${r.id}" once approved`,
      need.ruleIds,
      { approvalId: r.id, status: r.status, expiresAt: r.expiresAt, metaKey: APPROVAL_META_KEY },
    ),
    approval: evidenceOf(r),
  };
}

export async function approvalStep(
  need: ApprovalNeed,
  state: GovernState,
  session: Session,
  stream: ClientStream | undefined,
  facts: CallFacts,
  hash: string,
  /** Arguments as the upstream would get them (redacted), shown to approvers. */
  shownArgs: unknown,
): Promise<ApprovalResult> {
  const meta = facts.meta !== null && typeof facts.meta === "object" && !Array.isArray(facts.meta) ? (facts.meta as Record<string, unknown>) : {};
  const given = meta[APPROVAL_META_KEY];
  let request: ApprovalRequest | undefined;
  if (typeof given === "string") {
    const found = state.approvals.get(given);
    if (!found || found.hash !== hash || found.agent !== facts.agent) {
      return stepDenial("approval_required", `approval ${JSON.stringify(given)} is unknown or was given for another call (caller, tool and arguments must match)`, need.ruleIds);
    }
    if (found.status !== "pending") return settle(state, found, hash, need);
    if (need.wait === "defer") return pending(found, need);
    request = found;
  }
  request ??= await state.approvals.create({
    hash,
    agent: facts.agent,
    caller: facts.principal.kind === "anonymous" ? null : facts.principal.id,
    tool: facts.tool,
    upstreamTool: facts.upstream,
    ruleIds: need.ruleIds,
    teams: need.teams,
    approvers: need.approvers,
    quorum: need.quorum,
    createdAt: facts.now,
    expiresAt: facts.now + need.timeoutMs,
    args: shownArgs ?? {},
    wait: need.wait,
  });
  if (need.wait === "defer") return pending(request, need);

  // hold: keep the request open; progress (if asked for) every progressEveryMs.
  const token = meta.progressToken;
  let timer: NodeJS.Timeout | undefined;
  if (typeof token === "string" || typeof token === "number") {
    let n = 0;
    const id = request.id;
    const tick = () => {
      n++;
      session.notifyClient("notifications/progress", { progressToken: token, progress: n, message: `waiting for approval ${id} by ${teamText(need)}` }, stream);
    };
    tick();
    timer = setInterval(tick, state.progressEveryMs);
  }
  // A client that goes away stops the wait: nobody would receive the result, so the call is not
  // run. The request stays pending; once approved, a retry carrying its id runs it (once).
  const gone = new AbortController();
  const watch = stream ? setInterval(() => stream.open || gone.abort(), CLIENT_WATCH_MS) : undefined;
  try {
    const final = await state.approvals.waitFor(request.id, request.expiresAt, gone.signal);
    return settle(state, final, hash, need);
  } catch (err) {
    if (!gone.signal.aborted) throw err;
    const p = pending(request, need);
    return { ...p, message: `the client went away while the call was held; ${p.message}` };
  } finally {
    if (timer) clearInterval(timer);
    if (watch) clearInterval(watch);
  }
}

/** How often a held call checks that its client is still there. */
const CLIENT_WATCH_MS = 250;
