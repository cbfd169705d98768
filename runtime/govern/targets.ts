/**
 * Tool targets of `limit`, `idempotent`, `block` and `redact` rules (`on tool …` / `on class …`),
 * matched the way `forbid`, `confirm` and `approve` targets are (LANGUAGE.md §6): tool refs are
 * globs, ASCII-case-insensitive, tried against the client name and the upstream name.
 */
import type { TargetsSpec, ToolClass } from "../hooks.js";
import { refMatchesIgnoreCase } from "../helpers/glob.js";

/** Does a rule with targets `on` (null = every tool) apply to this call? */
export function targetsHit(on: TargetsSpec | null, tool: string, upstream: string, cls: ToolClass | null): boolean {
  if (on === null) return true;
  if ("classes" in on) return cls !== null && on.classes.includes(cls);
  for (const ref of on.tools) if (refMatchesIgnoreCase(ref, tool) || refMatchesIgnoreCase(ref, upstream)) return true;
  return false;
}

/**
 * Per-agent memo of which rules apply to a (tool, class) pair: matching is pure and the set of
 * names a client uses is small, so each pair is resolved once. Bounded: cleared when full.
 */
export class TargetMemo<T> {
  private readonly memo = new Map<string, readonly T[]>();

  constructor(
    private readonly rules: readonly T[],
    private readonly on: (rule: T) => TargetsSpec | null,
    private readonly max = 4096,
  ) {}

  applicable(tool: string, upstream: string, cls: ToolClass | null): readonly T[] {
    if (this.rules.length === 0) return this.rules;
    const key = `${cls ?? ""}\u0000${tool}\u0000${upstream}`;
    let hit = this.memo.get(key);
    if (hit === undefined) {
      hit = this.rules.filter((r) => targetsHit(this.on(r), tool, upstream, cls));
      if (this.memo.size >= this.max) this.memo.clear();
      this.memo.set(key, hit);
    }
    return hit;
  }
}
