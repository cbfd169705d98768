/**
 * The §12 lints: ineffective rules (TAL0501), `**` cost (TAL0606), regexes on the linear-time
 * engine (TAL0903) and the gdpr / nis2 compliance profiles (TAL1003, TAL1004, TAL1006).
 */
import { describe, expect, test } from "vitest";
import type { Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { PRELUDE, compileFiles, diagnostics } from "./harness.js";

/** `"TAL0501 warning 5:3 message"` for each diagnostic with `code`. */
function lint(code: string, files: string | Record<string, string>): string[] {
  return diagnostics(files)
    .filter((d: Diagnostic) => d.code === code)
    .map((d) => `${d.code} ${d.severity} ${d.span.file}:${d.span.line}:${d.span.col} ${d.message}`);
}

/** An agent around `body` (its lines start at line 5). */
function agent(body: string): string {
  return `${PRELUDE}agent "a" {\n  upstream "https://x"\n${body}}\n`;
}

describe("TAL0501: a rule whose tools are all forbidden", () => {
  const tools = `  tool t, admin_x, admin_y { class write }\n`;

  test("each rule kind targeting only forbidden tools is reported at the rule, by id", () => {
    const src = agent(`${tools}  forbid tool "Admin_*", t
  @id("g") grant vendor "v" write on admin_x, admin_y
  @id("c") confirm tool T
  @id("i") idempotent tool "admin_x*" window 1m
  @id("l") limit rate 1 per 1s on tool t
  @id("r") redact args.x with redact_full on tool admin_x
  @id("b") block response on tool admin_y when args.x == 1
`);
    // A rule's span starts at its keyword, after its annotations.
    expect(lint("TAL0501", src)).toEqual([
      "TAL0501 warning policy.talon:7:12 rule `g` is ineffective: all its tools are forbidden",
      "TAL0501 warning policy.talon:8:12 rule `c` is ineffective: all its tools are forbidden",
      "TAL0501 warning policy.talon:9:12 rule `i` is ineffective: all its tools are forbidden",
      "TAL0501 warning policy.talon:10:12 rule `l` is ineffective: all its tools are forbidden",
      "TAL0501 warning policy.talon:11:12 rule `r` is ineffective: all its tools are forbidden",
      "TAL0501 warning policy.talon:12:12 rule `b` is ineffective: all its tools are forbidden",
    ]);
  });

  test("a rule without @id is named by its default id", () => {
    const src = agent(`${tools}  forbid tool t\n  approve tool t by team ops\n`).replace('agent "a"', 'team ops { approvers "o@x" }\nagent "a"');
    const hits = lint("TAL0501", src);
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatch(/^TAL0501 warning policy\.talon:8:3 rule `a\.approve\.[0-9a-f]{12}` is ineffective: all its tools are forbidden$/);
    // The same id the bundle gives the rule.
    const id = compileFiles(src).ir!.agents[0]!.rules.find((r) => r.kind === "approve")!.id;
    expect(hits[0]).toContain(`rule \`${id}\``);
  });

  test("no warning when some target survives, the forbid is conditional, or targets are classes", () => {
    const src = agent(`${tools}  forbid tool admin_x
  forbid tool t when args.x == 1
  forbid class write
  grant vendor "v" write on admin_x, admin_y
  confirm tool t
  idempotent class write window 1m
  limit rate 1 per 1s
  redact args.x with redact_full
`);
    expect(lint("TAL0501", src)).toEqual([]);
  });

  test("glob targets: only a forbid glob covering the whole target glob counts", () => {
    const src = agent(`${tools}  forbid tool "admin_*", "*_y"
  @id("covered") grant vendor "v" write on "admin_x*"
  @id("wider") grant vendor "v" write on "adm*"
  @id("other-end") grant vendor "v" write on "*_x"
  @id("star") confirm tool "*"
`);
    expect(lint("TAL0501", src)).toEqual(["TAL0501 warning policy.talon:7:18 rule `covered` is ineffective: all its tools are forbidden"]);
  });

  test("an exact forbid never covers a glob target", () => {
    const src = agent(`${tools}  forbid tool admin_x, admin_y\n  grant vendor "v" write on "admin_*"\n`);
    expect(lint("TAL0501", src)).toEqual([]);
  });
});

describe("TAL0606: `**` in a redact path", () => {
  test("one note per rule, at the rule, however many paths use `**`", () => {
    const src = agent(`  tool t { class read }
  grant anyone read on t
  @id("deep") redact **.email, **.phone with redact_full
  redact tickets[*].requester.email with redact_full
`);
    const hits = diagnostics(src).filter((d) => d.code === "TAL0606");
    expect(hits.map((d) => `${d.code} ${d.severity} ${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      "TAL0606 note 7:15 `**` scans up to max_depth × max_elements nodes per message",
    ]);
    expect(hits[0]!.help).toContain("**.email");
  });

  test("anchored paths get no note", () => {
    const src = agent(`  tool t { class read }\n  grant anyone read on t\n  redact a.b, c[*].d, e.* with redact_full\n`);
    expect(lint("TAL0606", src)).toEqual([]);
  });
});

describe("TAL0903: regexes that run on the linear-time engine", () => {
  test("conditions, matching, detectors and consts are noted where the pattern is not provably safe", () => {
    const src = `${PRELUDE}detector slow { pattern /(a+)+b/ }
detector fast { pattern /ab{1,3}/ }
const re = /x\\d+y/
agent "a" {
  upstream "https://x"
  tool t { class read }
  grant anyone read on t when args.s matches /(\\w+\\s?)*$/
  forbid tool t when args.s matches /^[a-z]{1,8}$/
  redact a matching /(a|ab)*c/, email with mask
}
`;
    expect(lint("TAL0903", src)).toEqual([
      "TAL0903 note policy.talon:3:25 regex at policy.talon:3:25 not provably backtracking-safe; using the linear-time engine",
      "TAL0903 note policy.talon:5:12 regex at policy.talon:5:12 not provably backtracking-safe; using the linear-time engine",
      "TAL0903 note policy.talon:9:46 regex at policy.talon:9:46 not provably backtracking-safe; using the linear-time engine",
      "TAL0903 note policy.talon:11:21 regex at policy.talon:11:21 not provably backtracking-safe; using the linear-time engine",
    ]);
  });

  test("safe patterns and built-in detectors get no note", () => {
    const src = agent(`  tool t { class read }
  grant anyone read on t when args.s matches /^[a-z]{1,8}$/ && detect(args, jwt)
  redact a matching /(\\+?\\d{1,3})?\\d{9}/, email, card with mask
`);
    expect(lint("TAL0903", src)).toEqual([]);
  });
});

describe("compliance profiles", () => {
  test("TAL1003: gdpr retention over 1095d without @justification, at the retention", () => {
    const src = agent(`  compliance { frameworks gdpr  audit_retention 1096d }\n  evidence { capture requests }\n`);
    expect(lint("TAL1003", src)).toEqual([
      "TAL1003 security-warning policy.talon:5:49 gdpr: audit_retention 1096d exceeds 3y without `@justification`",
    ]);
  });

  test("TAL1003: 1095d, no gdpr, or a justification on the block or the agent is clean", () => {
    const at = agent(`  compliance { frameworks gdpr  audit_retention 1095d }\n`);
    const other = agent(`  compliance { frameworks nis2  audit_retention 2000d }\n  evidence { capture requests }\n`);
    const onBlock = agent(`  @justification("litigation hold, ticket LEGAL-12")\n  compliance { frameworks gdpr  audit_retention 2000d }\n`);
    const onAgent = agent(`  compliance { frameworks gdpr  audit_retention 2000d }\n`).replace('agent "a"', '@justification("tax law: 10y")\nagent "a"');
    for (const src of [at, other, onBlock, onAgent]) expect(lint("TAL1003", src)).toEqual([]);
    expect(diagnostics(onBlock).filter((d) => d.severity === "error")).toEqual([]);
  });

  test("TAL1003: an empty justification does not count, and other annotations on `compliance` stay errors", () => {
    const empty = agent(`  @justification(" ")\n  compliance { frameworks gdpr  audit_retention 2000d }\n`);
    expect(lint("TAL1003", empty)).toEqual([
      "TAL1003 security-warning policy.talon:6:49 gdpr: audit_retention 2000d exceeds 3y without `@justification`",
    ]);
    const id = agent(`  @id("x")\n  compliance { frameworks gdpr }\n`);
    expect(diagnostics(id).filter((d) => d.code === "TAL0201").map((d) => `${d.span.line}:${d.span.col}`)).toEqual(["5:3"]);
  });

  test("TAL1004: nis2 without captured requests, at the evidence block or the framework", () => {
    const noRequests = agent(`  compliance { frameworks gdpr, nis2 }\n  evidence { capture responses, decisions }\n`);
    expect(lint("TAL1004", noRequests)).toEqual(["TAL1004 error policy.talon:6:3 nis2: evidence must capture requests and decisions"]);
    const noEvidence = agent(`  compliance { frameworks nis2 }\n`);
    expect(lint("TAL1004", noEvidence)).toEqual(["TAL1004 error policy.talon:5:27 nis2: evidence must capture requests and decisions"]);
    const ok = agent(`  compliance { frameworks nis2 }\n  evidence { capture requests }\n`);
    expect(lint("TAL1004", ok)).toEqual([]);
    expect(lint("TAL1004", agent(`  compliance { frameworks gdpr }\n`))).toEqual([]);
  });

  test("TAL1004: a YAML agent maps evidence.capture_requests", () => {
    const yaml = (capture: string) => `agent:
  name: y
  type: mcp_proxy
proxy:
  mode: intercept
  upstream: { vendor: v, url: "https://x" }
  allowed_tools: [t]
  auth:
    required: true
    tokens:
      - { vendor: v, token: "\${V_TOKEN}", allowed_tools: [t] }
compliance:
  frameworks: ["nis2"]
  audit_retention: 365
evidence:
  capture_requests: ${capture}
  capture_responses: true
`;
    expect(lint("TAL1004", { "y.talon.yaml": yaml("false") })).toEqual([
      "TAL1004 error y.talon.yaml:15:1 nis2: evidence must capture requests and decisions",
    ]);
    expect(lint("TAL1004", { "y.talon.yaml": yaml("true") })).toEqual([]);
  });

  test("TAL1006: gdpr with `blobs pass`, at the setting; drop, block or no gdpr are clean", () => {
    expect(lint("TAL1006", agent(`  blobs pass\n  compliance { frameworks gdpr }\n`))).toEqual([
      "TAL1006 security-warning policy.talon:5:3 gdpr: `blobs pass` lets uninspected binary content through",
    ]);
    for (const src of [agent(`  blobs drop\n  compliance { frameworks gdpr }\n`), agent(`  blobs block\n  compliance { frameworks gdpr }\n`), agent(`  blobs pass\n`)]) {
      expect(lint("TAL1006", src)).toEqual([]);
    }
  });
});
