/**
 * Safe primitives for building generated code (after ajv's `codegen/code.ts`). Generated text is
 * only ever produced here:
 * - `ts\`…\`` interpolates values by kind: strings become JSON-quoted literals (with U+2028/2029
 *   escaped), numbers must be finite, identifiers must be a validated `Name`, and nested code must
 *   be a `Code` built by these same primitives. There is no way to splice raw user text.
 * - `comment()` makes a line comment whose text is printable ASCII only (anything else is escaped),
 *   so a newline, U+2028 or `*\/` in a tool name or id can never end the comment.
 */
import { isReserved } from "./names.js";

/** A fragment of generated code. Only this module constructs it. */
export class Code {
  private constructor(readonly text: string) {}

  /** @internal used by the primitives below. */
  static trusted(text: string): Code {
    return new Code(text);
  }

  toString(): string {
    return this.text;
  }
}

/** A validated identifier: ASCII `[A-Za-z_$][A-Za-z0-9_$]*`, not a reserved word. */
export class Name {
  private constructor(readonly text: string) {}

  static of(id: string): Name {
    if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(id) || isReserved(id)) throw new Error(`internal: invalid generated identifier ${JSON.stringify(id)}`);
    return new Name(id);
  }

  toString(): string {
    return this.text;
  }
}

/** What `ts\`\`` accepts in a `${…}` slot. */
export type Interpolation = Code | Name | string | number | boolean | null;

/** A string as a TypeScript string literal that is also valid JSON and safe in any JS context. */
export function quote(s: string): string {
  return JSON.stringify(s).replace(/\u2028/g, "\\u2028").replace(/\u2029/g, "\\u2029").replace(/</g, "\\u003c");
}

function render(v: Interpolation): string {
  if (v instanceof Code || v instanceof Name) return v.text;
  if (typeof v === "string") return quote(v);
  if (typeof v === "number") {
    if (!Number.isFinite(v)) throw new Error(`internal: non-finite number in generated code`);
    return Object.is(v, -0) ? "0" : String(v);
  }
  if (typeof v === "boolean") return v ? "true" : "false";
  if (v === null) return "null";
  throw new Error(`internal: cannot interpolate ${typeof v} into generated code`);
}

/** The tagged template: literal parts are trusted (they are in this compiler's source). */
export function ts(strings: TemplateStringsArray, ...values: Interpolation[]): Code {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]!) + strings[i + 1]!;
  return Code.trusted(out);
}

/** Separators `join` may use. */
export type Separator = ", " | "\n" | " || " | " && " | "";

/** Join code fragments with a fixed separator. */
export function join(parts: readonly Code[], sep: Separator): Code {
  return Code.trusted(parts.map((p) => p.text).join(sep));
}

/** Indent every line of a fragment by two spaces per level. */
export function indent(code: Code, levels = 1): Code {
  const pad = "  ".repeat(levels);
  return Code.trusted(
    code.text
      .split("\n")
      .map((l) => (l.length > 0 ? pad + l : l))
      .join("\n"),
  );
}

/** Printable ASCII for comments: every other code unit (and the backslash) is `\uXXXX`-escaped. */
export function commentText(text: string): string {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    out += c >= 0x20 && c <= 0x7e && c !== 0x5c ? text[i] : `\\u${c.toString(16).padStart(4, "0")}`;
  }
  return out;
}

/** A `//` line comment carrying arbitrary text safely. */
export function comment(text: string): Code {
  return Code.trusted(`// ${commentText(text)}`);
}

/** A frozen array literal. */
export function frozenArray(items: readonly Interpolation[]): Code {
  return Code.trusted(`Object.freeze([${items.map(render).join(", ")}])`);
}

/** A frozen object literal with fixed identifier keys (never user-chosen keys: no `__proto__` trap). */
export function frozenObject(entries: readonly (readonly [Name, Interpolation])[]): Code {
  return Code.trusted(`Object.freeze({ ${entries.map(([k, v]) => `${k.text}: ${render(v)}`).join(", ")} })`);
}
