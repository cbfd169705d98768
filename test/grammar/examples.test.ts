/** The three examples of LANGUAGE.md §13 parse cleanly, and their ASTs say what the text says. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AgentItem, Decl } from "../../compiler/lower/ast.js";
import { agentOf, parse, show } from "./helpers.js";

function fixture(name: string) {
  const path = new URL(`./fixtures/${name}.talon`, import.meta.url).pathname;
  return parse(readFileSync(path, "utf8"), `fixtures/${name}.talon`);
}

function ofKind<K extends AgentItem["kind"]>(items: readonly AgentItem[], kind: K): Extract<AgentItem, { kind: K }>[] {
  return items.filter((i): i is Extract<AgentItem, { kind: K }> => i.kind === kind);
}

function declsOf<K extends Decl["kind"]>(decls: readonly Decl[], kind: K): Extract<Decl, { kind: K }>[] {
  return decls.filter((d): d is Extract<Decl, { kind: K }> => d.kind === kind);
}

describe("13.1 zendesk vendor proxy", () => {
  const p = fixture("zendesk-vendor-proxy");

  it("parses without diagnostics", () => {
    expect(p.rendered).toBe("");
    expect(p.ast?.version).toBe(1);
    expect(p.ast?.origin).toBe("talon");
  });

  it("declares secret, detector, team and two vendors before the agent", () => {
    const decls = p.ast!.decls;
    expect(decls.map((d) => d.kind)).toEqual(["secret", "detector", "team", "principal", "principal", "agent"]);
    const [secret] = declsOf(decls, "secret");
    expect(secret!.name.name).toBe("redaction_key");
    expect(secret!.ref).toMatchObject({ kind: "env", value: "TALON_REDACTION_KEY" });
    const [detector] = declsOf(decls, "detector");
    expect(detector!.patterns[0]!.source).toBe("(\\+?\\d{1,3}[-.\\s]?)?\\d{9,15}");
    const [team] = declsOf(decls, "team");
    expect(team!.name.name).toBe("approvers");
    expect(team!.approvers.map((s) => s.value)).toEqual(["support-lead@acme.example"]);
    const vendors = declsOf(decls, "principal");
    expect(vendors.map((v) => [v.principalKind, v.id.value, v.token?.value, v.tools?.map((t) => t.name)])).toEqual([
      ["vendor", "zendesk-ai-agent", "ZENDESK_AI_TOKEN", ["zendesk_*"]],
      ["vendor", "intercom", "INTERCOM_TOKEN", ["intercom_*"]],
    ]);
  });

  it("lowers agent settings", () => {
    const agent = agentOf(p);
    expect(agent.name.value).toBe("zendesk-vendor-proxy");
    expect(ofKind(agent.items, "mode")[0]!.value).toBe("intercept");
    expect(ofKind(agent.items, "posture")[0]!.value).toBe("read_write");
    expect(ofKind(agent.items, "blobs")[0]!.value).toBe("drop");
    expect(ofKind(agent.items, "upstream")[0]).toMatchObject({ transport: "http", url: { value: "https://zendesk-ai-vendor.com" }, vendor: undefined });
    expect(ofKind(agent.items, "upstream_auth")[0]).toMatchObject({ scheme: "bearer", secret: { kind: "env", value: "ZENDESK_UPSTREAM_TOKEN" } });
    const compliance = ofKind(agent.items, "compliance")[0]!;
    expect(compliance.frameworks.map((f) => f.name)).toEqual(["gdpr", "nis2"]);
    expect(compliance.auditRetention).toMatchObject({ ms: 365 * 86_400_000, text: "365d" });
    expect(ofKind(agent.items, "evidence")[0]!.capture.map((c) => c.name)).toEqual(["requests", "responses", "redactions"]);
    expect(ofKind(agent.items, "tool").map((t) => [t.refs[0]!.name, t.upstream?.value, t.toolClass?.name])).toEqual([
      ["zendesk_ticket_search", "ticket_search", "read"],
      ["zendesk_ticket_read", "get_ticket", "read"],
      ["zendesk_ticket_update", "update_ticket", "write"],
    ]);
  });

  it("lowers rules with their annotations", () => {
    const agent = agentOf(p);
    const [forbid] = ofKind(agent.items, "forbid");
    expect(forbid!.annotations.map((a) => [a.name, a.value])).toEqual([
      ["id", "zd-forbidden"],
      ["reason", "destructive or bulk operation"],
    ]);
    expect(forbid!.targets).toMatchObject({ kind: "tools", refs: [{ name: "zendesk_user_delete" }, { name: "zendesk_export_all" }, { name: "zendesk_admin_*" }] });
    const [grant] = ofKind(agent.items, "grant");
    expect(grant!.who).toMatchObject({ kind: "principal", principalKind: "vendor", id: { value: "zendesk-ai-agent" } });
    expect(grant!.access.map((a) => a.name)).toEqual(["read", "write"]);
    expect(grant!.on.map((r) => r.name)).toEqual(["zendesk_ticket_*"]);
    const [limit] = ofKind(agent.items, "limit");
    expect(limit).toMatchObject({ rate: 100, per: { ms: 60_000 }, burst: 20, by: [{ name: "vendor" }], on: undefined });
    const [idem] = ofKind(agent.items, "idempotent");
    expect(idem).toMatchObject({ window: { ms: 600_000 }, onDuplicate: "replay", key: [] });
    const redacts = ofKind(agent.items, "redact");
    expect(redacts.map((r) => [r.annotations[0]!.value, r.paths.map((x) => x.text), r.method.name.name])).toEqual([
      ["zd-email", ["requester.email", "tickets[*].requester.email"], "hash"],
      ["zd-phone", ["requester.phone", "tickets[*].requester.phone"], "mask_middle"],
      ["zd-desc", ["description", "tickets[*].description"], "mask"],
    ]);
    expect(redacts[0]!.paths[1]!.segments).toEqual([{ kind: "key", key: "tickets" }, { kind: "elements" }, { kind: "key", key: "requester" }, { kind: "key", key: "email" }]);
    expect(redacts[2]!.matching).toMatchObject([{ name: "seed_phone" }]);
    const [approve] = ofKind(agent.items, "approve");
    expect(show(approve!.cond!.expr)).toBe('((args.priority == "urgent") || (args.impact > 500))');
    expect(approve).toMatchObject({ team: { name: "approvers" }, timeout: { ms: 900_000 }, onTimeout: "deny", wait: "hold", quorum: undefined });
  });

  it("lowers the agent's tests", () => {
    const tests = ofKind(agentOf(p).items, "test");
    expect(tests.map((t) => t.name.value)).toEqual([
      "admin tools forbidden",
      "wrong token scope",
      "urgent needs approval",
      "routine update",
      "missing impact",
      "results redacted",
    ]);
    expect(tests[0]!.stmts).toMatchObject([
      { kind: "call", tool: { name: "zendesk_admin_purge" }, as: { value: "zendesk-ai-agent" }, with: undefined },
      { kind: "expect_verdicts", verdicts: [{ verdict: "deny", by: { kind: "rule", id: { value: "zd-forbidden" } } }] },
    ]);
    expect(tests[1]!.stmts[1]).toMatchObject({ verdicts: [{ verdict: "deny", by: { kind: "default" } }] });
    expect(tests[2]!.stmts[1]).toMatchObject({ verdicts: [{ verdict: "approval", by: { kind: "team", team: { name: "approvers" } } }] });
    const last = tests[5]!.stmts;
    expect(last.map((s) => s.kind)).toEqual(["call", "returns", "expect_expr", "expect_expr", "expect_expr"]);
    const returns = last[1]!;
    expect(returns.kind === "returns" && returns.form).toBe("object");
    const e = last[2]!;
    expect(e.kind === "expect_expr" && show(e.expr)).toBe("(result.tickets[0].requester.email matches /^sha256:[0-9a-f]{64}$/)");
  });

  it("gives rules spans that start at the rule keyword", () => {
    const forbid = ofKind(agentOf(p).items, "forbid")[0]!;
    expect([forbid.span.line, forbid.span.col, forbid.span.endLine]).toEqual([17, 3, 17]);
    expect(p.source.text.slice(forbid.span.start, forbid.span.end)).toBe('forbid tool zendesk_user_delete, zendesk_export_all, "zendesk_admin_*"');
  });
});

describe("13.2 talos admin", () => {
  const p = fixture("talos-admin");

  it("parses without diagnostics", () => expect(p.rendered).toBe(""));

  it("keeps const lists, stdio argv and method allow-lists", () => {
    const [c] = declsOf(p.ast!.decls, "const");
    expect(show(c!.value)).toBe('["10.0.0.10", "10.0.0.11", "10.0.0.12"]');
    const agent = agentOf(p);
    expect(ofKind(agent.items, "upstream")[0]).toMatchObject({ transport: "stdio", argv: [{ value: "talos-mcp-server" }, { value: "--talosconfig" }, { value: "/etc/talon/talosconfig" }] });
    expect(ofKind(agent.items, "allow_method")[0]!.methods.map((m) => m.value)).toEqual(["prompts/list", "prompts/get"]);
    expect(ofKind(agent.items, "tool")[0]!.refs).toHaveLength(7);
  });

  it("lowers conditions with quantifiers, unless, lists and scopes", () => {
    const agent = agentOf(p);
    const forbids = ofKind(agent.items, "forbid");
    expect(forbids[1]!.cond).toMatchObject({ negated: true });
    expect(show(forbids[1]!.cond!.expr)).toBe('(caller.id == "sre-agent")');
    const grants = ofKind(agent.items, "grant");
    expect(grants.map((g) => g.who.kind)).toEqual(["anyone", "team"]);
    const [confirm] = ofKind(agent.items, "confirm");
    expect(confirm).toMatchObject({ via: "elicitation_or_token", cond: { negated: true } });
    const approves = ofKind(agent.items, "approve");
    expect(show(approves[0]!.cond!.expr)).toBe("args.nodes.exists(n, (n in control_plane))");
    expect(show(approves[1]!.cond!.expr)).toBe('((args.mode in ["try", "staged", "no-reboot"]) || (args.dry_run == true))');
    const [limit] = ofKind(agent.items, "limit");
    expect(limit!.on).toMatchObject({ kind: "classes", classes: [{ name: "destructive" }] });
    const [redact] = ofKind(agent.items, "redact");
    expect(redact!.paths.map((x) => x.segments)).toEqual([
      [{ kind: "descendants" }, { kind: "key", key: "ca" }, { kind: "key", key: "key" }],
      [{ kind: "descendants" }, { kind: "key", key: "token" }],
      [{ kind: "descendants" }, { kind: "key", key: "secretboxEncryptionSecret" }],
      [{ kind: "descendants" }, { kind: "key", key: "aescbcEncryptionSecret" }],
    ]);
    expect(redact!.scopes.map((s) => s.name)).toEqual(["result"]);
    const [block] = ofKind(agent.items, "block");
    expect(show(block!.cond.expr)).toBe("detect(response, private_key, jwt)");
  });

  it("parses `confirmed` test statements", () => {
    const tests = ofKind(agentOf(p).items, "test");
    expect(tests.find((t) => t.name.value === "cp reboot")!.stmts.map((s) => s.kind)).toEqual(["call", "confirmed", "expect_verdicts"]);
  });
});

describe("13.3 airlock fs", () => {
  const p = fixture("airlock-fs");

  it("parses without diagnostics", () => expect(p.rendered).toBe(""));

  it("lowers auth, limits, roots, path denies and tool paths", () => {
    const agent = agentOf(p);
    expect(ofKind(agent.items, "auth")[0]).toMatchObject({ scheme: "oidc", issuer: { value: "https://id.acme.example" }, audience: { value: "airlock" } });
    expect(ofKind(agent.items, "limits")[0]!.entries.map((e) => [e.name.name, e.value, e.text])).toEqual([
      ["max_message", 8 * 1024 * 1024, "8MiB"],
      ["max_scan", 1024 * 1024, "1MiB"],
    ]);
    expect(ofKind(agent.items, "root").map((r) => [r.name.name, r.path.value, r.access])).toEqual([
      ["workspace", "/srv/airlock/workspace", "read_write"],
      ["docs", "/srv/airlock/docs", "read"],
    ]);
    expect(ofKind(agent.items, "path_deny")[0]!.globs.map((g) => g.value)).toEqual(["**/.git/**", "**/.env", "**/*.pem", "**/id_*"]);
    const tools = ofKind(agent.items, "tool");
    expect(tools[1]!.paths[0]!.segments).toEqual([{ kind: "key", key: "args" }, { kind: "key", key: "paths" }, { kind: "elements" }]);
    expect(tools[3]!.paths.map((x) => x.text)).toEqual(["args.source", "args.destination"]);
    const [redact] = ofKind(agent.items, "redact");
    expect(redact).toMatchObject({ paths: [{ text: "**", segments: [{ kind: "descendants" }] }], matching: [{ name: "aws_key" }, { name: "private_key" }] });
    expect(redact!.scopes.map((s) => s.name)).toEqual(["result", "errors", "notifications"]);
    expect(ofKind(agent.items, "idempotent")[0]!.targets).toMatchObject({ kind: "classes", classes: [{ name: "write" }] });
  });

  it("parses `returns text` and expectations on the response", () => {
    const t = ofKind(agentOf(p).items, "test").find((x) => x.name.value === "keys masked")!;
    expect(t.stmts[1]).toMatchObject({ kind: "returns", form: "text", value: { value: "key=AKIAABCDEFGHIJKLMNOP" } });
    const e = t.stmts[2]!;
    expect(e.kind === "expect_expr" && show(e.expr)).toBe('(response.content[0].text == "key=XXXXXXXXXXXXXXXXXXXX")');
  });
});
