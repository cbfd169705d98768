/**
 * Field paths (LANGUAGE.md §8.1): `requester.email`, `tickets[*].requester.email`, `**.token`,
 * `["a b"][3]`, `args.paths[*]`. Segment kinds: key, index, `[*]` elements, `*` members, `**`
 * descendants. An index must be a whole number (TAL0601 otherwise).
 */
import type { IToken } from "chevrotain";
import type { FieldPathBracketCstNode, FieldPathCstNode, PathListCstNode } from "../../grammar/talon.cst.js";
import { decodeNumber, decodeString } from "../parse/literals.js";
import type { FieldPath, PathSegment } from "./ast.js";
import { first, type LowerContext } from "./cst-context.js";

/** Lower a comma-separated path list. */
export function lowerPathList(ctx: LowerContext, node: PathListCstNode): FieldPath[] {
  return node.children.fieldPath.map((p) => lowerFieldPath(ctx, p));
}

/** Lower one field path. */
export function lowerFieldPath(ctx: LowerContext, node: FieldPathCstNode): FieldPath {
  const c = node.children;
  const text = ctx.textOf(node);
  const segments: PathSegment[] = [];
  if (c.DoubleStar) segments.push({ kind: "descendants" });
  else if (c.Star) segments.push({ kind: "members" });
  else if (c.Name) segments.push({ kind: "key", key: first(c.Name).image });
  else segments.push(bracket(ctx, first(c.fieldPathBracket), text));
  for (const step of c.fieldPathStep ?? []) {
    const s = step.children;
    if (s.fieldPathBracket) segments.push(bracket(ctx, first(s.fieldPathBracket), text));
    else if (s.DoubleStar) segments.push({ kind: "descendants" });
    else if (s.Star) segments.push({ kind: "members" });
    else segments.push({ kind: "key", key: first(s.Name).image });
  }
  return { segments, text, span: ctx.nodeSpan(node) };
}

function bracket(ctx: LowerContext, node: FieldPathBracketCstNode, text: string): PathSegment {
  const c = node.children;
  if (c.Star) return { kind: "elements" };
  if (c.StringLit) return { kind: "key", key: decodeString(first(c.StringLit).image).value };
  const num: IToken = first(c.Number);
  const { value } = decodeNumber(num.image);
  if (!Number.isInteger(value)) {
    ctx.diags.report("TAL0601", ctx.tokSpan(num), { args: { p: text }, help: "an index is a whole number: `items[0]`" });
  }
  return { kind: "index", index: value };
}
