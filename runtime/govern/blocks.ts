/**
 * `block response [on …] when e` (§7.3): after the upstream answers, a response for which a block
 * rule's condition is true or unknown is withheld (`deny(blocked)`). Conditions read the whole
 * CallToolResult as `response` (and `result`), before redaction — a rule that looks for private
 * keys must see them.
 */
import type { BlockSpec, CompiledAgent } from "../hooks.js";
import type { CallFacts } from "./facts.js";
import { TargetMemo } from "./targets.js";

const memos = new WeakMap<CompiledAgent, TargetMemo<BlockSpec>>();

/** The block rules that fire on this response, in id order (empty = the response may pass). */
export function firingBlocks(agent: CompiledAgent, f: CallFacts, response: unknown): BlockSpec[] {
  let memo = memos.get(agent);
  if (!memo) {
    memo = new TargetMemo(agent.blocks ?? [], (b) => b.on);
    memos.set(agent, memo);
  }
  const out: BlockSpec[] = [];
  for (const b of memo.applicable(f.tool, f.upstream, f.cls)) {
    let v: number;
    try {
      v = b.when(f.principal, f.args, f.meta, f.now, f.tool, f.upstream, f.cls, response);
    } catch {
      v = 2; // a condition that throws is unknown, and unknown fires (fail closed)
    }
    if (v !== 0) out.push(b);
  }
  return out;
}
