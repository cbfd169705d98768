/**
 * The seed's vendor YAML (seed 002) loads, with only the expected notes and warnings, and lowers to
 * the AST its `.talon` twin describes (examples/zendesk-vendor-proxy/seed/). Also: every YAML
 * snippet the seed document shows (Security Considerations, Proxy Modes) passes the schema.
 */
import { existsSync } from "node:fs";
import { describe, expect, test } from "vitest";
import type { AgentDecl } from "../../compiler/lower/ast.js";
import { codes, load, minimal, SEED_PATH, seedText, stripSpans, where } from "./helpers.js";

const tools = (name: string) => ({ kind: "tools", refs: [{ name }] });
const key = (k: string) => ({ kind: "key", key: k });

/** The seed's AST without spans: what `zendesk-vendor-proxy.talon` states. */
const SEED_AGENT = {
  kind: "agent",
  annotations: [],
  name: { value: "zendesk-vendor-proxy" },
  items: [
    { kind: "mode", value: "intercept" },
    { kind: "upstream", transport: "http", url: { value: "https://zendesk-ai-vendor.com" }, vendor: { value: "zendesk-ai-agent" } },
    { kind: "upstream_auth", scheme: "passthrough", secret: undefined, header: { value: "Authorization" } },
    { kind: "posture", value: "read_write" },
    { kind: "tool", annotations: [], refs: [{ name: "zendesk_ticket_search" }], upstream: { value: "ticket_search" }, toolClass: undefined, paths: [], schema: undefined },
    { kind: "tool", annotations: [], refs: [{ name: "zendesk_ticket_read" }], upstream: { value: "get_ticket" }, toolClass: undefined, paths: [], schema: undefined },
    { kind: "forbid", annotations: [], targets: tools("zendesk_user_delete"), cond: undefined },
    { kind: "forbid", annotations: [], targets: tools("zendesk_export_all"), cond: undefined },
    { kind: "forbid", annotations: [], targets: tools("zendesk_admin_*"), cond: undefined },
    {
      kind: "grant",
      annotations: [],
      who: { kind: "anyone" },
      access: [{ name: "all" }],
      on: [{ name: "zendesk_ticket_search" }, { name: "zendesk_ticket_read" }],
      cond: undefined,
    },
    ...[
      ["requester.email", "hash"],
      ["requester.phone", "mask_middle"],
    ].map(([field, method]) => ({
      kind: "redact",
      annotations: [],
      paths: [{ segments: field!.split(".").map(key), text: field }],
      matching: [],
      method: { name: { name: method }, args: [] },
      scopes: [],
      on: undefined,
      cond: undefined,
    })),
    {
      kind: "redact",
      annotations: [],
      paths: [{ segments: [key("description")], text: "description" }],
      matching: [{ kind: "regex", source: String.raw`(\+?\d{1,3}[-.\s]?)?\d{9,15}`, flags: "" }],
      method: { name: { name: "mask" }, args: [] },
      scopes: [],
      on: undefined,
      cond: undefined,
    },
    { kind: "compliance", frameworks: [{ name: "gdpr" }, { name: "nis2" }], auditRetention: { ms: 365 * 86_400_000, text: "365d" } },
    {
      kind: "approve",
      annotations: [],
      targets: tools("zendesk_ticket_update"),
      cond: {
        negated: false,
        expr: {
          kind: "binary",
          op: "||",
          left: {
            kind: "binary",
            op: "==",
            left: { kind: "path", root: { name: "args" }, steps: [{ kind: "member", name: "priority" }] },
            right: { kind: "string", value: "urgent" },
          },
          right: {
            kind: "binary",
            op: ">",
            left: { kind: "path", root: { name: "args" }, steps: [{ kind: "member", name: "impact" }] },
            right: { kind: "number", value: 500, text: "500" },
          },
        },
      },
      team: { name: "approvers" },
      timeout: undefined,
      onTimeout: undefined,
      quorum: undefined,
      wait: undefined,
    },
    { kind: "evidence", capture: [{ name: "requests" }, { name: "responses" }, { name: "redactions" }], sink: undefined },
  ],
};

describe("seed 002 vendor YAML", () => {
  const seed = load(seedText(), SEED_PATH);

  test("loads with only the expected notes and warnings", () => {
    expect(seed.ast, seed.text).toBeDefined();
    expect(where(seed.diags)).toEqual(["TAL0705@3:9", "TAL1002@12:5", "TAL0706@41:20", "TAL0707@45:9"]);
    expect(seed.diags.map((d) => d.severity)).toEqual(["note", "security-warning", "note", "note"]);
  });

  test("lowers to the AST of its .talon twin (spans aside)", () => {
    const ast = seed.ast!;
    expect(ast).toMatchObject({ kind: "file", path: SEED_PATH, origin: "yaml", version: 1, imports: [] });
    expect(ast.decls).toHaveLength(1);
    expect(stripSpans(ast.decls[0])).toEqual(SEED_AGENT);
    expect(existsSync(new URL("../../examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon", import.meta.url))).toBe(true);
  });

  test("spans point at the YAML nodes the items came from", () => {
    const agent = seed.ast!.decls[0] as AgentDecl;
    const at = (i: number) => `${agent.items[i]!.span.line}:${agent.items[i]!.span.col}`;
    expect(agent.name.span).toMatchObject({ file: SEED_PATH, line: 3, col: 9, endLine: 3, endCol: 31 });
    expect(at(0)).toBe("7:9"); // mode "intercept"
    expect(at(4)).toBe("18:7"); // first allowed_tools entry
    expect(at(8)).toBe("26:7"); // "zendesk_admin_*"
    const approve = agent.items.find((i) => i.kind === "approve");
    if (approve?.kind !== "approve" || !approve.cond) throw new Error("no approve");
    // `priority` sits inside the quotes on line 46: the condition was parsed where it is written.
    const left = approve.cond.expr.kind === "binary" ? approve.cond.expr.left : undefined;
    expect(left?.span).toMatchObject({ line: 46, col: 14 });
    // A block mapping's span ends at its last item, not at the blank line after it.
    const upstream = agent.items[1]!;
    expect(upstream.span).toMatchObject({ line: 9, col: 3, endLine: 14, endCol: 30 });
  });

  test("every snippet the seed document shows passes the schema", () => {
    const snippets = [
      '  auth:\n    required: true\n    tokens:\n      - vendor: "zendesk-ai-agent"\n        token: "${ZENDESK_AI_TOKEN}"  # From secrets vault\n        allowed_tools:\n          - "zendesk_*"  # Wildcard\n      - vendor: "intercom"\n        token: "${INTERCOM_TOKEN}"\n        allowed_tools:\n          - "intercom_*"\n',
      '  tls:\n    enabled: true\n    cert: "/etc/talon/tls/server.crt"\n    key: "/etc/talon/tls/server.key"\n    client_ca: "/etc/talon/tls/vendor-ca.crt"  # Verify vendor cert\n    verify_client: true\n',
      '  rate_limits:\n    - vendor: "zendesk-ai-agent"\n      requests_per_minute: 100\n      burst: 20\n    - vendor: "intercom"\n      requests_per_minute: 50\n',
      '  mode: "intercept"\n',
      '  mode: "passthrough"\n',
      '  mode: "shadow"\n',
    ];
    for (const s of snippets) {
      const r = load(minimal(s));
      expect(r.ast, r.text).toBeDefined();
      expect(codes(r.diags)).toEqual(["TAL0705"]);
    }
  });
});
