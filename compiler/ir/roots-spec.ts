/**
 * An agent's virtual roots (LANGUAGE.md §8.4) as the runtime's `RootsSpec`: roots in name order,
 * `deny path` globs as written, tool path arguments in tool-name order. The emitter writes it into
 * the bundle (emit-roots.ts); `talonc explain` checks a call with it, as the runtime does.
 */
import type { RootsSpec } from "../../runtime/hooks.js";
import type { AgentIR } from "./ir.js";

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The spec, or null when the agent declares no root, no `deny path` and no path argument. */
export function rootsSpecOf(a: AgentIR): RootsSpec | null {
  if (a.roots.length === 0 && a.denyPaths.length === 0 && !a.tools.some((t) => t.paths.length > 0)) return null;
  return {
    roots: [...a.roots].sort((x, y) => byText(x.name, y.name)).map((r) => ({ name: r.name, path: r.path, access: r.access })),
    denyPaths: [...a.denyPaths],
    toolPaths: a.tools
      .filter((t) => t.paths.length > 0)
      .sort((x, y) => byText(x.name, y.name))
      .map((t) => ({ tool: t.name, paths: [...t.paths] })),
    realpathCheck: a.realpathCheck,
  };
}
