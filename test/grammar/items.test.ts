/** Declarations, agent items, rules and test statements beyond the §13 examples. */
import { describe, expect, it } from "vitest";
import type { AgentItem } from "../../compiler/lower/ast.js";
import { agentOf, parseBody, show } from "./helpers.js";

function items(body: string): AgentItem[] {
  const p = parseBody(`agent "a" {\n${body}\n}`);
  expect(p.rendered).toBe("");
  return [...agentOf(p).items];
}

function one(body: string): AgentItem {
  const all = items(body);
  expect(all).toHaveLength(1);
  return all[0]!;
}

describe("declarations", () => {
  it("reads secrets of every kind and annotations on declarations", () => {
    const p = parseBody('@justification("kept for audits")\nsecret k = file("/run/k")\nsecret h = sha256("ab12")');
    expect(p.ast!.decls).toMatchObject([
      { kind: "secret", name: { name: "k" }, ref: { kind: "file", value: "/run/k" }, annotations: [{ name: "justification", value: "kept for audits" }] },
      { kind: "secret", name: { name: "h" }, ref: { kind: "sha256", value: "ab12" } },
    ]);
  });

  it("reads callers with oidc, teams, attrs; teams with claims; detectors with validators", () => {
    const p = parseBody(
      [
        'caller "coder" { oidc sub "svc:coder"  teams sre, oncall  attrs { region: "eu", tier: 2 }  tools a, "b_*" }',
        'team sre { members "sre-agent", "x"  approvers "a@x"  claim "groups" = "sre"  members "y" }',
        "detector pan { pattern /\\d{13,19}/  validate luhn  pattern /x/i }",
      ].join("\n"),
    );
    expect(p.rendered).toBe("");
    const [caller, team, detector] = p.ast!.decls;
    expect(caller).toMatchObject({ principalKind: "caller", id: { value: "coder" }, oidcSub: { value: "svc:coder" }, token: undefined, teams: [{ name: "sre" }, { name: "oncall" }], tools: [{ name: "a" }, { name: "b_*" }] });
    expect(caller!.kind === "principal" && show(caller.attrs!)).toBe('{"region": "eu", "tier": 2}');
    expect(team).toMatchObject({ members: [{ value: "sre-agent" }, { value: "x" }, { value: "y" }], approvers: [{ value: "a@x" }], claims: [{ key: { value: "groups" }, value: { value: "sre" } }] });
    expect(detector).toMatchObject({ patterns: [{ source: "\\d{13,19}", flags: "" }, { source: "x", flags: "i" }], validators: [{ name: "luhn" }] });
  });

  it("keeps a principal without `tools` boundary-free (undefined)", () => {
    const p = parseBody('vendor "v" { token env("T") }');
    const v = p.ast!.decls[0]!;
    if (v.kind !== "principal") throw new Error();
    expect(v.tools).toBeUndefined();
    expect(v.literalToken).toBeUndefined();
    expect(v.token).toMatchObject({ kind: "env", value: "T" });
  });

  it("keeps a literal principal token for check (TAL1001 there), but reports literal secrets here", () => {
    const ok = parseBody('vendor "v" { token "abc" }');
    expect(ok.rendered).toBe("");
    expect(ok.ast!.decls[0]).toMatchObject({ token: undefined, literalToken: { value: "abc" } });
    expect(parseBody('secret s = "hunter2"').codes).toEqual(["2:12 TAL1001"]);
    expect(parseBody('agent "a" { upstream_auth bearer "tok" }').codes).toEqual(["2:34 TAL1001"]);
  });

  it("reads a top-level test naming its agent", () => {
    const p = parseBody('test "t" on "a" { at "2025-01-01T10:00:00Z"  call x as "v"  approved  expect allow }');
    expect(p.ast!.decls[0]).toMatchObject({ kind: "test", name: { value: "t" }, on: { value: "a" }, stmts: [{ kind: "at", time: { value: "2025-01-01T10:00:00Z" } }, { kind: "call" }, { kind: "approved" }, { kind: "expect_verdicts" }] });
  });
});

