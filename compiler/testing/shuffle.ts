/**
 * `talonc test --shuffle[=seed]` (§7.4): permute the declarations — files, top-level declarations,
 * and the items and rules inside each agent — with a seeded PRNG, so a failure can be replayed
 * with the printed seed. Statements inside a `test` keep their order (they are a sequence).
 */
import type { FileAst } from "../lower/ast.js";

/** mulberry32: a small, fast, well-mixed 32-bit PRNG; returns floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Fisher–Yates permutation of `xs` (a new array). */
export function permute<T>(xs: readonly T[], rand: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A reorder hook for `compile` that permutes files, declarations and agent items. */
export function shuffler(seed: number): (files: readonly FileAst[]) => FileAst[] {
  return (files) => {
    const rand = prng(seed);
    return permute(files, rand).map((f) => ({
      ...f,
      decls: permute(f.decls, rand).map((d) => (d.kind === "agent" ? { ...d, items: permute(d.items, rand) } : d)),
    }));
  };
}
