// LANGUAGE.md §5: evidence records each U-resolution and the path of the first U. The compiled
// bundle exports the deciding rules' conditions; the runtime asks them again for a call that was
// not simply allowed, and names the first path the condition reads that the call left out.
import { describe, expect, it } from "vitest";
import { unknownResolutions } from "../../runtime/govern/unknowns.js";
import { formatEvidence } from "../../runtime/evidence/format.js";
import { agentOf, emitFiles, importPolicy, principalFor } from "../emit/harness.js";

const POLICY = `talon 1
vendor "v" { token sha256("${"a".repeat(64)}") }
team leads { approvers "lead@x" }
agent "a" {
  upstream "https://x"
  tool update { class write }
  tool read { class read }
  grant vendor "v" read, write on update, read
  @id("big") approve tool update when args.priority == "urgent" || args.cost.amount > 500 by team leads
  @id("sure") confirm tool update when meta.dry_run != true
  @id("no-bulk") forbid tool read when args.limit > 100
}
`;

async function setup() {
  const policy = await importPolicy(emitFiles(POLICY).policyMjs);
  const agent = agentOf(policy, "a");
  const who = principalFor(policy, "v");
  const run = (tool: string, args: unknown, meta: unknown = { dry_run: true }) => {
    const d = agent.decide(tool, who, args, { meta, now: 0 });
    return { decision: d, unknowns: unknownResolutions(agent, d, who, tool, args, meta, 0) };
  };
  return { agent, run };
}

describe("U-resolutions", () => {
  it("names the rule and the first absent path when omitting a field makes a rule fire", async () => {
    const { agent, run } = await setup();
    expect(agent.conditions?.map((c) => [c.rule, c.paths])).toEqual([
      ["big", ["args.priority", "args.cost.amount"]],
      ["no-bulk", ["args.limit"]],
      ["sure", ["meta.dry_run"]],
    ]);
    // priority is known and not urgent, cost was left out: the approval applies because of it.
    const noCost = run("update", { priority: "low" });
    expect(noCost.decision.effect).toBe("pending");
    expect(noCost.unknowns).toEqual([{ rule: "big", path: "args.cost.amount" }]);
    // _meta without dry_run: the confirm fires on U too.
    expect(run("update", { priority: "low", cost: { amount: 1 } }, {}).unknowns).toEqual([{ rule: "sure", path: "meta.dry_run" }]);
    // A forbid that fires on U.
    const read = run("read", {});
    expect(read.decision.effect).toBe("deny");
    expect(read.unknowns).toEqual([{ rule: "no-bulk", path: "args.limit" }]);
  });

  it("records nothing when the condition was known, and a null path when U came from a wrong type", async () => {
    const { run } = await setup();
    expect(run("update", { priority: "urgent" }).unknowns).toBeUndefined(); // T, not U
    expect(run("read", { limit: 5 }).unknowns).toBeUndefined(); // allowed
    expect(run("read", { limit: "many" }).unknowns).toEqual([{ rule: "no-bulk", path: null }]);
  });

  it("prints them in the audit format", () => {
    const lines = formatEvidence({
      id: "evt_1", seq: 1, prev: "0".repeat(64), hash: "1".repeat(64), time: 0, kind: "proxy_tool_call", agent: "a", caller: "v", callerKind: "vendor",
      session: null, tool: "update", upstreamTool: null, upstream: "x", decision: "deny", reason: "approval_unavailable", ruleIds: ["big"], message: "m",
      bundleHash: "b", latencyMs: 1, outcome: "denied", unknowns: [{ rule: "big", path: "args.cost.amount" }],
    });
    expect(lines).toContain("  Unknown, resolved to the safe side: big (args.cost.amount absent)");
  });
});