describe("agent items", () => {
  it("reads upstream transports with a vendor label", () => {
    expect(items('upstream "https://z.example" vendor "zendesk-ai-agent"')[0]).toMatchObject({ transport: "http", url: { value: "https://z.example" }, vendor: { value: "zendesk-ai-agent" } });
    expect(one('upstream stdio ["srv", "--x"] vendor "v"')).toMatchObject({ transport: "stdio", argv: [{ value: "srv" }, { value: "--x" }], vendor: { value: "v" } });
    expect(one('upstream unix "/run/s.sock" vendor "v"')).toMatchObject({ transport: "unix", path: { value: "/run/s.sock" }, vendor: { value: "v" } });
    expect(one('upstream unix "/run/s.sock"')).toMatchObject({ transport: "unix", vendor: undefined });
  });

  it("reads upstream_auth and auth forms", () => {
    expect(one('upstream_auth bearer env("K") header "X-Api-Key"')).toMatchObject({ scheme: "bearer", secret: { kind: "env", value: "K" }, header: { value: "X-Api-Key" } });
    expect(one('upstream_auth passthrough header "Authorization"')).toMatchObject({ scheme: "passthrough", secret: undefined, header: { value: "Authorization" } });
    expect(one("upstream_auth passthrough")).toMatchObject({ scheme: "passthrough", header: undefined });
    expect(one("auth bearer")).toMatchObject({ scheme: "bearer", issuer: undefined, audience: undefined });
    expect(one("auth none")).toMatchObject({ scheme: "none" });
  });

  it("reads flags, catalog, blobs, modes", () => {
    expect(items('trust_annotations true  require_listed false  realpath_check true  catalog "tools.json" strict  blobs block  mode shadow')).toMatchObject([
      { kind: "flag", name: "trust_annotations", value: true },
      { kind: "flag", name: "require_listed", value: false },
      { kind: "flag", name: "realpath_check", value: true },
      { kind: "catalog", path: { value: "tools.json" }, strict: true },
      { kind: "blobs", value: "block" },
      { kind: "mode", value: "shadow" },
    ]);
    expect(one('catalog "t.json"')).toMatchObject({ strict: false });
  });

  it("reads tls entries (identifier then string or bool)", () => {
    expect(one('tls { cert "/c.pem"  key "/k.pem"  client_ca "/ca.pem"  verify_client true  enabled false }')).toMatchObject({
      kind: "tls",
      entries: [
        { name: { name: "cert" }, value: { value: "/c.pem" } },
        { name: { name: "key" }, value: { value: "/k.pem" } },
        { name: { name: "client_ca" }, value: { value: "/ca.pem" } },
        { name: { name: "verify_client" }, value: true },
        { name: { name: "enabled" }, value: false },
      ],
    });
  });

  it("reads evidence sinks, limits as numbers, annotated and schema'd tools", () => {
    expect(one('evidence { capture requests, decisions  sink "file:///var/log/talon" }')).toMatchObject({ capture: [{ name: "requests" }, { name: "decisions" }], sink: { value: "file:///var/log/talon" } });
    expect(one("limits { max_depth 64  max_elements 10_000 }")).toMatchObject({ entries: [{ name: { name: "max_depth" }, value: 64, text: "64" }, { name: { name: "max_elements" }, value: 10000 }] });
    expect(one('@id("t1") tool move_file { class write  path args.source, args.destination  schema "move_file.json" }')).toMatchObject({
      kind: "tool",
      annotations: [{ name: "id", value: "t1" }],
      refs: [{ name: "move_file" }],
      upstream: undefined,
      toolClass: { name: "write" },
      schema: { value: "move_file.json" },
    });
    expect(one("tool a")).toMatchObject({ refs: [{ name: "a" }], toolClass: undefined, paths: [], schema: undefined });
  });

  it("accepts keywords as tool names", () => {
    expect(one("forbid tool test, deny, read")).toMatchObject({ targets: { kind: "tools", refs: [{ name: "test" }, { name: "deny" }, { name: "read" }] } });
  });
});

describe("rules", () => {
  it("reads approve options: quorum, defer", () => {
    expect(one("approve class destructive by team oncall { quorum 2  defer  timeout 1h30m }")).toMatchObject({
      targets: { kind: "classes", classes: [{ name: "destructive" }] },
      cond: undefined,
      quorum: 2,
      wait: "defer",
      timeout: { ms: 5_400_000 },
      onTimeout: undefined,
    });
    expect(one("approve tool a by team t")).toMatchObject({ timeout: undefined, wait: undefined });
  });

  it("reads confirm via token and no via", () => {
    expect(one("confirm tool a via token")).toMatchObject({ via: "token", cond: undefined });
    expect(one("confirm tool a")).toMatchObject({ via: undefined });
  });

  it("reads limit with on-targets and several dimensions", () => {
    expect(one('limit rate 10 per 1s by caller, tool on tool "x_*"')).toMatchObject({ rate: 10, per: { ms: 1000 }, burst: undefined, by: [{ name: "caller" }, { name: "tool" }], on: { kind: "tools", refs: [{ name: "x_*" }] } });
  });

  it("reads idempotent keys", () => {
    const r = one('idempotent tool a key caller.id, args.order_id ?? "none" window 10m on_duplicate reject');
    expect(r).toMatchObject({ kind: "idempotent", onDuplicate: "reject" });
    expect(r.kind === "idempotent" && r.key.map(show)).toEqual(["caller.id", '(args.order_id ?? "none")']);
  });

  it("reads redact with regex and detector matchers, method arguments, scopes, targets and a condition", () => {
    const r = one('redact body, ["x y"][0].*, items[*] matching /\\d+/, email with mask_middle(3, 3, "X") in args, result on tool a when caller.id != "x"');
    expect(r).toMatchObject({
      kind: "redact",
      matching: [{ kind: "regex", source: "\\d+", flags: "" }, { name: "email" }],
      method: { name: { name: "mask_middle" }, args: [{ kind: "number", value: 3 }, { kind: "number", value: 3 }, { kind: "string", value: "X" }] },
      scopes: [{ name: "args" }, { name: "result" }],
      on: { kind: "tools", refs: [{ name: "a" }] },
      cond: { negated: false },
    });
    if (r.kind !== "redact") throw new Error();
    expect(r.paths.map((x) => [x.text, x.segments])).toEqual([
      ["body", [{ kind: "key", key: "body" }]],
      ['["x y"][0].*', [{ kind: "key", key: "x y" }, { kind: "index", index: 0 }, { kind: "members" }]],
      ["items[*]", [{ kind: "key", key: "items" }, { kind: "elements" }]],
    ]);
    expect(one("redact x with truncate(-1)")).toMatchObject({ method: { args: [{ kind: "number", value: -1, text: "-1" }] } });
    expect(one('redact x with replace("[gone]")')).toMatchObject({ method: { name: { name: "replace" }, args: [{ value: "[gone]" }] } });
  });

  it("reads block with targets", () => {
    expect(one("block response on class read unless has(result.ok)")).toMatchObject({ kind: "block", on: { kind: "classes" }, cond: { negated: true } });
  });
});

