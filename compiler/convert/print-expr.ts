/**
 * AST expressions (§5) printed as `.talon` source with as few parentheses as the grammar needs
 * (§10 precedence, tightest first: postfix, unary, `*`, `+ -`, `??`, relational, `&&`, `||`).
 * A `??` under a relational, `&&` or `||` operator is parenthesized although `.talon` would not
 * need it: TypeScript binds `??` the other way, and §5 asks for the parentheses.
 */
import type { Expr, Literal, PathStep } from "../lower/ast.js";
import type { Span } from "../source/source.js";
import { isNameToken, objectKey, quoteString, regexLiteral } from "./quote.js";

/** A value the printer cannot write as `.talon` text. */
export class Unprintable extends Error {
  override readonly name = "Unprintable";
  constructor(
    message: string,
    /** Where the value came from, when known. */
    readonly span?: Span,
  ) {
    super(message);
  }
}

const OR = 1;
const AND = 2;
const REL = 3;
const COALESCE = 4;
const ADD = 5;
const MUL = 6;
const UNARY = 7;
const POSTFIX = 8;

function binaryLevel(op: string): number {
  switch (op) {
    case "||":
      return OR;
    case "&&":
      return AND;
    case "??":
      return COALESCE;
    case "+":
    case "-":
      return ADD;
    case "*":
      return MUL;
    default:
      return REL;
  }
}

function level(e: Expr): number {
  if (e.kind === "binary") return binaryLevel(e.op);
  if (e.kind === "in_range") return REL;
  if (e.kind === "unary") return UNARY;
  return POSTFIX;
}

/** `e` printed so that it parses back to the same tree. */
export function printExpr(e: Expr): string {
  return print(e);
}

/** Print `e` where an operand of at least level `min` is expected. */
function operand(e: Expr, min: number, parentOp?: string): string {
  const text = print(e);
  const l = level(e);
  const coalesceUnderLooser = e.kind === "binary" && e.op === "??" && parentOp !== undefined && binaryLevel(parentOp) < COALESCE;
  return l < min || coalesceUnderLooser ? `(${text})` : text;
}

function print(e: Expr): string {
  switch (e.kind) {
    case "null":
    case "bool":
    case "number":
    case "string":
    case "duration":
    case "size":
    case "money":
      return printLiteral(e);
    case "regex": {
      const lit = regexLiteral(e.source, e.flags);
      if (lit === undefined) throw new Unprintable(`regex /${e.source}/ cannot be written as a .talon regex literal`, e.span);
      return lit;
    }
    case "path":
      return e.root.name + e.steps.map(printStep).join("");
    case "list":
      return `[${e.items.map(print).join(", ")}]`;
    case "object":
      return e.entries.length === 0 ? "{}" : `{ ${e.entries.map((en) => `${objectKey(en.key)}: ${print(en.value)}`).join(", ")} }`;
    case "unary":
      return e.op + operand(e.operand, UNARY);
    case "binary": {
      const l = binaryLevel(e.op);
      if (e.op === "matches") return `${operand(e.left, REL + 1, e.op)} matches ${operand(e.right, REL + 1, e.op)}`;
      // Relational operators do not chain: both sides are one level tighter. The rest are left-associative.
      const leftMin = l === REL ? REL + 1 : l;
      return `${operand(e.left, leftMin, e.op)} ${e.op} ${operand(e.right, l + 1, e.op)}`;
    }
    case "in_range":
      return `${operand(e.value, REL + 1, "in")} in ${printLiteral(e.low)}..${printLiteral(e.high)}`;
    case "call": {
      const args = `(${e.args.map(print).join(", ")})`;
      return e.target === undefined ? `${e.callee.name}${args}` : `${operand(e.target, POSTFIX)}.${e.callee.name}${args}`;
    }
  }
}

function printStep(s: PathStep): string {
  if (s.kind === "member") {
    if (!isNameToken(s.name)) throw new Unprintable(`member \`${s.name}\` is not a name`, s.span);
    return `.${s.name}`;
  }
  return `[${print(s.index)}]`;
}

export function printLiteral(e: Literal): string {
  switch (e.kind) {
    case "null":
      return "null";
    case "bool":
      return String(e.value);
    case "string":
      return quoteString(e.value);
    case "number":
    case "duration":
    case "size":
    case "money":
      return e.text;
  }
}
