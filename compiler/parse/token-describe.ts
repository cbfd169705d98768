/**
 * Human descriptions of tokens for syntax errors: what was expected (`` `}` ``, `a string`,
 * `one of `read_only` or `read_write``) and what was found (`` keyword `grant` ``,
 * `` identifier `polcy` ``, `end of file`).
 */
import { EOF, tokenLabel, type IToken, type TokenType } from "chevrotain";
import * as T from "../../grammar/tokens.js";

const ARTICLE: Readonly<Record<string, string>> = {
  identifier: "an identifier",
  name: "a name",
  string: "a string",
  number: "a number",
  duration: "a duration",
  size: "a size",
  regex: "a regex",
  token: "a token",
};

/** `a string`, `` `{` ``, `` `forbid` ``. */
export function describeExpected(t: TokenType): string {
  if (t === EOF) return "end of input";
  const label = tokenLabel(t);
  return ARTICLE[label] ?? label;
}

/** `` `a` ``, `` `a` or `b` ``, `` one of `a`, `b` or `c` `` (duplicates removed, order kept). */
export function describeAlternatives(types: readonly TokenType[]): string {
  const labels = [...new Set(types.map(describeExpected))];
  if (labels.length === 1) return labels[0]!;
  const list = `${labels.slice(0, -1).join(", ")} or ${labels.at(-1)}`;
  return labels.every((l) => l.startsWith("`")) && labels.length > 2 ? `one of ${list}` : list;
}

const MAX_SHOWN = 32;

/** What the parser found: `end of file`, `` keyword `grant` ``, `` string `"x"` ``, `` `}` ``. */
export function describeFound(tok: IToken, endOfInput = "end of file"): string {
  const t = tok.tokenType;
  if (t === EOF) return endOfInput;
  const image = tok.image.length > MAX_SHOWN ? `${tok.image.slice(0, MAX_SHOWN)}…` : tok.image;
  if (t === T.Identifier) return `identifier \`${image}\``;
  if (Object.values(T.K).includes(t)) return `keyword \`${image}\``;
  const label = tokenLabel(t);
  if (label.startsWith("`")) return label;
  return `${label} \`${image}\``;
}
