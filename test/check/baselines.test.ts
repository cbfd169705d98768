/**
 * Golden diagnostics of `check`: each `baselines/*.talon` is compiled through check and IR, and its
 * rendered diagnostics (all of them, as `talonc check` prints them) are compared with
 * `baselines/*.diag.txt`. Re-accept after an intended change with
 * `TALON_ACCEPT=1 node node_modules/vitest/vitest.mjs run --config test/vitest.config.ts test/check/baselines.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import { compileFiles } from "./harness.js";

const dir = new URL("./baselines/", import.meta.url).pathname;
const accept = process.env["TALON_ACCEPT"] === "1";

describe("check diagnostic baselines", () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".talon")).sort()) {
    it(file, () => {
      const path = `baselines/${file}`;
      const r = compileFiles({ [path]: readFileSync(dir + file, "utf8") });
      const actual = `${renderDiagnostics(r.diagnostics.sorted(), r.sources)}\n`;
      const golden = dir + file.replace(/\.talon$/, ".diag.txt");
      if (accept) writeFileSync(golden, actual);
      expect(existsSync(golden), `${golden} is missing; run with TALON_ACCEPT=1`).toBe(true);
      expect(actual).toBe(readFileSync(golden, "utf8"));
    });
  }
});
