/**
 * Step 5 of §7.1, the keying half: which `limit` buckets a call draws from. Each applicable rule
 * gives one bucket, keyed by the rule id and the values of its `by` dimensions (`vendor` is
 * `caller`). The buckets themselves live in runtime/state/buckets.ts.
 */
import type { CompiledAgent, LimitSpec } from "../hooks.js";
import type { BucketRequest } from "../state/buckets.js";
import type { CallFacts } from "./facts.js";
import { TargetMemo } from "./targets.js";

const memos = new WeakMap<CompiledAgent, TargetMemo<LimitSpec>>();

function memoOf(agent: CompiledAgent): TargetMemo<LimitSpec> {
  let m = memos.get(agent);
  if (!m) {
    m = new TargetMemo(agent.limits ?? [], (l) => l.on);
    memos.set(agent, m);
  }
  return m;
}

/** The value of one `by` dimension for this call. */
function dimension(dim: LimitSpec["by"][number], f: CallFacts): string {
  switch (dim) {
    case "caller":
    case "vendor":
      // Anonymous clients share nothing with a declared principal of the same name: prefix by kind.
      return `${f.principal.kind}:${f.principal.id}`;
    case "team":
      return [...f.principal.teams].sort().join(",");
    case "tool":
      return f.upstream;
    case "ip":
      return f.ip;
    case "agent":
      return f.agent;
  }
}

/** The buckets this call must take a token from (empty when no limit applies). */
export function bucketRequests(agent: CompiledAgent, f: CallFacts): BucketRequest[] {
  const specs = memoOf(agent).applicable(f.tool, f.upstream, f.cls);
  const out: BucketRequest[] = [];
  for (const s of specs) {
    if (s.principal !== null && s.principal !== f.principal.id) continue;
    let key = `${f.agent}\u0000${s.id}`;
    for (const d of s.by) key += "\u0000" + dimension(d, f);
    out.push({ ruleId: s.id, key, rate: s.rate, perMs: s.perMs, burst: s.burst });
  }
  return out;
}
