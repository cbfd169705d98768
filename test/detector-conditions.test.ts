/**
 * Detectors and non-safe regexes in conditions (LANGUAGE.md §5): `s matches <detector>`,
 * `detect(v, d…)` and `s matches /re/` with a regex that is not provably backtracking-safe. The
 * bundle gets its matchers from the runtime (`bind`, runtime/helpers/bundle-runtime.ts); the
 * reference evaluator uses the same runtime helpers directly. Each case asserts the value from both
 * engines (they must agree) through `block response when …` rules, whose `ConditionFn` returns
 * 0 (false), 1 (true) or 2 (unknown).
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { CompiledAgent, Principal } from "../runtime/hooks.js";
import { blockWhenRef, type CallEnvRef } from "../compiler/interp/obligations.js";
import type { BundleIR } from "../compiler/ir/ir.js";
import { emitPolicy } from "../compiler/emit/emit.js";
import { BUILTIN_DETECTORS, DETECTOR_VALIDATORS } from "../compiler/check/vocabulary.js";
import { DETECTOR_NAMES, VALIDATORS } from "../runtime/helpers/detectors.js";
import { agentOf, emitFiles, importPolicy } from "./emit/harness.js";

const POLICY = `talon 1
detector pan { pattern /\\b(?:\\d[ -]?){13,19}\\b/ validate luhn }
detector email { pattern /@corp\\.example$/ }
agent "d" {
  upstream "https://d"
  tool t { class read }
  grant anyone read on t
  @id("secrets") block response when detect(response, private_key, jwt)
  @id("card") block response when args.s matches card
  @id("pan") block response when args.s matches pan
  @id("shadow") block response when args.s matches email
  @id("nope") block response when args.s matches pan
  @id("redos") block response when args.s matches /(a+)+$/
  @id("args") block response when detect(args, card, email)
  @id("nope-detect") block response when detect(args, pan)
}
`;

const who: Principal = { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
const text = (t: string) => ({ content: [{ type: "text", text: t }] });

let ir: BundleIR;
let agent: CompiledAgent;
let unbound: CompiledAgent;
beforeAll(async () => {
  const e = emitFiles({ "d.talon": POLICY });
  ir = e.ir;
  agent = agentOf(await importPolicy(e.policyMjs), "d");
  unbound = agentOf(await importPolicy(e.policyMjs, { bind: false }), "d");
});

/** A short description of a value for failure messages (deep values do not stringify). */
function show(v: unknown): string {
  try {
    return String(JSON.stringify(v)).slice(0, 100);
  } catch {
    return "(too deep to print)";
  }
}

/** The rule's value from both engines (they must agree). */
function both(id: string, args: unknown, response?: unknown): 0 | 1 | 2 {
  const env: CallEnvRef = { principal: who, args, meta: undefined, now: undefined, tool: "t", upstream: "t", cls: "read", response };
  const got = agent.blocks.find((b) => b.id === id)!.when(who, args, undefined, undefined, "t", "t", "read", response);
  expect(got, `${id} ${show(args)} ${show(response)}`).toBe(blockWhenRef(ir, "d", id, env));
  return got;
}

