/**
 * The keying halves of §7.1 steps 5–6 and the response rules: which limit buckets a call draws
 * from, what idempotency key it gets, which block rules fire, and target matching (globs,
 * ASCII case, client and upstream names, classes).
 */
import { describe, expect, it } from "vitest";
import type { BlockSpec, CompiledAgent, IdempotencySpec, LimitSpec, Principal } from "../../runtime/hooks.js";
import { firingBlocks } from "../../runtime/govern/blocks.js";
import type { CallFacts } from "../../runtime/govern/facts.js";
import { argsHash, idempotencyKey } from "../../runtime/govern/idempotency-key.js";
import { bucketRequests } from "../../runtime/govern/limits.js";
import { ShadowSeen } from "../../runtime/govern/state.js";
import { targetsHit } from "../../runtime/govern/targets.js";

const vendor: Principal = { id: "v", kind: "vendor", index: 0, teams: ["b", "a"] };
const other: Principal = { id: "w", kind: "vendor", index: 1, teams: [] };

function agentWith(parts: { limits?: LimitSpec[]; idempotency?: IdempotencySpec[]; blocks?: BlockSpec[] }): CompiledAgent {
  return {
    name: "ag",
    mode: "intercept",
    upstream: { transport: "http", url: "http://127.0.0.1:1/mcp", vendor: null },
    upstreamAuth: null,
    allowAnonymous: false,
    auth: null,
    decide: () => {
      throw new Error("not used");
    },
    clientName: () => null,
    upstreamName: (t) => t,
    redactions: [],
    redactionKey: null,
    limits: parts.limits ?? [],
    idempotency: parts.idempotency ?? [],
    blocks: parts.blocks ?? [],
  };
}

const facts = (over: Partial<CallFacts> = {}): CallFacts => ({
  agent: "ag",
  tool: "update",
  upstream: "update_ticket",
  cls: "write",
  principal: vendor,
  ip: "127.0.0.1",
  args: { id: 7, note: "x" },
  meta: undefined,
  now: 1_000,
  ...over,
});

const limit = (over: Partial<LimitSpec>): LimitSpec => ({ id: "l", rate: 10, perMs: 60_000, burst: 2, by: [], on: null, principal: null, ...over });

describe("targets", () => {
  it("match tool globs case-insensitively against client and upstream names, and classes exactly", () => {
    expect(targetsHit({ tools: ["UPDATE*"] }, "update", "x", null)).toBe(true);
    expect(targetsHit({ tools: ["*_ticket"] }, "update", "update_ticket", null)).toBe(true);
    expect(targetsHit({ tools: ["read"] }, "update", "update_ticket", null)).toBe(false);
    expect(targetsHit({ classes: ["write", "destructive"] }, "t", "t", "write")).toBe(true);
    expect(targetsHit({ classes: ["write"] }, "t", "t", null)).toBe(false);
    expect(targetsHit(null, "t", "t", null)).toBe(true);
  });
});

describe("limit buckets", () => {
  it("key one bucket per rule and `by` values; vendor is caller; a YAML vendor scope filters", () => {
    const agent = agentWith({
      limits: [
        limit({ id: "per-caller", by: ["caller"] }),
        limit({ id: "per-vendor", by: ["vendor"] }),
        limit({ id: "per-team-tool-ip", by: ["team", "tool", "ip", "agent"], on: { classes: ["write"] } }),
        limit({ id: "reads", on: { tools: ["read*"] } }),
        limit({ id: "only-w", principal: "w" }),
      ],
    });
    const reqs = bucketRequests(agent, facts());
    expect(reqs.map((r) => r.ruleId)).toEqual(["per-caller", "per-vendor", "per-team-tool-ip"]);
    expect(reqs[0]!.key).toBe(reqs[1]!.key.replace("per-vendor", "per-caller"));
    expect(reqs[2]!.key).toBe("ag\u0000per-team-tool-ip\u0000a,b\u0000update_ticket\u0000127.0.0.1\u0000ag");
    expect(reqs[0]).toMatchObject({ rate: 10, perMs: 60_000, burst: 2 });
    // Another caller gets other buckets, and the one scoped to it.
    const theirs = bucketRequests(agent, facts({ principal: other }));
    expect(theirs.map((r) => r.ruleId)).toEqual(["per-caller", "per-vendor", "per-team-tool-ip", "only-w"]);
    expect(theirs[0]!.key).not.toBe(reqs[0]!.key);
  });
});

