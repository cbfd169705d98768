import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { CompiledAgent, RedactionRuleSpec } from "../../runtime/hooks.js";
import { hashValue, mask, maskMiddle, truncate } from "../../runtime/redact/methods.js";
import { parseRedactPath } from "../../runtime/redact/path.js";
import { redactArgs, redactError, redactNotificationParams, redactResult, toolRedaction } from "../../runtime/redact/plan.js";
import type { RedactionEntry } from "../../runtime/redact/walk.js";
import { canonicalJson } from "../../runtime/helpers/canonical-json.js";
import { summarizeRedactions } from "../../runtime/evidence/format.js";

const SEED_PHONE = "(\\+?\\d{1,3}[-.\\s]?)?\\d{9,15}";

function rule(id: string, paths: string[], method: string, over: Partial<RedactionRuleSpec> = {}, args: (string | number)[] = []): RedactionRuleSpec {
  return { id, paths, matching: [], method: { name: method, args }, scopes: [], tools: null, classes: null, conditional: false, ...over };
}

/** A real agent object as the bundle shapes it (decide/clientName are not used by redaction). */
function agent(redactions: RedactionRuleSpec[]): CompiledAgent {
  return {
    name: "a", mode: "intercept", upstream: { transport: "http", url: "http://x", vendor: null }, upstreamAuth: null, allowAnonymous: true, auth: null,
    decide: () => { throw new Error("not used"); }, clientName: () => null, redactions, redactionKey: null,
  };
}

function result(a: CompiledAgent, res: unknown, tool = "t", key: string | null = null) {
  const report: RedactionEntry[] = [];
  const out = redactResult(toolRedaction(a, tool, "read"), res, key, report);
  return { out: out as any, report };
}

describe("methods", () => {
  it("mask_middle keeps 3+3 letters/digits and the separators (seed)", () => {
    expect(maskMiddle("+34 612 345 789")).toBe("+34 6XX XXX 789");
    expect(maskMiddle("abcdef")).toBe("abcdef");
    expect(maskMiddle("ana@example.com", 2, 1, "*")).toBe("an*@*******.**m");
  });
  it("mask keeps the shape; truncate counts code points", () => {
    expect(mask("+34 612-345", "X")).toBe("+XX XXX-XXX");
    expect(truncate("😀😀😀abc", 2)).toBe("😀😀…");
    expect(truncate("ab", 5)).toBe("ab");
  });
  it("hash is sha256: + 64 hex of HMAC over canonical JSON, plain SHA-256 without a key", () => {
    const h = hashValue("ana@example.com", "k");
    expect(h).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(h).toBe("sha256:" + createHmac("sha256", "k").update('"ana@example.com"').digest("hex"));
    expect(hashValue({ b: 1, a: [true, null] }, null)).toBe(hashValue({ a: [true, null], b: 1 }, null));
    expect(hashValue("x", null)).not.toBe(hashValue("x", "k"));
    expect(canonicalJson({ b: 1, a: "é", c: [1.5, -0] })).toBe('{"a":"é","b":1,"c":[1.5,0]}');
  });
});

describe("paths", () => {
  it("parses every segment form and rejects the rest", () => {
    expect(parseRedactPath('tickets[*].requester["e-mail"][3].*.**.x')).toEqual([
      { kind: "key", key: "tickets" }, { kind: "elements" }, { kind: "key", key: "requester" }, { kind: "key", key: "e-mail" },
      { kind: "index", index: 3 }, { kind: "members" }, { kind: "deep" }, { kind: "key", key: "x" },
    ]);
    for (const bad of ["", "a.", "a..b", "a[", "a[x]", ".a"]) expect(Array.isArray(parseRedactPath(bad))).toBe(false);
    // A trailing `**` (`redact ** matching aws_key …`, LANGUAGE.md §13.3) reaches every node.
    expect(parseRedactPath("**")).toEqual([{ kind: "deep" }]);
    expect(parseRedactPath("a.**")).toEqual([{ kind: "key", key: "a" }, { kind: "deep" }]);
  });
});