describe("test statements", () => {
  it("reads call with meta, chat, returns error, expect redacted and verdict lists", () => {
    const [t] = items(
      'test "t" {\n call a as "v" with { x: 1 } meta { "talon/confirm": "tok" }\n call b as "v" meta { k: 1 }\n chat "gpt-4o-mini" as "bot" with { messages: [] }\n returns error { code: -32000 }\n expect redacted tickets[0].email with hash\n expect deny by "r1", rate_limited, blocked by team t, duplicate by default, confirm\n}',
    );
    if (t?.kind !== "test") throw new Error();
    expect(t.stmts[0]).toMatchObject({ kind: "call", tool: { name: "a" }, with: { entries: [{ key: "x" }] }, meta: { entries: [{ key: "talon/confirm" }] } });
    expect(t.stmts[1]).toMatchObject({ kind: "call", with: undefined, meta: { entries: [{ key: "k" }] } });
    expect(t.stmts[2]).toMatchObject({ kind: "chat", model: { value: "gpt-4o-mini" }, as: { value: "bot" } });
    expect(t.stmts[3]).toMatchObject({ kind: "returns", form: "error", value: { kind: "object" } });
    expect(t.stmts[4]).toMatchObject({ kind: "expect_redacted", path: { text: "tickets[0].email" }, method: { name: "hash" } });
    expect(t.stmts[5]).toMatchObject({
      kind: "expect_verdicts",
      verdicts: [
        { verdict: "deny", by: { kind: "rule", id: { value: "r1" } } },
        { verdict: "rate_limited", by: undefined },
        { verdict: "blocked", by: { kind: "team", team: { name: "t" } } },
        { verdict: "duplicate", by: { kind: "default" } },
        { verdict: "confirm", by: undefined },
      ],
    });
  });
});

describe("TAL0203 set twice", () => {
  it.each([
    ['agent "a" { posture read_only posture read_write }', "2:31", "`posture` set twice in `agent`"],
    ['agent "a" { upstream "x" upstream "y" }', "2:26", "`upstream` set twice in `agent`"],
    ['agent "a" { trust_annotations true trust_annotations false }', "2:36", "`trust_annotations` set twice in `agent`"],
    ['agent "a" { compliance { audit_retention 1d audit_retention 2d } }', "2:45", "`audit_retention` set twice in `compliance`"],
    ['agent "a" { evidence { sink "a" sink "b" } }', "2:33", "`sink` set twice in `evidence`"],
    ['agent "a" { limits { max_depth 1 max_depth 2 } }', "2:34", "`max_depth` set twice in `limits`"],
    ['agent "a" { tls { cert "a" cert "b" } }', "2:28", "`cert` set twice in `tls`"],
    ['agent "a" { tool t { schema "a" schema "b" } }', "2:33", "`schema` set twice in `tool`"],
    ['agent "a" { approve tool t by team x { hold defer } }', "2:45", "`hold`/`defer` set twice in `approve`"],
    ['vendor "v" { token env("A") token env("B") }', "2:29", "`token` set twice in `vendor`"],
  ])("%s", (body, at, message) => {
    const p = parseBody(body);
    expect(p.codes).toEqual([`${at} TAL0203`]);
    expect(p.diags.items[0]!.message).toBe(message);
    expect(p.diags.items[0]!.related[0]!.message).toBe("first set here");
    expect(p.ast).toBeUndefined();
  });

  it("rejects annotations on items that take none", () => {
    expect(parseBody('agent "a" { @id("x") mode intercept }').codes).toEqual(["2:13 TAL0201"]);
    expect(parseBody('@id("x") test "t" { }').codes).toEqual(["2:1 TAL0201"]);
  });
});
