/**
 * U-resolutions (LANGUAGE.md §5: "Evidence records each U-resolution and the path of the first
 * U"): which deciding rules fired only because their condition was unknown, and the first path
 * that condition reads which the call left out. `decide` stays pure and allocation-light; for a
 * call it did not simply allow, the runtime asks the deciding rules' conditions again
 * (`CompiledAgent.conditions`, the same compiled functions). A condition that is unknown for
 * another reason (a value of the wrong type, an unbound detector) has no absent path: `path` is
 * null then.
 */
import type { CompiledAgent, Decision, Principal } from "../hooks.js";

export interface UnknownResolution {
  readonly rule: string;
  /** `args.…`/`meta.…`, the first path the condition reads that the call did not carry; null when none was absent. */
  readonly path: string | null;
}

export function unknownResolutions(agent: CompiledAgent, decision: Decision, principal: Principal, tool: string, args: unknown, meta: unknown, now: number): UnknownResolution[] | undefined {
  const conditions = agent.conditions;
  if (conditions === undefined || decision.effect === "allow") return undefined;
  const deciding = new Set([...decision.ruleIds, ...(decision.confirm?.ruleIds ?? []), ...(decision.approval?.ruleIds ?? [])]);
  let out: UnknownResolution[] | undefined;
  for (const c of conditions) {
    if (!deciding.has(c.rule)) continue;
    if (c.test(principal, args, meta, now, tool, decision.upstream ?? agent.upstreamName(tool), decision.toolClass) !== 2) continue;
    (out ??= []).push({ rule: c.rule, path: c.paths.find((p) => absent(p, args, meta)) ?? null });
  }
  return out;
}

/** Whether `path` (`args.a.b`) reaches no value in the call. */
function absent(path: string, args: unknown, meta: unknown): boolean {
  const [root, ...steps] = path.split(".");
  let v: unknown = root === "args" ? args : meta;
  for (const s of steps) {
    if (v === null || typeof v !== "object" || !Object.prototype.hasOwnProperty.call(v, s)) return true;
    v = (v as Record<string, unknown>)[s];
  }
  return v === undefined;
}