describe("the seed's redaction block (LANGUAGE.md 13.1)", () => {
  const a = agent([
    rule("zd-email", ["requester.email", "tickets[*].requester.email"], "hash"),
    rule("zd-phone", ["requester.phone", "tickets[*].requester.phone"], "mask_middle"),
    rule("zd-desc", ["description"], "mask", { matching: [{ kind: "regex", source: SEED_PHONE, flags: "" }] }),
  ]);
  const ticket = { id: 7, requester: { email: "ana@example.com", phone: "+34 612 345 789" }, description: "call me on +34612345789" };

  it("hashes the email, masks the phone, masks the number in the description — in structuredContent and the text mirror", () => {
    const res = { content: [{ type: "text", text: JSON.stringify(ticket) }], structuredContent: ticket };
    const { out, report } = result(a, res, "t", "key");
    for (const t of [out.structuredContent, JSON.parse(out.content[0].text)]) {
      expect(t.requester.email).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(t.requester.phone).toBe("+34 6XX XXX 789");
      expect(t.description).toBe("call me on +XXXXXXXXXXX");
      expect(t.id).toBe(7);
    }
    expect(ticket.requester.email).toBe("ana@example.com"); // input untouched
    expect(report).toContainEqual({ pointer: "/structuredContent/requester/email", scope: "result", method: "hash", rule: "zd-email" });
    expect(report).toContainEqual({ pointer: "/structuredContent/description", scope: "result", method: "mask", rule: "zd-desc" });
    // The text block mirrors structuredContent: re-serialized from it, its changes are listed once.
    expect(report.filter((e) => e.pointer.startsWith("/content"))).toEqual([]);
    expect(report).toHaveLength(3);
    expect(JSON.stringify(report)).not.toContain("ana@");
    expect(summarizeRedactions(report)).toBe("1 description, 1 email, 1 phone");
  });

  it("walks arrays with [*] and applies span rules to plain text blocks", () => {
    const res = { content: [{ type: "text", text: "reach me at +34612345789 please" }], structuredContent: { tickets: [ticket, { requester: {} }, 5] } };
    const { out } = result(a, res);
    expect(out.structuredContent.tickets[0].requester.phone).toBe("+34 6XX XXX 789");
    expect(out.structuredContent.tickets[1]).toEqual({ requester: {} });
    expect(out.content[0].text).toBe("reach me at +XXXXXXXXXXX please");
  });
});

