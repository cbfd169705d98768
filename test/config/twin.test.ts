/**
 * The seed YAML and its hand-written `.talon` twin (examples/zendesk-vendor-proxy/seed/) lower to
 * the same AST, spans and item order aside. (The IR-level equality test comes with `check`.)
 */
import { readFileSync } from "node:fs";
import { expect, test } from "vitest";
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import { parseTalon } from "../../compiler/parse/parse.js";
import { Source } from "../../compiler/source/source.js";
import { load, seedText, stripSpans } from "./helpers.js";

const TWIN = "examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon";

test("the .talon twin of the seed YAML parses to the same AST", () => {
  const source = new Source(TWIN, readFileSync(new URL(`../../${TWIN}`, import.meta.url), "utf8"));
  const diags = new Diagnostics();
  const talon = parseTalon(source, diags);
  expect(diags.items).toEqual([]);
  const yaml = load(seedText()).ast;
  expect(talon?.decls).toHaveLength(1);
  expect(yaml?.decls).toHaveLength(1);
  const [t, y] = [stripSpans(talon!.decls[0]), stripSpans(yaml!.decls[0])] as { items: unknown[] }[];
  const sorted = (items: unknown[]) => items.map((i) => JSON.stringify(i)).sort();
  expect(sorted(t!.items)).toEqual(sorted(y!.items));
  expect({ ...t, items: [] }).toEqual({ ...y, items: [] });
});
