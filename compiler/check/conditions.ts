/**
 * What the condition checks (`rules/check-condition-*.ts`, TAL04xx/TAL09xx) share: every condition
 * of the program, a walk over expression nodes, and the static type of an expression where it is
 * known without request data (literals, consts, operators with a fixed result type). `undefined`
 * means "decided per request" — such an expression is never reported.
 */
import type { Cond, Expr, Rule } from "../lower/ast.js";
import type { Program } from "./program.js";

/** A condition with the rule it guards. */
export interface CondSite {
  readonly cond: Cond;
  readonly rule: Rule;
  /** From a YAML file: the condition is in args scope (a bare field is an argument). */
  readonly yaml: boolean;
}

/** Every `when`/`unless` of every agent. */
export function conditions(program: Program): CondSite[] {
  const out: CondSite[] = [];
  for (const agent of program.agents) {
    for (const { node: rule, file } of agent.rules) {
      if ("cond" in rule && rule.cond !== undefined) out.push({ cond: rule.cond, rule, yaml: file.origin === "yaml" });
    }
  }
  return out;
}

/** The direct sub-expressions of `e`. */
export function children(e: Expr): Expr[] {
  switch (e.kind) {
    case "path":
      return e.steps.flatMap((s) => (s.kind === "index" ? [s.index] : []));
    case "list":
      return [...e.items];
    case "object":
      return e.entries.map((en) => en.value);
    case "unary":
      return [e.operand];
    case "binary":
      return [e.left, e.right];
    case "in_range":
      return [e.value, e.low, e.high];
    case "call":
      return [...(e.target ? [e.target] : []), ...e.args];
    default:
      return [];
  }
}

/** Visit `e` and every sub-expression, parents first. */
export function walk(e: Expr, visit: (e: Expr) => void): void {
  visit(e);
  for (const c of children(e)) walk(c, visit);
}

/** A static type: `number`, `string`, `bool`, `null`, `duration`, `size`, `money EUR`, `list`, `object`, `regex`. */
export type StaticType = string;

const BOOL_OPS = new Set(["&&", "||", "==", "!=", "<", "<=", ">", ">=", "in", "matches"]);
const BOOL_FNS = new Set(["has", "startsWith", "endsWith", "contains", "exists", "all", "detect"]);
const STRING_FNS = new Set(["lower", "upper", "trim", "nfkc", "args_hash"]);

/** The static type of `e`, or undefined when it depends on the request. */
export function staticType(e: Expr, program: Program, seen: readonly string[] = []): StaticType | undefined {
  switch (e.kind) {
    case "null":
      return "null";
    case "bool":
      return "bool";
    case "number":
      return "number";
    case "string":
      return "string";
    case "duration":
      return "duration";
    case "size":
      return "size";
    case "money":
      return `money ${e.currency}`;
    case "regex":
      return "regex";
    case "list":
      return "list";
    case "object":
      return "object";
    case "path": {
      const c = program.consts.get(e.root.name);
      if (!c || e.steps.length > 0 || seen.includes(e.root.name)) return undefined;
      return staticType(c[0]!.value, program, [...seen, e.root.name]);
    }
    case "unary":
      return e.op === "!" ? "bool" : "number";
    case "binary":
      if (BOOL_OPS.has(e.op)) return "bool";
      if (e.op === "??") return undefined;
      return "number";
    case "in_range":
      return "bool";
    case "call":
      if (BOOL_FNS.has(e.callee.name)) return "bool";
      if (STRING_FNS.has(e.callee.name)) return "string";
      if (e.callee.name === "size" || e.callee.name === "hour" || e.callee.name === "weekday") return "number";
      return undefined;
  }
}

/** Whether two static types can be ordered (§5: number, string, duration, size, same-currency money). */
export function orderable(a: StaticType, b: StaticType): boolean {
  return a === b && (a === "number" || a === "string" || a === "duration" || a === "size" || a.startsWith("money "));
}
