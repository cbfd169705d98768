/**
 * Hostile text through the code generator (fast-json-stringify's "sanitize" suite, for us): ids,
 * reasons, agent and principal names, tool names, upstream names and URLs full of quotes,
 * backslashes, comment terminators, template syntax, newlines, U+2028/2029 and `</script>` must
 * come out of the generated bundle as the very same strings, and none of them may execute.
 */
import { afterEach, describe, expect, test } from "vitest";
import { Code, Name, comment, frozenObject, quote, ts } from "../compiler/emit/code.js";
import { decideRef } from "../compiler/interp/decide.js";
import { agentOf, emitFiles, importPolicy, principalFor } from "./emit/harness.js";

const PWN = "globalThis.__talonPwned";
const HOSTILE = [
  `"; ${PWN} = 1; "`,
  `*/ ${PWN} = 2; /*`,
  "${" + `${PWN} = 3` + "}",
  "back\\slash\\",
  `line\n${PWN} = 4;`,
  `sep\u2028${PWN} = 5;\u2029`,
  `</script><script>${PWN} = 6</script>`,
  `'); ${PWN} = 7; ('`,
  "`${" + `${PWN} = 8` + "}`",
  "nul\u0000 tab\t cr\r",
  "__proto__",
];

/** A `.talon` string literal for any text. */
function lit(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === "\\") out += "\\\\";
    else if (ch === '"') out += '\\"';
    else if (ch === "\n") out += "\\n";
    else if (ch === "\t") out += "\\t";
    else if (ch === "\r") out += "\\r";
    else if (c < 0x20 || c > 0x7e) out += `\\u{${c.toString(16)}}`;
    else out += ch;
  }
  return out + '"';
}

afterEach(() => {
  delete (globalThis as Record<string, unknown>)["__talonPwned"];
});

describe("safe code primitives", () => {
  test("quote gives a literal that evaluates to the same string and escapes line separators", () => {
    for (const h of HOSTILE) {
      const q = quote(h);
      expect(q).not.toMatch(/[\u2028\u2029\n\r]/);
      expect(JSON.parse(q)).toBe(h);
    }
  });

  test("comments are printable ASCII only, whatever the text", () => {
    for (const h of HOSTILE) expect(comment(h).text).toMatch(/^\/\/ [\x20-\x7e]*$/);
  });

  test("identifiers must be validated names; interpolated numbers must be finite", () => {
    expect(() => Name.of("a-b")).toThrow(/invalid generated identifier/);
    expect(() => Name.of("class")).toThrow(/invalid generated identifier/);
    expect(() => Name.of("x; y")).toThrow(/invalid generated identifier/);
    expect(() => ts`${Number.NaN}`).toThrow(/non-finite/);
    expect(ts`f(${"a\"b"}, ${Name.of("x")}, ${3}, ${null})`.text).toBe('f("a\\"b", x, 3, null)');
    expect(frozenObject([[Name.of("k"), "</script>"]]).text).toBe('Object.freeze({ k: "\\u003c/script>" })');
    expect(Code.trusted("x").text).toBe("x");
  });
});

