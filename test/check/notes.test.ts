import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics } from "./harness.js";

describe("features carried but not enforced get one TAL1101 note each (per agent)", () => {
  test("one note per feature, at its first use, saying how the bundle behaves", () => {
    const src = `${PRELUDE}team ops { approvers "o@x" }
agent "a" {
  upstream "https://x"
  mode shadow
  tool t { class write }
  grant vendor "v" write on t when args.ok == true
  forbid tool u when args.x == 1
  approve tool t by team ops
  confirm tool t
  redact a with hash
  redact b with hash
  limit rate 1 per 1s
  idempotent tool t window 1m
  block response when detect(response, jwt)
  evidence { capture requests, responses  sink "s3://audit" }
  compliance { frameworks gdpr }
  root w { path "/srv/w" access read }
}
`;
    // Conditions on grant (line 8) and forbid (line 9) are evaluated, and approve, confirm, limit,
    // idempotent and block (lines 10-16) are enforced by the runtime: no note. The `detect()` in the
    // block condition runs on the runtime's detectors (`bind`): no note. Virtual roots (line 19)
    // are enforced by runtime/roots/: no note. Evidence capture and compliance retention are
    // enforced by the evidence store; its `sink` is not.
    const notes = diagnostics(src).filter((d) => d.code === "TAL1101");
    expect(notes.map((d) => `${d.span.line} ${d.message}`)).toEqual([
      "4 `require_listed` (on by default) is carried in the bundle but not enforced by this runtime yet; a call is forwarded whether or not the upstream's `tools/list` names the tool; write `require_listed false` to state that",
      "6 mode `shadow` is carried in the bundle but not enforced by this runtime yet; the agent is enforced as in `intercept` mode",
      "17 evidence `sink` is carried in the bundle but not enforced by this runtime yet; records stay in the local evidence store (export them with `talon audit export`)",
    ]);
    expect(notes.every((d) => d.severity === "note")).toBe(true);
  });

  test("passthrough mode and redact conditions are enforced: no note", () => {
    const src = `${PRELUDE}agent "a" {\n  upstream "https://x"\n  require_listed false\n  mode passthrough\n  tool t { class read }\n  grant anyone read on t\n  redact a with redact_full when args.x == 1\n}\n`;
    expect(diagnostics(src).filter((d) => d.code === "TAL1101")).toEqual([]);
  });

  test("`realpath_check on` is noted; roots and `deny path` are not", () => {
    const src = `${PRELUDE}agent "a" {\n  upstream "https://x"\n  require_listed false\n  realpath_check true\n  root w { path "/srv/w" access read }\n  deny path "**/.env"\n  tool t { class read  path args.p }\n  grant anyone read on t\n}\n`;
    expect(diagnostics(src).filter((d) => d.code === "TAL1101").map((d) => `${d.span.line} ${d.message}`)).toEqual([
      "6 `realpath_check` is carried in the bundle but not enforced by this runtime yet; path arguments are checked lexically, and the upstream must confine itself (§8.4)",
    ]);
  });

  test("a root at `/` or a home directory is TAL1007", () => {
    const roots = ['"/"', '"/home/ana"', '"/Users/ana/"', '"/root"', '"~/work"', '"/home"', '"/srv/w"', '"/home/ana/work"'];
    const src = `${PRELUDE}agent "a" {\n  upstream "https://x"\n${roots.map((p, i) => `  root r${i} { path ${p} access read }\n`).join("")}}\n`;
    const hits = diagnostics(src).filter((d) => d.code === "TAL1007");
    expect(hits.map((d) => d.span.line)).toEqual([5, 6, 7, 8, 9, 10]);
    expect(hits[0]!.severity).toBe("security-warning");
    expect(hits[0]!.message).toBe("root `r0` maps to `/` or a home directory");
  });

  test("a plain policy that says `require_listed false` gets no notes", () => {
    const src = `${PRELUDE}agent "a" {\n  upstream "https://x"\n  require_listed false\n  tool t { class read }\n  grant anyone read on t\n  forbid tool z\n}\n`;
    expect(diagnostics(src).filter((d) => d.code === "TAL1101")).toEqual([]);
  });

  test("`require_listed` is noted wherever it is in effect: by default (at the agent), written true (at the flag), in a YAML agent; not when false", () => {
    const agent = (name: string, item: string) => `agent "${name}" {\n  upstream "https://x"\n${item}  tool t { class read }\n  grant anyone read on t\n}\n`;
    const src = `${PRELUDE}${agent("dflt", "")}${agent("on", "  require_listed true\n")}${agent("off", "  require_listed false\n")}`;
    const notes = diagnostics(src).filter((d) => d.code === "TAL1101");
    expect(notes.map((d) => `${d.span.line}:${d.span.col} ${d.message.split(" is carried")[0]}`)).toEqual(["3:7 `require_listed` (on by default)", "10:3 `require_listed`"]);
    const yaml = "examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon.yaml";
    const seed = diagnostics({ [yaml]: readFileSync(yaml, "utf8") }).filter((d) => d.code === "TAL1101" && d.message.includes("require_listed"));
    expect(seed.map((d) => d.span.file)).toEqual([yaml]);
  });
});
