/**
 * Redaction paths (LANGUAGE.md §8.1): relative to the scope root, with segments `a.b`, `["key"]`,
 * `[3]`, `[*]` (every element), `*` (every member) and `**` (any depth, bounded by the walker).
 * Parsed once (at check time for diagnostics, at plan build time in the runtime).
 */

/** One path step. */
export type PathSegment =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "elements" }
  | { readonly kind: "members" }
  | { readonly kind: "deep" };

/** A parse failure at `at` (offset into the path text). */
export interface PathError {
  readonly at: number;
  readonly message: string;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parse `text` into segments, or return where and why it is not a path. */
export function parseRedactPath(text: string): PathSegment[] | PathError {
  const out: PathSegment[] = [];
  let i = 0;
  let needDot = false;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) return { at: i, message: "unclosed `[`" };
      const inner = text.slice(i + 1, close).trim();
      if (inner === "*") out.push({ kind: "elements" });
      else if (/^\d+$/.test(inner)) {
        const index = Number(inner);
        if (!Number.isSafeInteger(index)) return { at: i, message: "index too large" };
        out.push({ kind: "index", index });
      } else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) {
        try {
          out.push({ kind: "key", key: JSON.parse(inner) as string });
        } catch {
          return { at: i, message: "invalid quoted key" };
        }
      } else return { at: i, message: 'expected `[*]`, `[n]` or `["key"]`' };
      i = close + 1;
      needDot = true;
      continue;
    }
    if (needDot) {
      if (c !== ".") return { at: i, message: "expected `.` or `[` between segments" };
      i += 1;
      if (i >= text.length) return { at: i, message: "path ends with `.`" };
    }
    if (text.startsWith("**", i)) {
      out.push({ kind: "deep" });
      i += 2;
    } else if (text[i] === "*") {
      out.push({ kind: "members" });
      i += 1;
    } else {
      const m = IDENT.exec(text.slice(i));
      if (!m) return { at: i, message: "expected a name, `*` or `**`" };
      out.push({ kind: "key", key: m[0] });
      i += m[0].length;
    }
    needDot = true;
  }
  if (out.length === 0) return { at: 0, message: "empty path" };
  // A trailing `**` (`redact ** matching aws_key …`, §13.3) reaches the node and everything below it.
  return out;
}

/** RFC 6901 JSON pointer for a list of keys/indexes. */
export function jsonPointer(steps: readonly (string | number)[]): string {
  let s = "";
  for (const k of steps) {
    const t = typeof k === "number" ? String(k) : k;
    s += "/" + (t.includes("~") || t.includes("/") ? t.replace(/~/g, "~0").replace(/\//g, "~1") : t);
  }
  return s;
}
