/**
 * Golden diagnostics: each `baselines/*.talon` is parsed and its rendered diagnostics compared
 * with `baselines/*.diag.txt`. Re-accept after an intended change with
 * `TALON_ACCEPT=1 npx vitest run --config test/vitest.config.ts test/grammar/baselines.test.ts`.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parse } from "./helpers.js";

const dir = new URL("./baselines/", import.meta.url).pathname;
const accept = process.env.TALON_ACCEPT === "1";

describe("diagnostic baselines", () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".talon")).sort()) {
    it(file, () => {
      const p = parse(readFileSync(dir + file, "utf8"), `baselines/${file}`);
      const actual = `${p.rendered}\n`;
      const golden = dir + file.replace(/\.talon$/, ".diag.txt");
      if (accept || !existsSync(golden)) writeFileSync(golden, actual);
      expect(p.ast).toBeUndefined();
      expect(actual).toBe(readFileSync(golden, "utf8"));
    });
  }
});