describe("idempotency keys", () => {
  const spec = (over: Partial<IdempotencySpec> = {}): IdempotencySpec => ({ id: "i", on: { tools: ["update"] }, windowMs: 600_000, onDuplicate: "replay", key: null, ...over });

  it("default to args_hash, scoped by caller and upstream tool; key order in args does not matter", () => {
    const agent = agentWith({ idempotency: [spec()] });
    const a = idempotencyKey(agent, facts({ args: { id: 7, note: "x" } }));
    const b = idempotencyKey(agent, facts({ args: { note: "x", id: 7 } }));
    const c = idempotencyKey(agent, facts({ principal: other }));
    const d = idempotencyKey(agent, facts({ args: { id: 8, note: "x" } }));
    expect(a?.kind).toBe("key");
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a).not.toEqual(d);
    expect(a?.kind === "key" && a.argsHash).toBe(argsHash({ id: 7, note: "x" }));
    expect(idempotencyKey(agent, facts({ tool: "read", upstream: "get_ticket" }))).toBeNull();
  });

  it("take the client's talon/idempotency-key over the arguments, keeping the args hash for conflicts", () => {
    const agent = agentWith({ idempotency: [spec()] });
    const meta = { "talon/idempotency-key": "op-1" };
    const a = idempotencyKey(agent, facts({ meta, args: { id: 1 } }));
    const b = idempotencyKey(agent, facts({ meta, args: { id: 2 } }));
    expect(a?.kind === "key" && b?.kind === "key" && a.key === b.key).toBe(true);
    expect(a?.kind === "key" && b?.kind === "key" && a.argsHash !== b.argsHash).toBe(true);
  });

  it("use the rule's key expressions, and report an unknown key", () => {
    const agent = agentWith({ idempotency: [spec({ key: (_c, args) => ((args as { id?: unknown }).id === undefined ? null : [(args as { id: unknown }).id]) })] });
    const a = idempotencyKey(agent, facts({ args: { id: 7, note: "a" } }));
    const b = idempotencyKey(agent, facts({ args: { id: 7, note: "b" } }));
    expect(a?.kind === "key" && b?.kind === "key" && a.key === b.key).toBe(true);
    expect(idempotencyKey(agent, facts({ args: { note: "a" } }))?.kind).toBe("unknown");
  });
});

describe("block rules", () => {
  it("fire on true and on unknown, and on a condition that throws; not on false", () => {
    const when = (v: 0 | 1 | 2): BlockSpec["when"] => () => v;
    const agent = agentWith({
      blocks: [
        { id: "t", on: null, when: when(1), reason: null },
        { id: "f", on: null, when: when(0), reason: null },
        { id: "u", on: { tools: ["update"] }, when: when(2), reason: null },
        {
          id: "x",
          on: null,
          when: () => {
            throw new Error("boom");
          },
          reason: null,
        },
        { id: "elsewhere", on: { tools: ["read"] }, when: when(1), reason: null },
      ],
    });
    expect(firingBlocks(agent, facts(), {}).map((b) => b.id)).toEqual(["t", "u", "x"]);
  });
});

describe("passthrough duplicate memory", () => {
  it("sees a key again only within its window", () => {
    const seen = new ShadowSeen(4);
    expect(seen.check("k", 100, 0)).toBe(false);
    expect(seen.check("k", 100, 50)).toBe(true);
    expect(seen.check("k", 100, 150)).toBe(false);
    for (let i = 0; i < 10; i++) seen.check(`x${i}`, 1_000, 200);
    expect(seen.check("x9", 1_000, 300)).toBe(true);
  });
});
