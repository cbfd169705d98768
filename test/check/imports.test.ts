import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics, diagsAt, expectValid } from "./harness.js";

describe("imports", () => {
  test("imports are relative to the importing file; globs expand sorted", () => {
    const files = {
      "main.talon": `talon 1\nimport "agents/*.talon"\nimport "shared/principals.talon"\n`,
      "shared/principals.talon": PRELUDE,
      "agents/b.talon": `talon 1\nimport "../shared/principals.talon"\nagent "b" { upstream "https://b" }\n`,
      "agents/a.talon": `talon 1\nagent "a" { upstream "https://a" }\n`,
      "agents/notes.txt": "not policy",
    };
    const ir = expectValid(files, ["main.talon"]);
    expect(ir.agents.map((a) => a.name)).toEqual(["a", "b"]);
    expect(ir.principals.map((p) => p.id)).toEqual(["v"]);
  });

  test("a missing import, or a glob that matches nothing, is TAL0304", () => {
    const files = { "main.talon": `talon 1\nimport "nope.talon"\nimport "agents/*.talon"\n` };
    const ds = diagnostics(files, ["main.talon"]).filter((d) => d.code === "TAL0304");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["2:8 import not found: `nope.talon`", "3:8 import not found: `agents/*.talon`"]);
  });

  test("an import cycle is TAL0303, naming the cycle", () => {
    const files = {
      "a.talon": `talon 1\nimport "b.talon"\n`,
      "b.talon": `talon 1\nimport "c.talon"\n`,
      "c.talon": `talon 1\nimport "a.talon"\n`,
    };
    const ds = diagnostics(files, ["a.talon"]).filter((d) => d.code === "TAL0303");
    expect(ds.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["c.talon:2:8 import cycle: a.talon -> b.talon -> c.talon -> a.talon"]);
  });

  test("a file both given and imported is loaded once", () => {
    const files = { "a.talon": `talon 1\nimport "b.talon"\nvendor "v" { token env("V") }\n`, "b.talon": `talon 1\nagent "b" { upstream "https://b" }\n` };
    expect(expectValid(files).agents.map((a) => a.name)).toEqual(["b"]);
    expect(diagsAt(files, ["TAL0302", "TAL0303"])).toEqual([]);
  });
});