describe("hostile policy text compiles to code that behaves and does not execute", () => {
  test.each(HOSTILE.map((h, i) => [i, h] as const))("hostile string #%i", async (_i, h) => {
    const agentName = `agent ${h}`;
    const vendor = `vendor ${h}`;
    const upstream = `up ${h}`;
    // A `*` would make a tool ref a glob (an invalid one here, TAL0308); tool names get no `*`.
    const badTool = `bad ${h.replace(/\*/g, "+")}`;
    const src = `talon 1
vendor ${lit(vendor)} { token env(${lit(`ENV_${h}`)}) }
team ops { approvers ${lit(`appr ${h}`)} }
agent ${lit(agentName)} {
  upstream ${lit(`https://x.example/${h}`)} vendor ${lit(h)}
  posture read_write
  tool ok_tool { class read }
  tool "x*" { class read }
  tool ${lit(badTool)} { class read }
  tool renamed -> ${lit(upstream)} { class read }
  grant vendor ${lit(vendor)} read on ok_tool, renamed, "x*", ${lit(badTool)}
  @id(${lit(`id1 ${h}`)}) @reason(${lit(`reason1 ${h}`)}) forbid tool bad_exact
  @id(${lit(`id2 ${h}`)}) @reason(${lit(`reason2 ${h}`)}) forbid tool "x_bad_*"
  tool gated { class read }
  grant vendor ${lit(vendor)} read on gated
  @id(${lit(`id3 ${h}`)}) confirm tool gated
  @id(${lit(`id4 ${h}`)}) approve tool gated by team ops
  @id(${lit(`id5 ${h}`)}) limit rate 1 per 1s on tool ok_tool
  @id(${lit(`id6 ${h}`)}) idempotent tool ok_tool key args.k ?? ${lit(h)} window 1m
  @id(${lit(`id7 ${h}`)}) @reason(${lit(`reason7 ${h}`)}) block response when result.x == ${lit(h)}
}
`;
    const e = emitFiles({ "hostile.talon": src });
    for (const text of [e.policyTs, e.policyMjs]) {
      expect(text).not.toMatch(/[\u2028\u2029]/);
      // Every comment line (except the header) is printable ASCII.
      for (const line of text.split("\n").slice(1)) {
        const at = line.indexOf("//");
        if (at >= 0 && line.trimStart().startsWith("//")) expect(line.slice(at)).toMatch(/^\/\/[\x20-\x7e]*$/);
      }
    }
    const policy = await importPolicy(e.policyMjs);
    expect((globalThis as Record<string, unknown>)["__talonPwned"]).toBeUndefined();

    expect(policy.principals.map((p) => [p.id, p.token?.value])).toEqual([[vendor, `ENV_${h}`]]);
    const agent = agentOf(policy, agentName);
    expect(agent.upstream).toEqual({ transport: "http", url: `https://x.example/${h}`, vendor: h });
    const who = principalFor(policy, vendor);

    const exact = agent.decide("bad_exact", who, {});
    expect(exact.ruleIds).toEqual([`id1 ${h}`]);
    expect(exact.message).toBe(`tool "bad_exact" is forbidden by rule id1 ${h}: reason1 ${h}`);
    const glob = agent.decide("X_BAD_1", who, {});
    expect(glob.ruleIds).toEqual([`id2 ${h}`]);
    expect(glob.message).toBe(`tool "X_BAD_1" is forbidden by rule id2 ${h}: reason2 ${h}`);

    const renamed = agent.decide("renamed", who, {});
    expect([renamed.effect, renamed.upstream]).toEqual(["allow", upstream]);
    expect(renamed.ruleIds[0]!.startsWith(`${agentName}.grant.`)).toBe(true);
    expect(agent.clientName(upstream)).toBe("renamed");
    // The hostile exposure name is outside the alphabet: denied before any rule, as declared.
    expect(agent.decide(badTool, who, {}).reason).toBe("invalid_tool_name");
    expect(agent.decide("x_fine", who, {}).effect).toBe("allow");

    // Pending decisions and the specs carry the same strings.
    const gated = agent.decide("gated", who, {});
    expect(gated).toMatchObject({ effect: "pending", reason: "confirm_required", message: `confirmation required by rule id3 ${h}` });
    expect(gated.ruleIds).toEqual([`id3 ${h}`, `id4 ${h}`].sort());
    expect(gated.approval?.approvers).toEqual([`appr ${h}`]);
    expect(agent.limits.map((l) => l.id)).toEqual([`id5 ${h}`]);
    expect(agent.idempotency[0]!.key!(who, {}, undefined, undefined, "ok_tool", "ok_tool", "read")).toEqual([h]);
    const block = agent.blocks[0]!;
    expect([block.id, block.reason]).toEqual([`id7 ${h}`, `reason7 ${h}`]);
    expect(block.when(who, {}, undefined, undefined, "ok_tool", "ok_tool", "read", { content: [], structuredContent: { x: h } })).toBe(1);
    expect(block.when(who, {}, undefined, undefined, "ok_tool", "ok_tool", "read", { content: [{ type: "text", text: JSON.stringify({ x: "other" }) }] })).toBe(0);
    expect((globalThis as Record<string, unknown>)["__talonPwned"]).toBeUndefined();
  });
});

/** A `.talon` regex literal matching exactly `s` (printable ASCII): metacharacters and `/` escaped. */
function reLit(s: string): string {
  return "/" + s.replace(/[\\^$.|?*+()[\]{}\/]/g, (c) => `\\${c}`) + "/";
}

describe("hostile text in conditions compiles to code that behaves and does not execute", () => {
  test.each(HOSTILE.map((h, i) => [i, h] as const))("hostile string #%i", async (_i, h) => {
    const printable = /^[\x20-\x7e]*$/.test(h);
    // A declared detector's pattern reaches the bundle as data for the runtime (`declaredDetector`).
    const src = `talon 1
${printable ? `detector hostile { pattern ${reLit(h)} }\n` : ""}vendor "v" { token env("V") }
agent "a" {
  upstream "https://x"
  posture read_write
  tool t { class read }
  grant vendor "v" read on t
  @id(${lit(`f ${h}`)}) forbid tool t when args.s == ${lit(h)} || (args[${lit(h)}] ?? 0) == 1${printable ? ` || args.r matches ${reLit(h)} || args.d matches hostile || detect(args.q, hostile)` : ""}
}
`;
    const e = emitFiles({ "hostile.talon": src });
    expect(e.policyTs).not.toMatch(/[\u2028\u2029]/);
    const policy = await importPolicy(e.policyMjs);
    expect((globalThis as Record<string, unknown>)["__talonPwned"]).toBeUndefined();
    const agent = agentOf(policy, "a");
    const who = principalFor(policy, "v");
    const calls: [unknown, string][] = [
      [{ s: h }, "forbid"],
      [JSON.parse(JSON.stringify(Object.fromEntries([[h, 1]]))), "forbid"],
      [{ s: "other", r: "nothing here", d: "nothing", q: ["nothing", { k: "here" }] }, "allow"],
      ...(printable
        ? ([
            [{ s: "other", r: `>${h}<` }, "forbid"],
            [{ s: "other", r: "", d: `>${h}<`, q: [] }, "forbid"],
            [{ s: "other", r: "", d: "", q: [{ x: `>${h}<` }] }, "forbid"],
          ] as [unknown, string][])
        : []),
    ];
    for (const [args, reason] of calls) {
      const d = agent.decide("t", who, args);
      expect(d.reason, JSON.stringify(args)).toBe(reason);
      expect(JSON.parse(JSON.stringify(d))).toEqual(decideRef(e.ir, "a", "t", who, args));
    }
    expect((globalThis as Record<string, unknown>)["__talonPwned"]).toBeUndefined();
  });
});
