/**
 * Checks of the oversight and idempotency rules (LANGUAGE.md §7.1 steps 4 and 6, §8.3, §12):
 * TAL0504 (a destructive tool opened under read_only with no confirm/approve), TAL0505 (a write
 * tool with no idempotency rule), TAL0513 (an idempotency key that may be unknown), TAL0514.
 */
import { describe, expect, it } from "vitest";
import { PRELUDE, diagnostics } from "./harness.js";

const agent = (body: string, posture = "read_only") =>
  `${PRELUDE}team ops { approvers "o@x" }\nagent "a" {\n  upstream "https://x"\n  posture ${posture}\n${body}}\n`;
const codes = (src: string, code: string) => diagnostics(src).filter((d) => d.code === code);
const messages = (src: string, code: string) => codes(src, code).map((d) => `${d.span.line}:${d.span.col} ${d.message}`);

describe("TAL0504: destructive tools under read_only need confirm or approve", () => {
  const tools = '  tool t_drop { class destructive }\n  tool t_up -> "wipe" { class destructive }\n  tool t_free\n  tool "t_x_*" { class destructive }\n';

  it("fires at each exposure a destructive grant opens and nothing oversees", () => {
    expect(messages(agent(`${tools}  grant vendor "v" all on "t_*"\n`), "TAL0504")).toEqual([
      "7:8 destructive tool `t_drop` reachable without `confirm` or `approve` under read_only",
      "8:8 destructive tool `t_up` reachable without `confirm` or `approve` under read_only",
      "9:8 destructive tool `t_free` reachable without `confirm` or `approve` under read_only",
      '10:8 destructive tool `t_x_*` reachable without `confirm` or `approve` under read_only',
    ]);
  });

  it("a confirm or approve by class, by name, by upstream name (any case) or by glob reaches the tool, even a conditional one", () => {
    const over = '  confirm tool T_DROP when args.x == 1\n  approve tool WIPE by team ops\n  confirm tool "t_x_*"\n  approve class destructive when args.y == 2 by team ops\n';
    expect(codes(agent(`${tools}  grant vendor "v" all on "t_*"\n${over}`), "TAL0504")).toEqual([]);
    const byName = '  confirm tool t_drop, t_up, t_free, "t_x_*"\n';
    expect(codes(agent(`${tools}  grant vendor "v" destructive on "t_*"\n${byName}`), "TAL0504")).toEqual([]);
  });

  it("does not fire under read_write, for read/write grants, or for a tool forbidden outright", () => {
    expect(codes(agent(`${tools}  grant vendor "v" all on "t_*"\n`, "read_write"), "TAL0504")).toEqual([]);
    expect(codes(agent(`${tools}  grant vendor "v" read, write on "t_*"\n`), "TAL0504")).toEqual([]);
    const rest = '  forbid tool t_drop\n  confirm tool t_up, t_free, "t_x_*"\n';
    expect(codes(agent(`${tools}  grant vendor "v" all on "t_*"\n${rest}`), "TAL0504")).toEqual([]);
  });
});

describe("TAL0505: write tools without an idempotency rule", () => {
  const tools = '  tool t_w { class write }\n  tool t_up -> "up_w" { class write }\n  tool t_r { class read }\n';

  it("is a warning at each opened write tool no idempotent rule reaches", () => {
    const ds = codes(agent(`${tools}  grant vendor "v" read, write on "t_*"\n  idempotent tool UP_W window 1m\n`, "read_write"), "TAL0505");
    expect(ds.map((d) => [d.severity, d.message])).toEqual([["warning", "write tool `t_w` has no idempotency rule"]]);
  });

  it("class write covers every write tool; a tool no grant opens is not judged", () => {
    expect(codes(agent(`${tools}  grant vendor "v" all on "t_*"\n  idempotent class write window 10m\n`, "read_write"), "TAL0505")).toEqual([]);
    expect(codes(agent(`${tools}  grant vendor "v" read on "t_*"\n`, "read_write"), "TAL0505")).toEqual([]);
  });
});

describe("TAL0513: idempotency keys that may be unknown", () => {
  const tools = '  tool t_w { class write }\n  grant vendor "v" write on t_w\n';

  it("fires at each key that reads the call without a `??` default", () => {
    const src = agent(`${tools}  idempotent tool t_w key args.id, args.n + 1, caller.id, tool.upstream, args.a ?? "none", has(args.b), "lit" window 1m\n`, "read_write");
    expect(messages(src, "TAL0513")).toEqual([
      "9:27 idempotency key may be unknown and has no `??` default",
      "9:36 idempotency key may be unknown and has no `??` default",
    ]);
    expect(codes(src, "TAL0513").every((d) => d.severity === "error")).toBe(true);
  });
});

describe("TAL0514: rate limits", () => {
  it("needs rate ≥ 1 and burst ≥ 1", () => {
    expect(codes(agent('  limit rate 0 per 1s\n'), "TAL0514")).toHaveLength(1);
    expect(codes(agent('  limit rate 5 per 1s burst 0\n'), "TAL0514")).toHaveLength(1);
    expect(codes(agent('  limit rate 5 per 1s burst 1\n'), "TAL0514")).toEqual([]);
  });
});
