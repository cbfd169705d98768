/**
 * Identifiers in generated code. Reserved words (ECMAScript, TypeScript's contextual keywords that
 * matter in declarations) and the names the emitted module defines for itself can never be
 * produced from policy text; generated names are built from fixed prefixes plus sanitized slugs
 * and counters, then validated by `Name.of`.
 */

const RESERVED = new Set([
  // ECMAScript reserved words and literals
  ..."break case catch class const continue debugger default delete do else enum export extends false finally for function if import in instanceof new null return super switch this throw true try typeof var void while with yield let static implements interface package private protected public await async".split(" "),
  // Globals the generated code uses or must not shadow
  ..."Object Array String Number Boolean Symbol Error JSON Math undefined NaN Infinity eval arguments globalThis".split(" "),
  // TypeScript names the emitted module imports
  ..."type declare namespace module abstract as any unknown never readonly keyof infer is asserts Decision Principal PrincipalSpec CompiledAgent ToolClass".split(" "),
]);

/** True for identifiers generated code must not define. */
export function isReserved(id: string): boolean {
  return RESERVED.has(id);
}

/** A readable identifier fragment from arbitrary text: `[A-Za-z0-9_]` only, at most 32 characters. */
export function slug(text: string): string {
  const s = text.replace(/[^A-Za-z0-9_]+/g, "_").replace(/^_+|_+$/g, "").slice(0, 32);
  return s.length > 0 ? s : "x";
}

/** Slugs for agents, unique within the bundle (a clash or an empty slug gets the agent's index). */
export function agentSlugs(names: readonly string[]): string[] {
  const seen = new Set<string>();
  return names.map((n, i) => {
    let s = slug(n);
    if (seen.has(s)) s = `${s}_${i}`;
    seen.add(s);
    return s;
  });
}
