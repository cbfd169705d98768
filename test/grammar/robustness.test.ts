/**
 * Damaged inputs never crash the front end and never yield an AST alongside an error: the §13
 * examples are mutated (a chunk deleted, duplicated or swapped; a character inserted)
 * deterministically and parsed.
 */
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { parse } from "./helpers.js";

const dir = new URL("./fixtures/", import.meta.url).pathname;
const fixtures = readdirSync(dir).filter((f) => f.endsWith(".talon")).map((f) => readFileSync(dir + f, "utf8"));
const NOISE = ["{", "}", "(", ")", "[", "]", '"', "'", "/", ",", ".", "..", "@", "=", "&", "|", "?", "-", "*", "#", "\n", "é", "\u202E", "1", "x", "tool", "when", "and"];

it("survives 600 mutations of the examples", () => {
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  for (let i = 0; i < 600; i++) {
    const text = fixtures[i % fixtures.length]!;
    const at = rand(text.length);
    const len = 1 + rand(40);
    let mutated: string;
    switch (rand(4)) {
      case 0:
        mutated = text.slice(0, at) + text.slice(at + len);
        break;
      case 1:
        mutated = text.slice(0, at) + text.slice(at, at + len) + text.slice(at);
        break;
      case 2: {
        const other = rand(text.length);
        mutated = text.slice(0, at) + text.slice(other, other + len) + text.slice(at + len);
        break;
      }
      default:
        mutated = text.slice(0, at) + NOISE[rand(NOISE.length)] + text.slice(at);
    }
    const p = parse(mutated);
    if (p.diags.hasErrors) expect(p.ast, mutated).toBeUndefined();
    else expect(p.ast, mutated).toBeDefined();
  }
});
