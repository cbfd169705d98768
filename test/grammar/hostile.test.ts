/**
 * Hostile strings survive parsing exactly: the emitter quotes AST values into generated code and
 * relies on them being the bytes the author meant, no more and no less.
 */
import { describe, expect, it } from "vitest";
import { agentOf, parseBody } from "./helpers.js";

/** Write `value` as a `.talon` double-quoted literal. */
function lit(value: string): string {
  let out = '"';
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '"' || ch === "\\") out += `\\${ch}`;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    // Controls, line/paragraph separators and bidi controls (TAL0109 if raw) go as \u{…}.
    else if (cp < 0x20 || cp === 0x7f || cp === 0x2028 || cp === 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      out += `\\u{${cp.toString(16)}}`;
    } else out += ch;
  }
  return `${out}"`;
}

const HOSTILE = [
  'a"b',
  "a'b",
  "back\\slash\\",
  "${process.exit(1)}",
  "`${x}`",
  "*/ evil(); /*",
  "</script><script>",
  "line1\nline2\r\n\ttab",
  "\u0000nul\u0001",
  "zendesk_\u0430dmin", // Cyrillic а
  "emoji 😀 and é and \u202Ebidi\u2066",
  "\u2028\u2029",
  "'; DROP TABLE x; --",
  "\\u{41}", // the six characters, not "A"
  "#not a comment",
  " leading and trailing ",
  "",
];

describe("hostile strings round-trip", () => {
  it.each(HOSTILE.map((h) => [JSON.stringify(h), h]))("%s", (_, h) => {
    const body = [
      `@id(${lit(h)}) @reason(${lit(h)})`,
      `forbid tool ${lit(h)}, plain when args.x == ${lit(h)}`,
      `tool ${lit(h)} -> ${lit(h)} { class read }`,
      `test ${lit(h)} { call ${lit(h)} as ${lit(h)} with { ${lit(h)}: ${lit(h)} } expect deny by ${lit(h)} }`,
    ].join("\n  ");
    const p = parseBody(`agent ${lit(h)} {\n  ${body}\n}`);
    expect(p.rendered).toBe("");
    const agent = agentOf(p);
    expect(agent.name.value).toBe(h);
    const [forbid, tool, test] = agent.items;
    if (forbid?.kind !== "forbid" || tool?.kind !== "tool" || test?.kind !== "test") throw new Error("shape");
    expect(forbid.annotations.map((a) => a.value)).toEqual([h, h]);
    expect(forbid.targets.kind === "tools" && forbid.targets.refs.map((r) => r.name)).toEqual([h, "plain"]);
    expect(forbid.cond!.expr).toMatchObject({ right: { kind: "string", value: h } });
    expect(tool.refs[0]!.name).toBe(h);
    expect(tool.upstream!.value).toBe(h);
    expect(test.name.value).toBe(h);
    const [call, verdicts] = test.stmts;
    expect(call).toMatchObject({ kind: "call", tool: { name: h }, as: { value: h } });
    expect(call?.kind === "call" && call.with!.entries[0]).toMatchObject({ key: h, value: { value: h } });
    expect(verdicts).toMatchObject({ verdicts: [{ by: { kind: "rule", id: { value: h } } }] });
  });

  it("round-trips generated strings over a hostile alphabet", () => {
    const alphabet = ['"', "'", "\\", "$", "{", "}", "`", "*", "/", "\n", "\r", "\t", "\u0000", "é", "😀", "\u202E", "a", " ", "#", "r"];
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 200; i++) {
      const s = Array.from({ length: rand(12) }, () => alphabet[rand(alphabet.length)]).join("");
      const p = parseBody(`const c = ${lit(s)}`);
      expect(p.rendered).toBe("");
      expect(p.ast!.decls[0]).toMatchObject({ value: { kind: "string", value: s } });
    }
  });

  it("keeps raw strings verbatim", () => {
    const p = parseBody(`const c = r"\\d+\\u{41}$\{x}"`);
    expect(p.ast!.decls[0]).toMatchObject({ value: { value: "\\d+\\u{41}${x}" } });
  });
});
