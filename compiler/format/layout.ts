/**
 * What the formatter needs to know about a file's structure, read off its concrete syntax tree:
 * where statements and block entries start, what kind of block each `{` opens, which node each
 * token belongs to (a `(` that starts a call vs a group, a unary vs a binary `-`), which ranges are
 * printed verbatim, and which `??` chains get parentheses (§5: TypeScript binds `??` the other way
 * than `.talon`, so a `??` operand of a comparison, `&&` or `||` is parenthesized).
 */
import type { CstElement, CstNode, IToken } from "chevrotain";

/** How a `{ … }` is laid out. */
export type BlockKind =
  /** One item per line (`agent`, `test`). */
  | "statements"
  /** Small settings blocks (`compliance { … }`, `team x { … }`): kept on one line if written so. */
  | "entries"
  /** An object literal in an expression. */
  | "object";

export interface Layout {
  /** Offsets of tokens that start a statement: declaration, import, agent item, test statement. */
  readonly statementStarts: ReadonlySet<number>;
  /** Offsets of the first token after a statement's annotations (`@id("x")` on a line of its own). */
  readonly afterAnnotations: ReadonlySet<number>;
  /** Offsets of tokens that start an entry of an "entries" block. */
  readonly entryStarts: ReadonlySet<number>;
  /** For each `{` (by offset): its kind and the offset of its `}`. */
  readonly blocks: ReadonlyMap<number, { readonly kind: BlockKind; readonly close: number }>;
  /** For each token (by offset): the name of the CST node holding it, and whether it is that node's first token. */
  readonly parents: ReadonlyMap<number, { readonly node: string; readonly first: boolean }>;
  /** `[start, end]` (inclusive end) ranges printed exactly as written: field paths (the IR keeps their text) and `gateway` bodies. */
  readonly verbatim: readonly (readonly [number, number])[];
  /** Offsets before which `(` is inserted, with counts, and token end offsets after which `)` is. */
  readonly openParens: ReadonlyMap<number, number>;
  readonly closeParens: ReadonlyMap<number, number>;
}

const STATEMENT_NODES = new Set(["decl", "importDecl", "agentEntry", "testStmt"]);
const ENTRY_NODES = new Set([
  "detectorItem",
  "teamItem",
  "principalItem",
  "limitsEntry",
  "complianceEntry",
  "evidenceEntry",
  "tlsEntry",
  "toolEntry",
  "approveOption",
]);
const STATEMENT_BLOCKS = new Set(["agentDecl", "testDecl"]);

const isToken = (e: CstElement): e is IToken => "image" in e;

function children(node: CstNode): CstElement[] {
  return Object.values(node.children)
    .flat()
    .sort((a, b) => start(a) - start(b));
}

function start(e: CstElement): number {
  return isToken(e) ? e.startOffset : (e.location?.startOffset ?? 0);
}

function count(node: CstNode, key: string): number {
  return node.children[key]?.length ?? 0;
}

/** The layout facts of a parsed file. */
export function layoutOf(root: CstNode): Layout {
  const statementStarts = new Set<number>();
  const entryStarts = new Set<number>();
  const afterAnnotations = new Set<number>();
  const blocks = new Map<number, { kind: BlockKind; close: number }>();
  const parents = new Map<number, { node: string; first: boolean }>();
  const verbatim: [number, number][] = [];
  const openParens = new Map<number, number>();
  const closeParens = new Map<number, number>();
  const bump = (m: Map<number, number>, k: number) => m.set(k, (m.get(k) ?? 0) + 1);

  // `looser`: an operator looser than `??` (comparison, `in`, `matches`, `&&`, `||`) applies to this node's value.
  const walk = (node: CstNode, looser: boolean): void => {
    const loc = node.location;
    const from = loc?.startOffset ?? 0;
    if ((node.name === "fieldPath" || node.name === "skippedBlock") && loc) {
      verbatim.push([from, loc.endOffset ?? from]);
      return;
    }
    if (STATEMENT_NODES.has(node.name)) {
      statementStarts.add(from);
      const annotations = node.children["annotation"];
      if (annotations?.length) {
        // Each annotation after the first, and what follows them, may sit on a line of its own.
        for (const c of children(node).slice(1)) {
          afterAnnotations.add(start(c));
          if (!annotations.includes(c)) break;
        }
      }
    }
    if (ENTRY_NODES.has(node.name)) entryStarts.add(from);
    if (node.name === "file") for (const t of node.children["Talon"] ?? []) if (isToken(t)) statementStarts.add(t.startOffset);
    let inner = false;
    if (node.name === "expr") inner = looser || count(node, "andExpr") > 1;
    else if (node.name === "andExpr") inner = looser || count(node, "relExpr") > 1;
    else if (node.name === "relExpr") inner = looser || count(node, "coalExpr") > 1 || count(node, "rangeExpr") > 0;
    else if (node.name === "coalExpr" && looser && count(node, "Coalesce") > 0 && loc?.endOffset !== undefined) {
      bump(openParens, from);
      bump(closeParens, loc.endOffset);
    }
    const lbrace = node.children["LBrace"]?.[0];
    const rbrace = node.children["RBrace"]?.[0];
    if (lbrace && rbrace && isToken(lbrace) && isToken(rbrace)) {
      const kind: BlockKind = node.name === "objectExpr" ? "object" : STATEMENT_BLOCKS.has(node.name) ? "statements" : "entries";
      blocks.set(lbrace.startOffset, { kind, close: rbrace.startOffset });
    }
    if (node.name === "rootItem") {
      // `root n { path "…"  access read }`: its two settings are entries, though not subrules.
      for (const key of ["Path", "Access"]) for (const t of node.children[key] ?? []) if (isToken(t)) entryStarts.add(t.startOffset);
    }
    for (const c of children(node)) {
      if (isToken(c)) parents.set(c.startOffset, { node: node.name, first: c.startOffset === from });
      else walk(c, inner);
    }
  };
  walk(root, false);
  return { statementStarts, afterAnnotations, entryStarts, blocks, parents, verbatim, openParens, closeParens };
}
