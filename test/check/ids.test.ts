import { describe, expect, test } from "vitest";
import { canonicalIr } from "../../compiler/ir/print.js";
import { PRELUDE, diagsAt, expectValid } from "./harness.js";

const RULES = [
  `grant vendor "v" read on "a_*"`,
  `forbid tool a_delete, "a_admin_*"`,
  `@reason("too wide") forbid class destructive`,
  `limit rate 10 per 1m by caller`,
  `confirm tool a_write`,
];

const policy = (rules: readonly string[]) => `${PRELUDE}agent "a" {
  upstream "https://x"
  tool "a_*" { class read }
${rules.map((r) => `  ${r}\n`).join("")}}
`;

describe("rule ids", () => {
  test("default ids are <agent>.<kind>.<12 hex> and do not change when rules or list items are reordered", () => {
    const a = expectValid(policy(RULES));
    const b = expectValid(policy([...RULES].reverse().map((r) => r.replace("a_delete, \"a_admin_*\"", '"a_admin_*", a_delete'))));
    const ids = (ir: typeof a) => ir.agents[0]!.rules.map((r) => r.id).sort();
    expect(ids(a)).toEqual(ids(b));
    for (const id of ids(a)) expect(id).toMatch(/^a\.(grant|forbid|limit|confirm)\.[0-9a-f]{12}$/);
    expect(canonicalIr(a)).toBe(canonicalIr(b));
  });

  test("the id ignores @reason and position but not content", () => {
    const a = expectValid(policy([`forbid tool x`]));
    const b = expectValid(policy([`@reason("no")`, `forbid tool x`].join(" ").split("\n")));
    const c = expectValid(policy([`forbid tool y`]));
    const id = (ir: typeof a) => ir.agents[0]!.rules[0]!.id;
    expect(id(a)).toBe(id(b));
    expect(id(a)).not.toBe(id(c));
  });

  test("@id wins; its reason is kept", () => {
    const ir = expectValid(policy([`@id("no-x") @reason("x is dangerous") forbid tool x`]));
    expect(ir.agents[0]!.rules[0]).toMatchObject({ id: "no-x", reason: "x is dangerous", kind: "forbid" });
  });

  test("an explicit id equal to another rule's default id is a duplicate", () => {
    const first = expectValid(policy([`forbid tool x`])).agents[0]!.rules[0]!.id;
    expect(diagsAt(policy([`forbid tool x`, `@id("${first}") forbid tool y`]), ["TAL0302"])).toEqual(["TAL0302 7:3"]);
  });
});
