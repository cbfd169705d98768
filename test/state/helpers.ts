import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ApprovalInput } from "../../runtime/state/approvals.js";

/** A fresh data directory under the OS temp dir. */
export function tempDataDir(prefix = "talon-state-"): string {
  return path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), ".talon");
}

/** A valid approval request input: quorum 2 of alice, bob, carol; expires in a minute. */
export function input(over: Partial<ApprovalInput> = {}): ApprovalInput {
  const now = Date.now();
  return {
    hash: "h".repeat(64),
    agent: "zendesk",
    caller: "bot",
    tool: "zendesk_refund",
    upstreamTool: "refund",
    ruleIds: ["appr-refund"],
    teams: ["finance"],
    approvers: ["alice", "bob", "carol"],
    quorum: 2,
    createdAt: now,
    expiresAt: now + 60_000,
    args: { amount: 120, email: "[REDACTED]" },
    wait: "hold",
    ...over,
  };
}
