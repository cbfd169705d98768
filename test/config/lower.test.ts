/**
 * Lowering details beyond the seed: vendor tokens become principals, rate limits become scoped
 * `limit`s, `tls` is carried verbatim, upstream credentials become `env(...)`, conditions are read
 * in args scope, and field paths parse like `.talon`'s.
 */
import { describe, expect, test } from "vitest";
import type { AgentDecl, Expr, PathExpr } from "../../compiler/lower/ast.js";
import { toArgsScope } from "../../compiler/lower/yaml-conditions.js";
import { Source } from "../../compiler/source/source.js";
import { codes, load, minimal, stripSpans, where } from "./helpers.js";

const FULL = `agent:
  name: "zd"
  type: "mcp_proxy"
proxy:
  mode: "passthrough"
  upstream:
    url: "https://up.example/mcp"
    auth:
      type: "bearer"
      header: "X-Api-Key"
      value: "\${UPSTREAM_TOKEN}"
  allowed_tools:
    - "zendesk_ticket_search"
  auth:
    required: true
    tokens:
      - vendor: "zendesk-ai-agent"
        token: "\${ZENDESK_AI_TOKEN}"
        allowed_tools:
          - "zendesk_*"
      - vendor: "intercom"
        token: "\${INTERCOM_TOKEN}"
  tls:
    enabled: true
    cert: "/etc/talon/tls/server.crt"
    client_ca: "/etc/talon/tls/vendor-ca.crt"
    verify_client: true
  rate_limits:
    - vendor: "zendesk-ai-agent"
      requests_per_minute: 100
      burst: 20
    - vendor: "intercom"
      requests_per_minute: 50
`;

describe("tokens, rate limits, tls, upstream credentials", () => {
  const r = load(FULL);

  test("load cleanly (only the TAL0705 note)", () => {
    expect(r.ast, r.text).toBeDefined();
    expect(codes(r.diags)).toEqual(["TAL0705"]);
  });

  test("tokens become vendor principals with env() tokens and tool boundaries", () => {
    expect(stripSpans(r.ast!.decls.slice(1))).toEqual([
      {
        kind: "principal",
        annotations: [],
        principalKind: "vendor",
        id: { value: "zendesk-ai-agent" },
        token: { kind: "env", value: "ZENDESK_AI_TOKEN" },
        oidcSub: undefined,
        tools: [{ name: "zendesk_*" }],
        teams: [],
        attrs: undefined,
      },
      {
        kind: "principal",
        annotations: [],
        principalKind: "vendor",
        id: { value: "intercom" },
        token: { kind: "env", value: "INTERCOM_TOKEN" },
        oidcSub: undefined,
        tools: undefined,
        teams: [],
        attrs: undefined,
      },
    ]);
    expect(r.ast!.decls[1]!.span).toMatchObject({ line: 17, col: 9 });
  });

  test("the agent's items, in the documented order", () => {
    const agent = r.ast!.decls[0] as AgentDecl;
    expect(agent.items.map((i) => i.kind)).toEqual(["mode", "upstream", "upstream_auth", "posture", "tool", "grant", "tls", "limit", "limit"]);
    expect(stripSpans(agent.items.filter((i) => ["mode", "upstream_auth", "tls", "limit"].includes(i.kind)))).toEqual([
      { kind: "mode", value: "passthrough" },
      { kind: "upstream_auth", scheme: "bearer", secret: { kind: "env", value: "UPSTREAM_TOKEN" }, header: { value: "X-Api-Key" } },
      {
        kind: "tls",
        entries: [
          { name: { name: "enabled" }, value: true },
          { name: { name: "cert" }, value: { value: "/etc/talon/tls/server.crt" } },
          { name: { name: "client_ca" }, value: { value: "/etc/talon/tls/vendor-ca.crt" } },
          { name: { name: "verify_client" }, value: true },
        ],
      },
      { kind: "limit", annotations: [], rate: 100, per: { ms: 60_000, text: "1m" }, burst: 20, by: [{ name: "caller" }], on: undefined, principal: { value: "zendesk-ai-agent" } },
      { kind: "limit", annotations: [], rate: 50, per: { ms: 60_000, text: "1m" }, burst: undefined, by: [{ name: "caller" }], on: undefined, principal: { value: "intercom" } },
    ]);
    const limit = agent.items[7]!;
    expect(limit.span).toMatchObject({ line: 29, col: 7 });
  });

  test("a literal token is kept for check (TAL1001 there), not turned into env()", () => {
    const lit = load(minimal('  auth:\n    tokens:\n      - vendor: "v"\n        token: "abc123"\n'));
    expect(lit.ast, lit.text).toBeDefined();
    const p = lit.ast!.decls[1]!;
    expect(stripSpans(p)).toMatchObject({ kind: "principal", token: undefined, literalToken: { value: "abc123" } });
    expect(p.kind === "principal" && p.literalToken?.span).toMatchObject({ line: 10, col: 16 });
  });

  test("auth.required: false is TAL1005", () => {
    const open = load(minimal("  auth:\n    required: false\n"));
    expect(open.ast).toBeDefined();
    expect(where(open.diags)).toEqual(["TAL0705@2:9", "TAL1005@8:15"]);
    expect(open.diags[1]!.severity).toBe("security-warning");
  });
});

