/**
 * Client-side virtual paths (LANGUAGE.md §8.4, steps 1–2): a path argument is a string of at most
 * 4096 UTF-8 bytes with no NUL, no control character and no `\`. It is split on `/`; empty and
 * `.` segments are dropped and `..` pops one segment. Popping the root segment itself (or above
 * it) is an escape and is refused, never clamped. Nothing is percent-decoded: `%2e%2e` is a file
 * name like any other, and the upstream receives it as written.
 */

export const MAX_PATH_BYTES = 4096;

/** A normalised virtual path: `segments[0]` is the root name the client wrote. */
export type Normalised = { readonly ok: true; readonly segments: readonly string[] } | { readonly ok: false; readonly why: string };

/** C0 controls, DEL and C1 controls; `\` is refused too, so no Windows-style separator reaches a host. */
function badChar(s: string): string | null {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0) return "a NUL character";
    if (c < 0x20 || c === 0x7f || (c >= 0x80 && c <= 0x9f)) return "a control character";
    if (c === 0x5c) return "a backslash";
  }
  return null;
}

/** Check and normalise one path argument value. */
export function normaliseVirtualPath(value: unknown): Normalised {
  if (typeof value !== "string") return { ok: false, why: value === undefined ? "is missing" : "is not a string" };
  if (Buffer.byteLength(value, "utf8") > MAX_PATH_BYTES) return { ok: false, why: `is longer than ${MAX_PATH_BYTES} bytes` };
  const bad = badChar(value);
  if (bad !== null) return { ok: false, why: `contains ${bad}` };
  if (!value.startsWith("/")) return { ok: false, why: "is not absolute (paths start with /<root>)" };
  const out: string[] = [];
  for (const seg of value.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") {
      // Popping the root name (or past it) leaves the declared roots: refused, not clamped.
      if (out.length <= 1) return { ok: false, why: "climbs above its root" };
      out.pop();
      continue;
    }
    out.push(seg);
  }
  if (out.length === 0) return { ok: false, why: "names no root" };
  return { ok: true, segments: out };
}

/** `/root/a/b` from normalised segments. */
export function virtualText(segments: readonly string[]): string {
  return "/" + segments.join("/");
}

/** A root's host directory without trailing slashes (`/` stays `/`). */
export function hostBase(path: string): string {
  let p = path;
  while (p.length > 1 && p.endsWith("/")) p = p.slice(0, -1);
  return p;
}

/** The host path for a root's base and the segments below the root name. */
export function hostPath(base: string, rel: readonly string[]): string {
  if (rel.length === 0) return base;
  return (base === "/" ? "" : base) + "/" + rel.join("/");
}
