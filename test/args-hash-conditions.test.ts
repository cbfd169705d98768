/**
 * `args_hash()` in conditions and idempotency keys (LANGUAGE.md §5): the hex SHA-256 of the RFC
 * 8785 JSON of the arguments, the same value idempotency keys are built from
 * (`runtime/govern/idempotency-key.ts`). The bundle borrows the runtime's function through `bind`
 * (unbound: unknown, which fires); the reference interpreter calls it directly. Both engines are
 * asserted on every case.
 */
import { createHash } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { decideRef } from "../compiler/interp/decide.js";
import { idempotencyKeyRef } from "../compiler/interp/obligations.js";
import type { BundleIR } from "../compiler/ir/ir.js";
import { argsHash } from "../runtime/govern/idempotency-key.js";
import type { CompiledAgent, Principal } from "../runtime/hooks.js";
import { PRELUDE, diagnostics } from "./check/harness.js";
import { agentOf, emitFiles, importPolicy } from "./emit/harness.js";

const HASH_X1 = createHash("sha256").update('{"x":1}').digest("hex");
const POLICY = `${PRELUDE}agent "h" {
  upstream "https://h"
  tool t { class write }
  grant vendor "v" write on t
  @id("same") forbid tool t when args_hash() == "${HASH_X1}"
  @id("i") idempotent tool t key args_hash(), args.id ?? 0 window 1m
}
`;

let ir: BundleIR;
let agent: CompiledAgent;
let unbound: CompiledAgent;
let v: Principal;
beforeAll(async () => {
  const e = emitFiles({ "h.talon": POLICY });
  ir = e.ir;
  const policy = await importPolicy(e.policyMjs);
  agent = agentOf(policy, "h");
  unbound = agentOf(await importPolicy(e.policyMjs, { bind: false }), "h");
  const spec = policy.principals.find((p) => p.id === "v")!;
  v = { id: spec.id, kind: spec.kind, index: spec.index, teams: spec.teams };
});

/** The decision's reason from both engines (they must agree). */
function reason(args: unknown): string {
  const ref = decideRef(ir, "h", "t", v, args);
  expect(agent.decide("t", v, args)).toEqual(ref);
  return ref.reason;
}

describe("args_hash()", () => {
  test("is the SHA-256 of the canonical JSON: key order and spacing do not matter, values do", () => {
    expect(reason({ x: 1 })).toBe("forbid");
    expect(reason(JSON.parse('{ "x" : 1.0 }'))).toBe("forbid");
    expect(reason({ x: 2 })).toBe("allow");
    expect(reason({ x: 1, y: null })).toBe("allow");
    expect(reason({ y: { b: 1, a: 2 }, x: 1 })).toBe("allow");
  });

  test("absent arguments hash as {}", () => {
    const env = { principal: v, args: undefined, meta: undefined, now: undefined, tool: "t", upstream: "t", cls: "write" as const };
    const empty = createHash("sha256").update("{}").digest("hex");
    expect(idempotencyKeyRef(ir, "h", "i", env)).toEqual([empty, 0]);
  });

  test("is the value idempotency keys use, in both engines", () => {
    const args = JSON.parse('{"id":7,"body":{"z":[1,2],"a":"é"}}') as unknown;
    const env = { principal: v, args, meta: undefined, now: undefined, tool: "t", upstream: "t", cls: "write" as const };
    const want = [argsHash(args), 7];
    expect(idempotencyKeyRef(ir, "h", "i", env)).toEqual(want);
    expect(agent.idempotency[0]!.key!(v, args, undefined, undefined, "t", "t", "write")).toEqual(want);
  });

  test("an unbound bundle cannot compute it: unknown, so the forbid fires and the key is unknown", () => {
    expect(unbound.decide("t", v, { x: 2 }).reason).toBe("forbid");
    expect(unbound.idempotency[0]!.key!(v, { x: 2 }, undefined, undefined, "t", "t", "write")).toBeNull();
  });

  test("is evaluated, so `talonc check` no longer notes it (TAL1101)", () => {
    const notes = diagnostics(POLICY).filter((d) => d.code === "TAL1101");
    expect(notes.map((d) => d.message).filter((m) => m.includes("args_hash"))).toEqual([]);
  });
});
