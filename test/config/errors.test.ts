/**
 * Bad vendor YAML gets TAL diagnostics at the exact YAML line:col: parser errors (TAL0701),
 * duplicate keys (TAL0703), alias bombs (TAL0709), unknown keys with suggestions (TAL0702), wrong
 * types and values (TAL0704), YAML 1.1 booleans (TAL0708), misplaced `${…}`, literal secrets.
 */
import { describe, expect, test } from "vitest";
import { load, minimal, where } from "./helpers.js";

describe("YAML syntax", () => {
  test("malformed YAML is TAL0701 at the parser's position", () => {
    const r = load('agent:\n  name: "a"\n  tools: [1, 2\n  type: x\n');
    expect(r.ast).toBeUndefined();
    expect(r.diags.length).toBeGreaterThan(0);
    expect(r.diags.every((d) => d.code === "TAL0701")).toBe(true);
    expect(r.diags[0]!.message).toMatch(/^YAML: /);
    expect(r.diags[0]!.span.line).toBeGreaterThanOrEqual(3);
  });

  test("tabs as indentation are TAL0701 at the tab", () => {
    const r = load("agent:\n\tname: a\n");
    expect(where(r.diags)).toEqual(["TAL0701@2:1"]);
  });

  test("a duplicate key is TAL0703 at the second occurrence", () => {
    const r = load('agent:\n  name: "a"\n  type: "mcp_proxy"\n  name: "b"\n');
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toEqual(["TAL0703@4:3"]);
    expect(r.diags[0]!.message).toBe("duplicate key `name`");
  });

  test("an alias bomb is TAL0709, reported before anything walks the expansion", () => {
    const bomb = [
      'a: &a ["x","x","x","x","x","x","x","x","x"]',
      "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
      "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
      "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
      "e: [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
      "",
    ].join("\n");
    const r = load(bomb);
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toEqual(["TAL0709@2:8"]);
  });

  test("a few aliases are fine", () => {
    const r = load(minimal('  allowed_tools: &tools ["a", "b"]\n  auth:\n    tokens:\n      - vendor: "v"\n        token: "${T}"\n        allowed_tools: *tools\n'));
    expect(r.ast, r.text).toBeDefined();
  });

  test("an alias to an undefined anchor is TAL0701 at the alias", () => {
    const r = load(minimal("  forbidden_tools: *nothing\n"));
    expect(where(r.diags)).toEqual(["TAL0701@7:20"]);
  });

  test("tags outside the core schema are TAL0701", () => {
    const r = load(minimal("  tls:\n    cert: !!binary aGVsbG8=\n"));
    expect(where(r.diags)).toEqual(["TAL0701@8:20"]);
    expect(r.diags[0]!.message).toBe("YAML: tag `!!binary` is outside the YAML 1.2 core schema");
  });

  test("a %YAML 1.1 directive does not bring back 1.1 booleans", () => {
    const r = load(`%YAML 1.1\n---\n${minimal("  tls:\n    enabled: yes\n")}`);
    expect(where(r.diags)).toEqual(["TAL0708@10:14"]);
  });

  test("a merge key is an unknown key, with a hint", () => {
    const r = load(minimal('  tls: &t\n    enabled: true\n  rate_limits:\n    - <<: *t\n      vendor: "v"\n      requests_per_minute: 1\n'));
    expect(where(r.diags)).toEqual(["TAL0702@10:7"]);
    expect(r.diags[0]!.help).toMatch(/merge keys/);
  });
});

