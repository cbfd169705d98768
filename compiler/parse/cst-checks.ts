/**
 * Checks that run on the concrete syntax tree even when it holds recovered errors, so they show
 * up together with other syntax errors: `and`/`or`/`not` as operators (TAL0204), `=` in a
 * condition (TAL0205), and `gateway`, which parses but is not supported yet (TAL0202). The
 * grammar accepts these forms on purpose so that one mistake gives one precise diagnostic.
 */
import type { CstNode, IToken } from "chevrotain";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { Source } from "../source/source.js";

const WORD_OPERATORS: Readonly<Record<string, { child: string; op: string; replacement: string }>> = {
  expr: { child: "Or", op: "or", replacement: "||" },
  andExpr: { child: "And", op: "and", replacement: "&&" },
  unaryExpr: { child: "Not", op: "not", replacement: "!" },
};

/** Walk `root` and report TAL0204, TAL0205 and unsupported `gateway` declarations. */
export function checkCst(source: Source, root: CstNode, diags: Diagnostics): void {
  const stack: CstNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const word = WORD_OPERATORS[node.name];
    if (word) {
      for (const tok of real(node.children[word.child])) {
        const span = source.span(tok.startOffset, tok.startOffset + tok.image.length);
        diags.report("TAL0204", span, {
          args: { op: word.op },
          help: `write \`${word.replacement}\``,
          fix: { span, replacement: word.replacement },
        });
      }
    } else if (node.name === "compareOp") {
      for (const tok of real(node.children.Assign)) {
        const span = source.span(tok.startOffset, tok.startOffset + 1);
        diags.report("TAL0205", span, { help: "`=` only binds names in `const`; compare with `==`", fix: { span, replacement: "==" } });
      }
    } else if (node.name === "gatewayDecl") {
      for (const tok of real(node.children.Gateway)) {
        diags.report("TAL0202", source.span(tok.startOffset, tok.startOffset + tok.image.length), {
          args: { kw: "gateway" },
          help: "`gateway` (the LLM gateway, LANGUAGE.md §8.5) is not supported yet; its block was skipped",
        });
      }
    }
    for (const children of Object.values(node.children)) {
      for (const child of children) if ("children" in child) stack.push(child);
    }
  }
}

/** Tokens that came from the text (not inserted by error recovery). */
function real(tokens: readonly unknown[] | undefined): IToken[] {
  return ((tokens ?? []) as IToken[]).filter((t) => !t.isInsertedInRecovery && Number.isFinite(t.startOffset));
}