describe("detectors in conditions", () => {
  test("§13.2: `detect(response, private_key, jwt)` withholds only responses that carry a key or a token", () => {
    expect(both("secrets", {}, text("node talos-1 is Ready"))).toBe(0);
    expect(both("secrets", {}, { content: [], structuredContent: { nodes: [{ name: "cp-1", ready: true }] } })).toBe(0);
    expect(both("secrets", {}, text("-----BEGIN EC PRIVATE KEY-----\nMHcCAQEE\n-----END EC PRIVATE KEY-----"))).toBe(1);
    expect(both("secrets", {}, { content: [], structuredContent: { a: [1, { token: "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln" }] } })).toBe(1);
    expect(both("secrets", {}, text("-----BEGIN PRIVATE KEY----- (truncated)"))).toBe(0);
    expect(both("secrets", {}, undefined)).toBe(2); // no response: unknown
  });

  test("`matches` a built-in detector checks its validator (Luhn); a non-string is unknown", () => {
    expect(both("card", { s: "pay with 4111 1111 1111 1111 please" })).toBe(1);
    expect(both("card", { s: "pay with 4111 1111 1111 1112 please" })).toBe(0);
    expect(both("card", { s: 4111111111111111 })).toBe(2);
    expect(both("card", {})).toBe(2);
  });

  test("a declared detector runs its patterns and validators, and shadows a built-in of the same name", () => {
    expect(both("pan", { s: "4012888888881881" })).toBe(1);
    expect(both("pan", { s: "4012888888881882" })).toBe(0);
    expect(both("shadow", { s: "ana@example.com" })).toBe(0); // the declared `email`, not the built-in
    expect(both("shadow", { s: "ana@corp.example" })).toBe(1);
  });

  test("a detector the runtime cannot build (a validator it does not know) is unknown, never a throw", async () => {
    // The checker rejects unknown validators (TAL0301); this is the bundle/runtime contract beneath it.
    const bad: BundleIR = { ...ir, detectors: ir.detectors.map((d) => (d.name === "pan" ? { ...d, validators: ["no_such_validator"] } : d)) };
    const mjs = emitPolicy(bad, { compilerVersion: "test", bundleHash: "test", regenerate: { dir: "d", out: "o" }, typecheck: false }).policyMjs;
    const a = agentOf(await importPolicy(mjs), "d");
    for (const id of ["nope", "nope-detect"]) {
      const env: CallEnvRef = { principal: who, args: { s: "4012888888881881" }, meta: undefined, now: undefined, tool: "t", upstream: "t", cls: "read" };
      expect(a.blocks.find((b) => b.id === id)!.when(who, env.args, undefined, undefined, "t", "t", "read", undefined), id).toBe(2);
      expect(blockWhenRef(bad, "d", id, env), id).toBe(2);
    }
    expect(both("nope", { s: "4012888888881881" })).toBe(1); // the real `pan`
  });

  test("the checker's validator and detector words are the runtime's", () => {
    expect([...DETECTOR_VALIDATORS].sort()).toEqual(Object.keys(VALIDATORS).sort());
    expect([...BUILTIN_DETECTORS].sort()).toEqual([...DETECTOR_NAMES].sort());
  });

  test("a regex that is not backtracking-safe runs on the linear-time engine: a hostile input completes", () => {
    expect(both("redos", { s: "a".repeat(50_000) + "!" })).toBe(0);
    expect(both("redos", { s: "a".repeat(50_000) })).toBe(1);
  });

  // `email` in these is the declared detector (`@corp.example`), which shadows the built-in.
  test("detect walks arrays and object values depth-first and scans string leaves", () => {
    expect(both("args", { a: [1, null, { b: ["x", "mail ana@corp.example"] }] })).toBe(1);
    expect(both("args", { "ana@corp.example": "key, not a leaf" })).toBe(0);
    expect(both("args", { n: 4111111111111111, s: "4111 1111 1111 1112" })).toBe(0);
    expect(both("args", undefined)).toBe(2);
  });

  test("detect is bounded: more than 10,000 nodes or 1 MiB of text before a hit is unknown; a hit first is true", () => {
    const many = Array.from({ length: 10_000 }, () => "x");
    expect(both("args", { many })).toBe(2); // 10,002 nodes
    expect(both("args", { many: many.slice(0, 9_998) })).toBe(0); // exactly 10,000 nodes
    expect(both("args", { hit: "ana@corp.example", many })).toBe(1);
    const big = "y".repeat(1 << 19);
    expect(both("args", { a: big, b: big })).toBe(0); // exactly 1 MiB
    expect(both("args", { a: big, b: big, c: "z" })).toBe(2);
    expect(both("args", { a: "ana@corp.example", b: big, c: big, d: "z" })).toBe(1);
    // Deep nesting is bounded by the same node count (no stack overflow in either engine).
    let deep: unknown = "ana@corp.example";
    for (let i = 0; i < 9_990; i++) deep = [deep];
    expect(both("args", { deep })).toBe(1);
    expect(both("args", { deep: [[[[[[[[[[[[deep]]]]]]]]]]]] })).toBe(2);
  });

  test("an unbound bundle (no runtime matchers) gives unknown, which fires the rule", () => {
    const call = [who, { s: "4111 1111 1111 1111" }, undefined, undefined, "t", "t", "read"] as const;
    expect(unbound.blocks.find((b) => b.id === "card")!.when(...call, text("ok"))).toBe(2);
    expect(unbound.blocks.find((b) => b.id === "redos")!.when(...call, text("ok"))).toBe(2);
    expect(unbound.blocks.find((b) => b.id === "secrets")!.when(...call, text("ok"))).toBe(2);
    expect(agent.blocks.find((b) => b.id === "secrets")!.when(...call, text("ok"))).toBe(0);
  });
});
