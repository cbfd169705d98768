/**
 * Host paths back to virtual paths (LANGUAGE.md §8.4, §7.3): in whatever the upstream sends the
 * client — results (structuredContent, text blocks, resource_link and embedded resource uris and
 * text), error messages and data, notification params — a root's host directory followed by a
 * path boundary becomes `/<root>`, so `file:///srv/airlock/docs/a.md` reads `file:///docs/a.md`.
 * Every string and object key is rewritten, except base64 `blob` fields. The longest host
 * directory wins where roots nest. A root that maps to `/` is not rewritten back (TAL1007).
 */
import type { RootsSpec } from "../hooks.js";
import { hostBase } from "./virtual-path.js";

interface Back {
  readonly bases: readonly string[];
  readonly re: RegExp;
  readonly byBase: ReadonlyMap<string, string>;
}

const cache = new WeakMap<RootsSpec, Back | null>();
const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
// A host directory counts only as a whole path: not preceded or followed by a file-name character.
const NAME = "A-Za-z0-9._~\\-";

function back(spec: RootsSpec): Back | null {
  let b = cache.get(spec);
  if (b !== undefined) return b;
  const byBase = new Map<string, string>();
  for (const r of spec.roots) {
    const base = hostBase(r.path);
    if (base !== "/" && base.startsWith("/")) byBase.set(base, `/${r.name}`);
  }
  const bases = [...byBase.keys()].sort((x, y) => y.length - x.length);
  b = bases.length === 0 ? null : { bases, byBase, re: new RegExp(`(?<![${NAME}])(?:${bases.map(escape).join("|")})(?![${NAME}])`, "g") };
  cache.set(spec, b);
  return b;
}

function rewriteString(b: Back, s: string): string {
  if (!b.bases.some((base) => s.includes(base))) return s;
  return s.replace(b.re, (m) => b.byBase.get(m) ?? m);
}

/** `value` with host directories of the roots rewritten to virtual paths; the same object when nothing changed. */
export function toVirtual(spec: RootsSpec | null | undefined, value: unknown): unknown {
  if (!spec) return value;
  const b = back(spec);
  return b === null ? value : walk(b, value, 0);
}

const MAX_DEPTH = 256;

function walk(b: Back, node: unknown, depth: number): unknown {
  if (typeof node === "string") return rewriteString(b, node);
  if (node === null || typeof node !== "object" || depth > MAX_DEPTH) return node;
  if (Array.isArray(node)) {
    let copy: unknown[] | null = null;
    node.forEach((v, i) => {
      const w = walk(b, v, depth + 1);
      if (w !== v) (copy ??= node.slice())[i] = w;
    });
    return copy ?? node;
  }
  const obj = node as Record<string, unknown>;
  let changed = false;
  const entries: [string, unknown][] = [];
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    const nk = rewriteString(b, k);
    const nv = k === "blob" ? v : walk(b, v, depth + 1);
    if (nk !== k || nv !== v) changed = true;
    entries.push([nk, nv]);
  }
  if (!changed) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  return out;
}
