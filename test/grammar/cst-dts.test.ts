/**
 * `grammar/talon.cst.d.ts` is generated from the parser and committed; the lowering is typed
 * against it. This test fails when the grammar changed and the file was not regenerated, and
 * rewrites it when run with `TALON_ACCEPT=1`.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { expect, it } from "vitest";
import { talonCstDts } from "../../grammar/cst-dts.js";
import { talonParser } from "../../compiler/parse/parser-instance.js";

it("grammar/talon.cst.d.ts matches the grammar", () => {
  const path = new URL("../../grammar/talon.cst.d.ts", import.meta.url).pathname;
  const fresh = talonCstDts(talonParser());
  if (process.env.TALON_ACCEPT === "1") writeFileSync(path, fresh);
  expect(readFileSync(path, "utf8")).toBe(fresh);
});
