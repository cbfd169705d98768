/**
 * Generation of `talon.cst.d.ts`, the CST node types of the grammar, from the parser's own
 * productions. The lowering (`compiler/lower/cst-*.ts`) is typed against that file, so a grammar
 * change that the lowering does not follow fails `tsc` — the compile-time twin of Chevrotain's
 * `validateVisitor()`. `test/grammar/cst-dts.test.ts` checks the committed file is fresh and
 * rewrites it when run with `TALON_ACCEPT=1`.
 */
import { generateCstDts } from "chevrotain";
import type { TalonParser } from "./parser.js";

const HEADER = `// GENERATED from grammar/parser*.ts by grammar/cst-dts.ts — DO NOT EDIT.
// Regenerate: TALON_ACCEPT=1 npx vitest run --config test/vitest.config.ts test/grammar/cst-dts.test.ts
`;

/** The text of `grammar/talon.cst.d.ts` for `parser`. */
export function talonCstDts(parser: TalonParser): string {
  return HEADER + generateCstDts(parser.getGAstProductions(), { includeVisitorInterface: false });
}
