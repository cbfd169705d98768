/**
 * Where a tool's path arguments are (`tool … { path args.path, args.paths[*] }`, §3): the
 * expressions as written, parsed into steps and resolved against a call's arguments. A declared
 * path that is absent (an unknown value, §5) is reported as missing, and the caller denies.
 */

export type ArgStep = { readonly kind: "key"; readonly key: string } | { readonly kind: "index"; readonly index: number } | { readonly kind: "each" };

/** One path argument value found in a call, with where it sits (for rewriting). */
export interface ArgHit {
  readonly expr: string;
  /** Concrete keys/indexes from the arguments object to the value. */
  readonly at: readonly (string | number)[];
  readonly value: unknown;
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$-]*/;

/** Parse `args.a.b[*]["k"][0]`; null when the text is not such a path (the caller denies). */
export function parseArgPath(text: string): ArgStep[] | null {
  if (!text.startsWith("args")) return null;
  const steps: ArgStep[] = [];
  let i = 4;
  while (i < text.length) {
    if (text[i] === ".") {
      const m = IDENT.exec(text.slice(i + 1));
      if (!m) return null;
      steps.push({ kind: "key", key: m[0] });
      i += 1 + m[0].length;
    } else if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) return null;
      const inner = text.slice(i + 1, close).trim();
      if (inner === "*") steps.push({ kind: "each" });
      else if (/^\d+$/.test(inner)) steps.push({ kind: "index", index: Number(inner) });
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) {
        try {
          steps.push({ kind: "key", key: JSON.parse(inner) as string });
        } catch {
          return null;
        }
      } else return null;
      i = close + 1;
    } else return null;
  }
  return steps.length > 0 ? steps : null;
}

const own = (o: object, k: string): boolean => Object.prototype.hasOwnProperty.call(o, k);

/**
 * The values `steps` reaches in `args`. A missing member or a non-container on the way gives a hit
 * with value undefined (checked as missing); `[*]` over an empty array gives no hit.
 */
export function resolveArgPath(expr: string, steps: readonly ArgStep[], args: unknown): ArgHit[] {
  const out: ArgHit[] = [];
  const walk = (node: unknown, i: number, at: (string | number)[]): void => {
    if (i === steps.length) {
      out.push({ expr, at: [...at], value: node });
      return;
    }
    const s = steps[i]!;
    if (s.kind === "each") {
      if (!Array.isArray(node)) return void out.push({ expr, at: [...at], value: undefined });
      node.forEach((v, j) => walk(v, i + 1, [...at, j]));
      return;
    }
    if (s.kind === "index") {
      if (!Array.isArray(node) || s.index >= node.length) return void out.push({ expr, at: [...at, s.index], value: undefined });
      return walk(node[s.index], i + 1, [...at, s.index]);
    }
    if (node === null || typeof node !== "object" || Array.isArray(node) || !own(node, s.key)) return void out.push({ expr, at: [...at, s.key], value: undefined });
    walk((node as Record<string, unknown>)[s.key], i + 1, [...at, s.key]);
  };
  walk(args, 0, []);
  return out;
}
