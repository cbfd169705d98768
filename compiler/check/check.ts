/**
 * The check stage: build the resolved program and run every rule of the registry in order.
 * Rules only report; lowering to the IR (`ir/from-ast.ts`) reads the same program afterwards.
 */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { FileAst } from "../lower/ast.js";
import { buildProgram, type Program } from "./program.js";
import { CHECK_RULES } from "./rules/index.js";

/** Check parsed files; returns the program (lowerable when `diags` holds no errors). */
export function check(files: readonly FileAst[], diags: Diagnostics): Program {
  const program = buildProgram(files);
  for (const rule of CHECK_RULES) rule.run({ program, diags });
  return program;
}
