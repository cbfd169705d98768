/**
 * Invariants of idempotency (§7.1 step 6, §8.3):
 * - A write tool a grant opens (access write or all) has an `idempotent` rule reaching it (class
 *   write, or a tool ref matching its client or upstream name case-insensitively); else TAL0505
 *   (a warning: retried writes are applied twice). Exposures from YAML seeds are not judged: the
 *   seed format has no per-tool idempotency, so the warning would only be noise there.
 * - Every `key` expression is known on every call, or has a `??` default: an unknown key denies
 *   the call (§5), so a key that reads the call (a path other than `caller.id/kind/teams`,
 *   `tool.name/upstream`, `agent.name`) must be `e ?? default` (or `has(…)`); else TAL0513.
 * Codes: TAL0505, TAL0513.
 */
import type { Expr, GrantRule, IdempotentRule } from "../../lower/ast.js";
import { refMatches } from "../../ir/tool-names.js";
import { walk } from "../conditions.js";
import type { CheckRule } from "../context.js";
import { targetsReach } from "./check-oversight.js";

/** Paths that are never unknown: the principal's fixed fields, the tool's names, the agent name. */
const ALWAYS_KNOWN: Readonly<Record<string, readonly string[]>> = { caller: ["id", "kind", "teams"], tool: ["name", "upstream"], agent: ["name"] };

/** Can `e` be unknown? Conservative: any path outside `ALWAYS_KNOWN`, unless the whole key is `?? d` or `has(…)`. */
function mayBeUnknown(e: Expr, consts: ReadonlySet<string>): boolean {
  if (e.kind === "binary" && e.op === "??") return false;
  if (e.kind === "call" && e.target === undefined && e.callee.name === "has") return false;
  let unknown = false;
  walk(e, (x) => {
    if (x.kind !== "path" || unknown) return;
    const first = x.steps[0];
    const known = ALWAYS_KNOWN[x.root.name];
    if (known && x.steps.length === 1 && first?.kind === "member" && known.includes(first.name)) return;
    if (x.steps.length === 0 && consts.has(x.root.name)) return;
    unknown = true;
  });
  return unknown;
}

/** The rule described at the top of this file. */
export const checkIdempotency: CheckRule = {
  name: "idempotency",
  run(ctx) {
    const consts = new Set(ctx.program.consts.keys());
    for (const agent of ctx.program.agents) {
      const rules = agent.rules.map((r) => r.node);
      const idem = rules.filter((r): r is IdempotentRule => r.kind === "idempotent");
      for (const r of idem) {
        for (const k of r.key) {
          if (mayBeUnknown(k, consts)) ctx.diags.report("TAL0513", k.span, { help: "write the key as `<expr> ?? <default>`; an unknown key denies the call" });
        }
      }
      const grants = rules.filter((r): r is GrantRule => r.kind === "grant");
      for (const { node: tool, file } of agent.tools) {
        if (tool.toolClass?.name !== "write" || file.origin === "yaml") continue;
        for (const ref of tool.refs) {
          const upstream = tool.upstream?.value ?? ref.name;
          const opened = grants.some((g) => g.access.some((a) => a.name === "write" || a.name === "all") && g.on.some((o) => refMatches(o.name, ref.name)));
          if (!opened || idem.some((r) => targetsReach(r.targets, ref.name, upstream, "write"))) continue;
          ctx.diags.report("TAL0505", ref.span, { args: { t: ref.name }, help: `add \`idempotent tool ${ref.name} window 10m\` (or \`idempotent class write window 10m\`)` });
        }
      }
    }
  },
};