describe("schema", () => {
  test("an unknown key is TAL0702 at the key, with did-you-mean", () => {
    const r = load(minimal('  forbiden_tools:\n    - "x"\n'));
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toEqual(["TAL0702@7:3"]);
    expect(r.diags[0]!.message).toBe("unknown key `forbiden_tools`");
    expect(r.diags[0]!.help).toBe("did you mean `forbidden_tools`?");
    expect(r.text).toContain("agent.talon.yaml:7:3: error[TAL0702]: unknown key `forbiden_tools`\n7 |   forbiden_tools:\n  |   ^^^^^^^^^^^^^^\n  = help: did you mean `forbidden_tools`?");
  });

  test("an unknown key with nothing close lists the allowed keys", () => {
    const r = load(minimal("  zzzzzz: 1\n"));
    expect(r.diags[0]!.help).toMatch(/^keys allowed in `proxy`: `mode`, `upstream`, /);
  });

  test("audit_retention as a string is TAL0704 at the value", () => {
    const r = load(minimal("", 'compliance:\n  audit_retention: "a year"\n'));
    expect(where(r.diags)).toEqual(["TAL0704@8:20"]);
    expect(r.diags[0]!.message).toBe('`compliance.audit_retention` must be a whole number of days (≥ 1), found string "a year"');
  });

  test("allowed_tools as a number is TAL0704", () => {
    const r = load(minimal("  allowed_tools: 5\n"));
    expect(where(r.diags)).toEqual(["TAL0704@7:18"]);
    expect(r.diags[0]!.message).toBe("`proxy.allowed_tools` must be a list of tools, found number `5`");
  });

  test("an allowed_tools entry that is neither a name nor a mapping is TAL0704", () => {
    const r = load(minimal("  allowed_tools:\n    - [a]\n    - name: 3\n"));
    expect(where(r.diags)).toEqual(["TAL0704@8:7", "TAL0704@9:13"]);
    expect(r.diags[0]!.message).toBe("`proxy.allowed_tools[0]` must be a tool name or a {name, upstream_name} mapping, found a list");
  });

  test("agent.type other than mcp_proxy is TAL0704", () => {
    const r = load('agent:\n  name: "a"\n  type: other\nproxy:\n  upstream:\n    url: "https://u.example"\n');
    expect(where(r.diags)).toEqual(["TAL0704@3:9"]);
    expect(r.diags[0]!.message).toBe('`agent.type` must be `mcp_proxy`, found string "other"');
  });

  test("a mode outside the enum is TAL0704 listing the choices", () => {
    const r = load(minimal("  mode: enforce\n"));
    expect(r.diags[0]!.message).toBe('`proxy.mode` must be one of `intercept`, `passthrough`, `shadow`, found string "enforce"');
  });

  test("YAML 1.1 booleans where a boolean belongs are TAL0708", () => {
    const r = load(minimal("  tls:\n    enabled: on\n    verify_client: yes\n"));
    expect(where(r.diags)).toEqual(["TAL0708@8:14", "TAL0708@9:20"]);
    expect(r.diags[1]!.message).toBe("`yes` is a string in YAML 1.2; write true/false");
  });

  test("a missing required key is reported at its parent", () => {
    const r = load('agent:\n  name: "a"\n  type: "mcp_proxy"\nproxy:\n  upstream:\n    vendor: "v"\n');
    expect(where(r.diags)).toEqual(["TAL0704@5:3"]);
    expect(r.diags[0]!.message).toBe("missing required key `url` in `proxy.upstream`");
    expect(r.diags[0]!.help).toBe("add `url:` with an http(s) URL");
  });

  test("an empty document says what it needs", () => {
    const r = load("# nothing here\n");
    expect(where(r.diags)).toEqual(["TAL0704@1:1"]);
    expect(r.diags[0]!.message).toBe("the document must be a mapping with `agent` and `proxy`, found an empty value");
  });

  test("several errors are reported in one run, in file order", () => {
    const r = load(
      [
        "agent:",
        '  name: "a"',
        "  type: mcp_server",
        "proxy:",
        "  mode: block",
        "  upstream:",
        '    url: "ftp://up.example"',
        "  forbiden_tools: []",
        "  tls:",
        "    verify_client: no",
        "compliance:",
        "  audit_retention: 1.5",
        "",
      ].join("\n"),
    );
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toEqual(["TAL0704@3:9", "TAL0704@5:9", "TAL0704@7:10", "TAL0702@8:3", "TAL0708@10:20", "TAL0704@12:20"]);
  });
});

describe("secrets and ${…}", () => {
  test("${VAR} outside a secret field is TAL0704", () => {
    const r = load('agent:\n  name: "a"\n  type: "mcp_proxy"\nproxy:\n  upstream:\n    url: "https://${HOST}/mcp"\n');
    expect(where(r.diags)).toEqual(["TAL0704@6:10"]);
    expect(r.diags[0]!.message).toMatch(/^`proxy\.upstream\.url` cannot use `\$\{…\}`/);
  });

  test("a literal upstream credential is TAL1001", () => {
    const r = load(minimal("", "").replace('url: "https://up.example"\n', 'url: "https://up.example"\n    auth:\n      type: bearer\n      value: "sk-live-123"\n'));
    expect(r.ast).toBeUndefined();
    expect(where(r.diags)).toEqual(["TAL1001@9:14"]);
  });

  test("a secret with text around ${VAR} is TAL0704", () => {
    const r = load(minimal('  auth:\n    tokens:\n      - vendor: "v"\n        token: "Bearer ${T}"\n'));
    expect(where(r.diags)).toEqual(["TAL0704@10:16"]);
  });
});
