/**
 * Field paths written as YAML strings (`pii_handling.redaction_rules[].field`), parsed to the same
 * segments as `.talon`'s `field_path` (LANGUAGE.md §8.1, §10): `a.b`, `[*]`, `[3]`, `*`, `**`,
 * `["key"]`. A YAML string may name keys that are not identifiers (`x-request-id`), so a name here
 * is any run of characters other than `.`, `[`, `]`, `*`, quotes and whitespace; `talonc convert`
 * prints such keys as `["…"]`.
 */
import type { PathSegment } from "./ast.js";

/** The parse of one field path: its segments, or where and why it is invalid. */
export type FieldPathParse =
  | { readonly ok: true; readonly segments: readonly PathSegment[] }
  | { readonly ok: false; readonly offset: number; readonly why: string };

const NAME = /[^.[\]*"'\s]+/y;
const INDEX = /(0|[1-9]\d*)\]/y;

/** Parse `text` (e.g. `tickets[*].requester.email`). Offsets in a failure are into `text`. */
export function parseFieldPath(text: string): FieldPathParse {
  const segments: PathSegment[] = [];
  let i = 0;
  const fail = (why: string): FieldPathParse => ({ ok: false, offset: Math.min(i, text.length), why });
  if (text.length === 0) return fail("the path is empty");
  // A segment is expected at the start and after each `.`; `[` may follow any segment.
  let needSegment = true;
  while (i < text.length) {
    const c = text[i]!;
    if (c === "[") {
      i++;
      if (text.startsWith("*]", i)) {
        segments.push({ kind: "elements" });
        i += 2;
      } else if (text[i] === '"' || text[i] === "'") {
        const key = readQuoted(text, i);
        if (key === undefined || text[key.end] !== "]") return fail("expected a quoted key and `]`");
        segments.push({ kind: "key", key: key.value });
        i = key.end + 1;
      } else {
        INDEX.lastIndex = i;
        const m = INDEX.exec(text);
        if (!m) return fail("expected `*`, an index or a quoted key after `[`");
        segments.push({ kind: "index", index: Number(m[1]) });
        i = INDEX.lastIndex;
      }
      needSegment = false;
    } else if (needSegment) {
      if (text.startsWith("**", i)) {
        segments.push({ kind: "descendants" });
        i += 2;
      } else if (c === "*") {
        segments.push({ kind: "members" });
        i += 1;
      } else {
        NAME.lastIndex = i;
        const m = NAME.exec(text);
        if (!m) return fail(`unexpected \`${c}\``);
        segments.push({ kind: "key", key: m[0] });
        i = NAME.lastIndex;
      }
      needSegment = false;
    } else if (c === ".") {
      i++;
      needSegment = true;
      if (i === text.length) return fail("the path ends with `.`");
    } else {
      return fail(`unexpected \`${c}\`; segments are separated by \`.\``);
    }
  }
  return { ok: true, segments };
}

/** A `"…"` or `'…'` key with `\\`, `\"`, `\'` escapes; `end` is just past the closing quote. */
function readQuoted(text: string, start: number): { value: string; end: number } | undefined {
  const quote = text[start];
  let value = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === "\\") {
      const next = text[i + 1];
      if (next !== "\\" && next !== '"' && next !== "'") return undefined;
      value += next;
      i++;
    } else {
      value += c;
    }
  }
  return undefined;
}