describe("walking", () => {
  it("returns the same object when nothing changed, and copies only changed nodes", () => {
    const a = agent([rule("r", ["x.y"], "redact_full")]);
    const sc = { other: { deep: [1, 2] }, x: { z: 1 } };
    const res = { structuredContent: sc };
    expect(result(a, res).out).toBe(res);
    const res2 = { structuredContent: { other: sc.other, x: { y: "s" } } };
    const { out } = result(a, res2);
    expect(out.structuredContent.x.y).toBe("[REDACTED]");
    expect(out.structuredContent.other).toBe(sc.other);
  });

  it("handles ** at any depth, * members, [n], remove, and ignores missing or mistyped intermediates", () => {
    const a = agent([
      rule("deep", ["**.token"], "remove"),
      rule("mem", ["users.*.name"], "truncate", {}, [1]),
      rule("idx", ["list[1]"], "replace", {}, ["gone"]),
      rule("miss", ["nope.x", "users.alice.name.first"], "redact_full"),
    ]);
    const sc = { token: "t0", a: { b: [{ token: "t1", keep: 1 }] }, users: { alice: { name: "Alice" }, bob: { name: "Bob" } }, list: ["a", "b", "c"] };
    const { out, report } = result(a, { structuredContent: sc });
    expect(out.structuredContent).toEqual({ a: { b: [{ keep: 1 }] }, users: { alice: { name: "A…" }, bob: { name: "B…" } }, list: ["a", "gone", "c"] });
    expect(report.map((r) => r.pointer).sort()).toEqual(["/structuredContent/a/b/0/token", "/structuredContent/list/1", "/structuredContent/token", "/structuredContent/users/alice/name", "/structuredContent/users/bob/name"]);
  });

  it("removes array elements and composes methods: strongest wins", () => {
    const a = agent([
      rule("m", ["p"], "mask"), rule("h", ["p"], "hash"), rule("t", ["p"], "truncate", {}, [2]),
      rule("rm", ["xs[*]"], "remove", { matching: [] }),
    ]);
    const { out, report } = result(a, { structuredContent: { p: "secret", xs: [1, 2] } });
    expect(out.structuredContent.p).toMatch(/^sha256:/);
    expect(out.structuredContent.xs).toEqual([]);
    expect(report.filter((r) => r.pointer.endsWith("/p"))).toEqual([{ pointer: "/structuredContent/p", scope: "result", method: "hash", rule: "h" }]);
  });

  it("mask on a non-string is a no-op; hash takes canonical JSON of objects", () => {
    const a = agent([rule("m", ["n"], "mask"), rule("h", ["o"], "hash")]);
    const { out } = result(a, { structuredContent: { n: 12345, o: { b: 1, a: 2 } } });
    expect(out.structuredContent.n).toBe(12345);
    expect(out.structuredContent.o).toBe(hashValue({ a: 2, b: 1 }, null));
  });

  it("merges overlapping spans from several rules; the strongest method covers the merged span", () => {
    const a = agent([
      rule("m", ["s"], "mask", { matching: [{ kind: "regex", source: "\\d{4}", flags: "" }] }),
      rule("f", ["s"], "redact_full", { matching: [{ kind: "detector", name: "email" }] }),
    ]);
    const { out } = result(a, { structuredContent: { s: "pin 1234, mail 9999ana@x.io end" } });
    expect(out.structuredContent.s).toBe("pin XXXX, mail [REDACTED] end");
  });

  it("keeps __proto__ keys as plain data, survives deep and wide input, and fails closed past the limits", () => {
    const a = agent([rule("p", ["**.secret"], "redact_full")]);
    const sc = JSON.parse('{"__proto__": {"secret": "s"}, "wide": [' + Array(100000).fill('{"secret":1}').join(",") + "]}");
    let deep: any = { secret: "bottom" };
    for (let i = 0; i < 5000; i++) deep = { d: deep };
    sc.deep = deep;
    const t0 = performance.now();
    const { out } = result(a, { structuredContent: sc });
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(Object.getPrototypeOf(out.structuredContent)).toBe(Object.prototype);
    expect(Object.getOwnPropertyDescriptor(out.structuredContent, "__proto__")!.value).toEqual({ secret: "[REDACTED]" });
    expect(out.structuredContent.wide[99999].secret).toBe("[REDACTED]");
    // Deeper than max_depth (64) with `**` still live: the subtree is not inspected but redacted.
    let d = out.structuredContent.deep;
    for (let i = 0; i < 63; i++) d = d.d;
    expect(d).toBe("[REDACTED]");
  });
});

