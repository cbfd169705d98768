/**
 * The `result` / `response` roots of `block` and `redact` conditions (LANGUAGE.md §5, §7.3):
 * `response` is the CallToolResult, `result` its `structuredContent` when that is an object, else
 * the first text block parsed as JSON when it starts with `{` or `[` and is at most 1 MiB; anything
 * else is unknown (which fires the rule). Both engines — the compiled `ConditionFn` and the
 * reference evaluator — must give the stated value for each response.
 */
import { beforeAll, describe, expect, test } from "vitest";
import type { CompiledAgent, Principal } from "../runtime/hooks.js";
import { blockWhenRef, type CallEnvRef } from "../compiler/interp/obligations.js";
import type { BundleIR } from "../compiler/ir/ir.js";
import { agentOf, emitFiles, importPolicy } from "./emit/harness.js";

const POLICY = `talon 1
agent "r" {
  upstream "https://r"
  tool t { class read }
  grant anyone read on t
  @id("by-result") block response when result.flag == true
  @id("by-response") block response when response.isError == true
  @id("by-items") block response when result.items.exists(x, x.secret == true)
}
`;

const who: Principal = { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
const text = (t: string) => ({ type: "text", text: t });

let ir: BundleIR;
let agent: CompiledAgent;
beforeAll(async () => {
  const e = emitFiles({ "r.talon": POLICY });
  ir = e.ir;
  agent = agentOf(await importPolicy(e.policyMjs), "r");
});

/** The rule's value for a response from both engines (they must agree). */
function both(id: string, response: unknown): 0 | 1 | 2 {
  const env: CallEnvRef = { principal: who, args: {}, meta: undefined, now: undefined, tool: "t", upstream: "t", cls: "read", response };
  const block = agent.blocks.find((b) => b.id === id)!;
  const got = block.when(who, {}, undefined, undefined, "t", "t", "read", response);
  expect(got, `${id} ${JSON.stringify(response)?.slice(0, 200)}`).toBe(blockWhenRef(ir, "r", id, env));
  return got;
}

describe("result and response in ConditionFns", () => {
  test("structuredContent (an object) is the result; a text block is not consulted then", () => {
    expect(both("by-result", { content: [text('{"flag": false}')], structuredContent: { flag: true } })).toBe(1);
    expect(both("by-result", { content: [], structuredContent: { flag: false } })).toBe(0);
  });

  test("otherwise the first text block, parsed as JSON when it starts with { or [", () => {
    expect(both("by-result", { content: [{ type: "image", data: "" }, text('{"flag": true}'), text('{"flag": false}')] })).toBe(1);
    expect(both("by-result", { content: [text("[1, 2]")] })).toBe(2); // an array has no `flag`
    expect(both("by-items", { content: [text('{"items": [{"secret": false}, {"secret": true}]}')] })).toBe(1);
    expect(both("by-items", { content: [text('{"items": [{"secret": false}]}')] })).toBe(0);
  });

  test("unknown: no response, a non-object structuredContent with no text, leading space, bad JSON, plain text, over 1 MiB", () => {
    for (const r of [
      undefined,
      null,
      "str",
      { content: [], structuredContent: [1] },
      { content: [text(' {"flag": true}')] },
      { content: [text('{"flag": tru')] },
      { content: [text("flag: true")] },
      { content: [text("plain"), text('{"flag": true}')] },
      { content: [text(`{"flag": true, "pad": "${"x".repeat(1 << 20)}"}`)] },
    ]) {
      expect(both("by-result", r)).toBe(2);
    }
    // At the limit it is still parsed.
    const pad = "x".repeat((1 << 20) - '{"flag": true, "pad": ""}'.length);
    expect(both("by-result", { content: [text(`{"flag": true, "pad": "${pad}"}`)] })).toBe(1);
  });

  test("response is the whole CallToolResult; `__proto__` in the JSON is a plain key", () => {
    expect(both("by-response", { content: [], isError: true })).toBe(1);
    expect(both("by-response", { content: [], isError: false })).toBe(0);
    expect(both("by-response", undefined)).toBe(2);
    expect(both("by-result", { content: [text('{"__proto__": {"flag": true}}')] })).toBe(2);
    expect(both("by-result", { content: [text('{"__proto__": 1, "flag": true}')] })).toBe(1);
  });
});
