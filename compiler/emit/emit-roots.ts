/**
 * `CompiledAgent.roots` (LANGUAGE.md §8.4): the agent's `root`s, `deny path` globs and tool path
 * arguments (compiler/ir/roots-spec.ts) as frozen data, hoisted into one `ROOTS` constant. The
 * runtime (runtime/roots/) does the checking and rewriting. Agents that declare none of these get
 * no field (read as null), so bundles without roots stay byte-identical.
 */
import type { AgentIR } from "../ir/ir.js";
import { rootsSpecOf } from "../ir/roots-spec.js";
import { Code, Name, frozenArray, frozenObject, join } from "./code.js";
import type { ModuleBuilder } from "./module.js";

const N = (s: string) => Name.of(s);

const list = (items: readonly Code[]): Code => (items.length === 0 ? Code.trusted("Object.freeze([])") : join([Code.trusted("Object.freeze(["), join(items, ", "), Code.trusted("])")], ""));

/** The hoisted `RootsSpec` constant of an agent, or null when it declares no roots, deny paths or path args. */
export function rootsCode(mb: ModuleBuilder, a: AgentIR): Name | null {
  const spec = rootsSpecOf(a);
  if (spec === null) return null;
  return mb.hoist(
    "ROOTS",
    Code.trusted("RootsSpec"),
    frozenObject([
      [N("roots"), list(spec.roots.map((r) => frozenObject([[N("name"), r.name], [N("path"), r.path], [N("access"), r.access]])))],
      [N("denyPaths"), frozenArray(spec.denyPaths)],
      [N("toolPaths"), list(spec.toolPaths.map((t) => frozenObject([[N("tool"), t.tool], [N("paths"), frozenArray(t.paths)]])))],
      [N("realpathCheck"), spec.realpathCheck],
    ]),
  );
}