describe("scopes and targets", () => {
  it("redacts args, error messages and error data; on-targets restrict by tool and class", () => {
    const a = agent([
      rule("q", ["query"], "redact_full", { scopes: ["args"] }),
      rule("e", ["email"], "hash", { scopes: ["errors"], matching: [{ kind: "detector", name: "email" }] }),
      rule("only-x", ["query"], "remove", { tools: ["X_*"], scopes: ["args"] }),
      rule("writes", ["query"], "remove", { classes: ["write"], scopes: ["args"] }),
    ]);
    const report: RedactionEntry[] = [];
    const t = toolRedaction(a, "t", "read");
    expect(redactArgs(t, { query: "ana@x.io", n: 1 }, null, report)).toEqual({ query: "[REDACTED]", n: 1 });
    expect(redactArgs(toolRedaction(a, "x_search", "read"), { query: "q" }, null, [])).toEqual({});
    expect(redactArgs(toolRedaction(a, "t", "write"), { query: "q" }, null, [])).toEqual({});
    const err = redactError(t, { code: 1, message: "no user ana@x.io", data: { email: "ana@x.io" } }, null, report);
    expect(err.message).toBe(`no user ${hashValue("ana@x.io", null)}`);
    expect(err.data).toEqual({ email: hashValue("ana@x.io", null) });
    expect(report.map((r) => `${r.scope} ${r.pointer}`)).toEqual(["args /arguments/query", "errors /error/message", "errors /error/data/email"]);
  });

  it("redacts isError results and embedded resources too", () => {
    const a = agent([rule("d", ["x"], "mask", { matching: [{ kind: "detector", name: "email" }] })]);
    const res = { isError: true, content: [{ type: "resource", resource: { uri: "r://1", text: "who: ana@x.io" } }] };
    expect(result(a, res).out.content[0].resource.text).toBe("who: XXX@X.XX");
  });

  it("replaces with the rule's text, and redacts resource_link URIs by pattern", () => {
    const a = agent([
      rule("swap", ["ssn"], "replace", {}, ["<ssn>"]),
      rule("mail", ["x"], "redact_full", { matching: [{ kind: "detector", name: "email" }] }),
    ]);
    const { out, report } = result(a, {
      structuredContent: { ssn: "078-05-1120", keep: 1 },
      content: [{ type: "resource_link", uri: "mailto:ana@x.io", name: "contact" }],
    });
    expect(out.structuredContent).toEqual({ ssn: "<ssn>", keep: 1 });
    expect(out.content[0]).toEqual({ type: "resource_link", uri: "mailto:[REDACTED]", name: "contact" });
    expect(report.map((r) => `${r.method} ${r.pointer}`)).toEqual(["replace /structuredContent/ssn", "redact_full /content/0/uri"]);
  });

  it("redacts progress notifications (message and any field) like logging ones", () => {
    const a = agent([rule("mail", ["**"], "hash", { scopes: ["notifications"], matching: [{ kind: "detector", name: "email" }] })]);
    const report: RedactionEntry[] = [];
    const params = { progressToken: 7, progress: 1, total: 2, message: "mailed ana@x.io" };
    expect(redactNotificationParams(a, params, null, report)).toEqual({ ...params, message: `mailed ${hashValue("ana@x.io", null)}` });
    expect(report).toEqual([{ pointer: "/params/message", scope: "notifications", method: "hash", rule: "mail" }]);
  });
});

describe("evidence", () => {
  it("validates the report shape and prints the seed's PII line after Upstream", async () => {
    const { evidenceInputProblem, toEvidenceRecord } = await import("../../runtime/evidence/record.js");
    const { formatEvidence } = await import("../../runtime/evidence/format.js");
    const base = {
      time: 0, kind: "proxy_tool_call" as const, agent: "a", caller: "v", callerKind: "vendor" as const, session: null, tool: "zendesk_ticket_search",
      upstreamTool: "ticket_search", upstream: "zendesk-ai-vendor.com", decision: "allow" as const, reason: "allow", ruleIds: ["g"], message: "", bundleHash: "h", latencyMs: 1, outcome: "ok" as const,
    };
    const redactions = [
      { pointer: "/structuredContent/tickets/0/requester/email", scope: "result", method: "hash", rule: "zd-email" },
      { pointer: "/content/0/text/tickets/0/requester/email", scope: "result", method: "hash", rule: "zd-email" },
      { pointer: "/structuredContent/tickets/0/requester/phone", scope: "result", method: "mask_middle", rule: "zd-phone" },
    ];
    expect(evidenceInputProblem({ ...base, redactions })).toBeNull();
    expect(evidenceInputProblem({ ...base, redactions: [{ pointer: 1 }] as never })).toMatch(/redactions/);
    const lines = formatEvidence(toEvidenceRecord({ ...base, redactions }, "evt_1", 1));
    expect(lines.slice(2, 4)).toEqual(["  Upstream: ticket_search (zendesk-ai-vendor.com)", "  PII redacted: 1 email, 1 phone"]);
    expect(formatEvidence(toEvidenceRecord(base, "evt_2", 2)).some((l) => l.includes("PII"))).toBe(false);
  });
});

describe("pointers", () => {
  it("escape ~ and / (RFC 6901)", async () => {
    const { jsonPointer } = await import("../../runtime/redact/path.js");
    expect(jsonPointer(["a/b", "c~d", 3, "plain"])).toBe("/a~1b/c~0d/3/plain");
  });
});
