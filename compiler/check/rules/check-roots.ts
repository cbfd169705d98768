/**
 * Invariant: a virtual root (§8.4) does not hand a client the whole host or someone's home. A
 * root whose path is `/`, `/home`, `/Users`, `/root`, a user's home (`/home/<u>`, `/Users/<u>`)
 * or `~…` gets TAL1007: dotfiles, keys and shell history would sit under it, guarded only by
 * `deny path` globs.
 * Codes: TAL1007.
 */
import type { CheckRule } from "../context.js";

/** Lexically normalised host path (`/a//b/./c/` → `/a/b/c`); the root is not resolved on disk. */
function lexical(path: string): string {
  const out: string[] = [];
  for (const s of path.split("/")) {
    if (s === "" || s === ".") continue;
    if (s === "..") out.pop();
    else out.push(s);
  }
  return "/" + out.join("/");
}

/** Whether a root path maps to `/` or a home directory. */
export function isHostOrHome(path: string): boolean {
  if (path.startsWith("~")) return true;
  const p = lexical(path);
  if (p === "/" || p === "/root" || p === "/home" || p === "/Users") return true;
  return /^\/(?:home|Users)\/[^/]+$/.test(p);
}

/** The rule described at the top of this file. */
export const checkRoots: CheckRule = {
  name: "roots",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      for (const { node } of agent.items) {
        if (node.kind !== "root" || !isHostOrHome(node.path.value)) continue;
        ctx.diags.report("TAL1007", node.path.span, {
          args: { r: node.name.name },
          help: "map the root to a dedicated directory, e.g. /srv/<agent>/workspace",
        });
      }
    }
  },
};
