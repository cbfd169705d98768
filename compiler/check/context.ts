/** What a check rule receives, and the shape of a rule in the ordered registry (`rules/index.ts`). */
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { Program } from "./program.js";

/** The program under check and the bag rules report into. */
export interface CheckContext {
  readonly program: Program;
  readonly diags: Diagnostics;
}

/** One invariant, checked by one visitor. Its doc comment names the invariant and its codes. */
export interface CheckRule {
  readonly name: string;
  run(ctx: CheckContext): void;
}
