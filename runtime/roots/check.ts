/**
 * The path checks of LANGUAGE.md §8.4 for one `tools/call`, run by the runtime right after
 * `decide` (they count as forbids, §7.1 step 2): every declared path argument of the tool must be
 * a clean virtual path (virtual-path.ts) under a declared root, a write or destructive tool needs
 * a `read_write` root, and no `deny path` glob may match. The result says how to rewrite the
 * arguments for the upstream (`/<root>/rel` → `<root.path>/rel`).
 */
import type { DecisionReason, RootsSpec, ToolClass } from "../hooks.js";
import { isGlob, refMatches } from "../helpers/glob.js";
import { parseArgPath, resolveArgPath, type ArgStep } from "./arg-paths.js";
import { compileDenyGlob, denyGlobMatches, type DenyGlob } from "./deny-glob.js";
import { hostBase, hostPath, normaliseVirtualPath, virtualText } from "./virtual-path.js";

export type PathReason = Extract<DecisionReason, `path:${string}`>;

/** Where to put a host path in the forwarded arguments. */
export interface ArgRewrite {
  readonly at: readonly (string | number)[];
  readonly host: string;
}

export type PathCheck =
  | { readonly ok: true; readonly rewrites: readonly ArgRewrite[] }
  | { readonly ok: false; readonly reason: PathReason; readonly message: string };

/** A RootsSpec prepared once: roots by name, globs compiled, path expressions parsed. */
export interface CompiledRoots {
  readonly spec: RootsSpec;
  readonly roots: ReadonlyMap<string, { readonly base: string; readonly access: "read" | "read_write" }>;
  readonly deny: readonly DenyGlob[];
  readonly exact: ReadonlyMap<string, readonly Expr[]>;
  readonly globs: readonly { readonly tool: string; readonly exprs: readonly Expr[] }[];
}

interface Expr {
  readonly text: string;
  /** null = the expression cannot be read (the call is denied: fail closed). */
  readonly steps: readonly ArgStep[] | null;
}

const compiled = new WeakMap<RootsSpec, CompiledRoots>();

export function compileRoots(spec: RootsSpec): CompiledRoots {
  let c = compiled.get(spec);
  if (c) return c;
  const roots = new Map(spec.roots.map((r) => [r.name, { base: hostBase(r.path), access: r.access }] as const));
  const exact = new Map<string, Expr[]>();
  const globs: { tool: string; exprs: Expr[] }[] = [];
  for (const t of spec.toolPaths) {
    const exprs = t.paths.map((text) => ({ text, steps: parseArgPath(text) }));
    if (isGlob(t.tool)) globs.push({ tool: t.tool, exprs });
    else exact.set(t.tool, [...(exact.get(t.tool) ?? []), ...exprs]);
  }
  c = { spec, roots, deny: spec.denyPaths.map(compileDenyGlob), exact, globs };
  compiled.set(spec, c);
  return c;
}

/** The path expressions of a client tool name: an exact entry wins, else every matching glob's. */
export function pathExprs(c: CompiledRoots, tool: string): readonly Expr[] {
  const hit = c.exact.get(tool);
  if (hit !== undefined) return hit;
  const out: Expr[] = [];
  for (const g of c.globs) if (refMatches(g.tool, tool)) out.push(...g.exprs);
  return out;
}

const deny = (reason: PathReason, message: string): PathCheck => ({ ok: false, reason, message });

/** Check the path arguments of a call to `tool` (client name) of class `cls` (null = destructive). */
export function checkPaths(spec: RootsSpec, tool: string, cls: ToolClass | null, args: unknown): PathCheck {
  const c = compileRoots(spec);
  const exprs = pathExprs(c, tool);
  if (exprs.length === 0) return { ok: true, rewrites: [] };
  const writes = cls !== "read";
  const rewrites: ArgRewrite[] = [];
  for (const e of exprs) {
    if (e.steps === null) return deny("path:outside_roots", `path argument \`${e.text}\` of \`${tool}\` cannot be read; denied`);
    for (const hit of resolveArgPath(e.text, e.steps, args)) {
      const n = normaliseVirtualPath(hit.value);
      const where = `path argument \`${e.text}\``;
      if (!n.ok) return deny("path:outside_roots", `${where} ${n.why}; denied`);
      const [name, ...rel] = n.segments;
      const root = c.roots.get(name!);
      if (root === undefined) return deny("path:outside_roots", `${where} is outside the declared roots (${virtualText(n.segments)}); denied`);
      if (writes && root.access !== "read_write") return deny("path:read_only_root", `${where} names read-only root /${name} for a ${cls ?? "destructive"} tool; denied`);
      const host = hostPath(root.base, rel);
      const hostSegs = host.split("/").filter((s) => s !== "");
      for (const g of c.deny) {
        if (denyGlobMatches(g, n.segments) || denyGlobMatches(g, hostSegs)) return deny("path:denied", `${where} (${virtualText(n.segments)}) matches \`deny path "${g.text}"\`; denied`);
      }
      rewrites.push({ at: hit.at, host });
    }
  }
  return { ok: true, rewrites };
}

/**
 * Passthrough (§7.2) after a failed check: the translation alone, for every path argument that
 * names a declared root, whatever the verdict — so the upstream sees the call intercept mode
 * would have judged, not a virtual path it cannot resolve. Others are forwarded as written.
 */
export function translatePaths(spec: RootsSpec, tool: string, args: unknown): ArgRewrite[] {
  const c = compileRoots(spec);
  const out: ArgRewrite[] = [];
  for (const e of pathExprs(c, tool)) {
    if (e.steps === null) continue;
    for (const hit of resolveArgPath(e.text, e.steps, args)) {
      const n = normaliseVirtualPath(hit.value);
      if (!n.ok) continue;
      const [name, ...rel] = n.segments;
      const root = c.roots.get(name!);
      if (root !== undefined) out.push({ at: hit.at, host: hostPath(root.base, rel) });
    }
  }
  return out;
}

/** `args` with the host paths put in (copy on write; the input is not changed). */
export function rewriteArgs(args: unknown, rewrites: readonly ArgRewrite[]): unknown {
  let out = args;
  for (const r of rewrites) out = setAt(out, r.at, 0, r.host);
  return out;
}

function setAt(node: unknown, at: readonly (string | number)[], i: number, value: string): unknown {
  if (i === at.length) return value;
  const k = at[i]!;
  if (Array.isArray(node) && typeof k === "number") {
    const copy = node.slice();
    copy[k] = setAt(node[k], at, i + 1, value);
    return copy;
  }
  if (node !== null && typeof node === "object" && typeof k === "string") {
    const copy: Record<string, unknown> = { ...(node as Record<string, unknown>) };
    Object.defineProperty(copy, k, { value: setAt((node as Record<string, unknown>)[k], at, i + 1, value), writable: true, enumerable: true, configurable: true });
    return copy;
  }
  return node; // the shape changed under redaction; nothing to rewrite here
}
