/**
 * TAL0502: a rule target that reaches no exposed tool (the caret golden is
 * `baselines/unmatched-targets.talon`); here the matching rules one by one, and the glob overlap
 * they rest on.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { refsOverlap } from "../../compiler/ir/tool-names.js";
import { PRELUDE, diagnostics } from "./harness.js";

/** `"line:col ref severity"` of each TAL0502 for an agent around `body` (its lines start at 7). */
function unmatched(body: string): string[] {
  const src = `${PRELUDE}team ops { approvers "o@x" }\nagent "a" {\n  upstream "https://x"\n  posture read_write\n${body}}\n`;
  return diagnostics(src)
    .filter((d) => d.code === "TAL0502")
    .map((d) => `${d.span.line}:${d.span.col} ${/`([^`]*)`/.exec(d.message)![1]} ${d.severity}`);
}

describe("refsOverlap: some name matches both refs", () => {
  test.each([
    ["t_*", "*_read", true],
    ["t_*", "t_read", true],
    ["t_*", "u_*", false],
    ["*", "anything", true],
    ["a*b", "a*c", false],
    ["a*b*c", "*bc", true],
    ["*x*", "ab", false],
    ["*x*", "a*b", true],
    ["ab", "ab", true],
    ["ab", "abc", false],
    ["a**", "a", true],
  ])("%s and %s: %s", (a, b, want) => {
    expect(refsOverlap(a, b)).toBe(want);
    expect(refsOverlap(b, a)).toBe(want);
  });
});

describe("TAL0502", () => {
  test("a grant is case-sensitive and sees client names only; oversight rules ignore case and see upstream names", () => {
    const body = `  tool t_read -> "up_read" { class read }
  grant vendor "v" read on T_READ, up_read, t_read
  confirm tool T_READ, UP_READ
  approve tool up_read by team ops
`;
    expect(unmatched(body)).toEqual(["8:28 T_READ warning", "8:36 up_read warning"]);
  });

  test("a glob exposure makes every overlapping ref count; a glob target counts when it overlaps an exposure", () => {
    const body = `  tool "fs_*" { class read }
  grant vendor "v" read on fs_read, "*_read", "fs*", "gs_*", "f"
`;
    expect(unmatched(body)).toEqual(["8:54 gs_* warning", "8:62 f warning"]);
  });

  test("forbid targets, class targets and agents without exposures are not judged", () => {
    expect(unmatched(`  tool t { class read }\n  grant anyone read on t\n  forbid tool nope, "x_*"\n  confirm class write\n`)).toEqual([]);
    expect(unmatched(`  grant anyone read on nope\n`)).toEqual([]);
  });

  test("every rule kind with tool targets is judged", () => {
    const body = `  tool t { class write }
  grant anyone write on t, g
  confirm tool c
  approve tool a by team ops
  limit rate 1 per 1s on tool l
  idempotent tool i window 1m
  redact x with redact_full on tool r
  block response on tool b when args.x == 1
`;
    expect(unmatched(body).map((s) => s.split(" ")[1])).toEqual(["g", "c", "a", "l", "i", "r", "b"]);
  });

  test("an error under `catalog … strict`, a warning otherwise", () => {
    expect(unmatched(`  catalog "tools.json" strict\n  tool t { class read }\n  grant anyone read on u\n`)).toEqual(["9:24 u error"]);
    expect(unmatched(`  catalog "tools.json"\n  tool t { class read }\n  grant anyone read on u\n`)).toEqual(["9:24 u warning"]);
  });

  test("the seed YAML's oversight rule names a tool it does not allow", () => {
    const file = "examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon.yaml";
    const ds = diagnostics({ [file]: readFileSync(file, "utf8") }).filter((d) => d.code === "TAL0502");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(["44:15 `zendesk_ticket_update` matches no exposed tool"]);
  });
});