describe("redaction field paths", () => {
  const redact = (field: string) => load(minimal("", `pii_handling:\n  redaction_rules:\n    - field: ${field}\n      method: hash\n`));

  test("wildcards, indexes and quoted keys", () => {
    const r = redact(`'tickets[*].requester["e-mail"].x[2]'`);
    expect(r.ast, r.text).toBeDefined();
    const item = (r.ast!.decls[0] as AgentDecl).items.find((i) => i.kind === "redact");
    expect(item?.kind === "redact" && stripSpans(item.paths)).toEqual([
      {
        text: 'tickets[*].requester["e-mail"].x[2]',
        segments: [{ kind: "key", key: "tickets" }, { kind: "elements" }, { kind: "key", key: "requester" }, { kind: "key", key: "e-mail" }, { kind: "key", key: "x" }, { kind: "index", index: 2 }],
      },
    ]);
  });

  test("an invalid path is TAL0601 at the offending character", () => {
    const r = redact('"requester..email"');
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toContain("TAL0601@9:25");
  });
});

describe("conditions", () => {
  const oversight = (...conditions: string[]) =>
    load(minimal("", `compliance:\n  human_oversight:\n    required_for:\n      - tool: t\n        conditions:\n${conditions.map((c) => `          - ${c}\n`).join("")}`));

  test("one condition: no TAL0707, known roots stay, other names move under args", () => {
    const r = oversight(`"caller.id == 'x' && amount > 5"`);
    expect(r.ast, r.text).toBeDefined();
    expect(codes(r.diags)).toEqual(["TAL0705"]);
    const approve = (r.ast!.decls[0] as AgentDecl).items.find((i) => i.kind === "approve");
    if (approve?.kind !== "approve") throw new Error("no approve");
    const e = approve.cond!.expr;
    if (e.kind !== "binary" || e.left.kind !== "binary" || e.right.kind !== "binary") throw new Error("shape");
    expect(stripSpans(e.left.left)).toEqual({ kind: "path", root: { name: "caller" }, steps: [{ kind: "member", name: "id" }] });
    expect(stripSpans(e.right.left)).toEqual({ kind: "path", root: { name: "args" }, steps: [{ kind: "member", name: "amount" }] });
  });

  test("a condition with YAML escapes is parsed by its value, spanned on its line", () => {
    const r = oversight(String.raw`"name == \"x\""`);
    expect(r.ast, r.text).toBeDefined();
    const approve = (r.ast!.decls[0] as AgentDecl).items.find((i) => i.kind === "approve");
    if (approve?.kind !== "approve") throw new Error("no approve");
    const e = approve.cond!.expr;
    expect(e.kind === "binary" && stripSpans(e.right)).toEqual({ kind: "string", value: "x" });
    expect(e.span).toMatchObject({ line: 12, col: 14 });
  });

  test("a condition that does not parse fails the load, at the YAML line", () => {
    const r = oversight('"priority =="');
    expect(r.ast).toBeUndefined();
    const errors = r.diags.filter((d) => d.severity === "error");
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.span.line).toBe(12);
  });

  test("args scope leaves quantifier variables and detector names alone", () => {
    const s = new Source("x.talon", "x".repeat(10));
    const sp = s.span(0, 1);
    const name = (n: string): PathExpr => ({ kind: "path", root: { name: n, span: sp }, steps: [], span: sp });
    const quantified: Expr = {
      kind: "call",
      target: name("tags"),
      callee: { name: "exists", span: sp },
      args: [name("t"), { kind: "binary", op: "matches", left: name("t"), right: name("email"), span: sp }],
      span: sp,
    };
    const out = stripSpans(toArgsScope(quantified, new Set()));
    expect(out).toEqual({
      kind: "call",
      target: { kind: "path", root: { name: "args" }, steps: [{ kind: "member", name: "tags" }] },
      callee: { name: "exists" },
      args: [
        { kind: "path", root: { name: "t" }, steps: [] },
        { kind: "binary", op: "matches", left: { kind: "path", root: { name: "t" }, steps: [] }, right: { kind: "path", root: { name: "email" }, steps: [] } },
      ],
    });
  });
});
