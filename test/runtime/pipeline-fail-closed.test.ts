/**
 * Fail closed inside the pipeline: when a state step cannot run (here the LMDB state store is
 * gone, as after a disk failure), the call gets a clear JSON-RPC error, nothing is forwarded, and
 * the evidence record says why. Real parts: a compiled policy, the real evidence store, the real
 * state modules on a closed store.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { EvidenceStore } from "../../runtime/evidence/store.js";
import { ShadowSeen, type GovernState } from "../../runtime/govern/state.js";
import { Session } from "../../runtime/mcp/session.js";
import { governToolCall, type AgentContext } from "../../runtime/pipeline.js";
import { ApprovalQueue } from "../../runtime/state/approvals.js";
import { TokenBuckets } from "../../runtime/state/buckets.js";
import { ConfirmTokens } from "../../runtime/state/confirm-tokens.js";
import { IdempotencyStore } from "../../runtime/state/idempotency.js";
import { StateStore } from "../../runtime/state/state-store.js";
import { agentOf, emitFiles, importPolicy, principalFor } from "../emit/harness.js";

const POLICY = `talon 1
vendor "v" { token env("V") }
agent "a" {
  upstream "http://127.0.0.1:1/mcp"
  posture read_write
  tool update { class write }
  grant anyone all on "*"
  @id("once") idempotent tool update window 10m
}
`;

describe("a state step that fails", () => {
  const dir = mkdtempSync(join(tmpdir(), "talon-failclosed-"));
  const evidence = EvidenceStore.open(join(dir, "data"));
  afterAll(async () => {
    await evidence.close();
  });

  it("denies with an internal error and a record, and forwards nothing", async () => {
    const policy = await importPolicy(emitFiles(POLICY).policyMjs);
    const agent = agentOf(policy, "a");
    const store = StateStore.open(join(dir, "data"));
    const state: GovernState = {
      buckets: new TokenBuckets(),
      idempotency: new IdempotencyStore(store),
      approvals: new ApprovalQueue(store),
      confirmTokens: new ConfirmTokens(store),
      shadowBuckets: new TokenBuckets(),
      shadowSeen: new ShadowSeen(),
      progressEveryMs: 5_000,
      elicitationTimeoutMs: 1_000,
    };
    await store.close(); // the store goes away under the running pipeline
    const ctx: AgentContext = { agent, bundleHash: "h", upstreamLabel: "up", evidence, callTimeoutMs: 1_000, state };
    const session = new Session("s1", principalFor(policy, "v"), "a", "");
    // No upstream is attached: reaching it would throw a different error than the one asserted.
    const out = await governToolCall(ctx, session, 7, { name: "update", arguments: { id: 1 } });
    const answer = JSON.parse(out.json) as { id: number; error: { code: number; message: string; data: { reason: string } } };
    expect(answer.id).toBe(7);
    expect(answer.error.code).toBe(-32603);
    expect(answer.error.data.reason).toBe("internal");
    expect(answer.error.message).toMatch(/internal error while governing the call/);
    // The record was committed (journal) before the answer; the index catches up within ~25 ms.
    let rec = evidence.list({}).find((r) => r.tool === "update");
    for (let i = 0; i < 40 && !rec; i++) {
      await new Promise((r) => setTimeout(r, 25));
      rec = evidence.list({}).find((r) => r.tool === "update");
    }
    expect(rec).toMatchObject({ decision: "deny", reason: "internal", outcome: "denied" });
  });
});
