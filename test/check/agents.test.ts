import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics, diagsAt, expectValid } from "./harness.js";

const YAML = `agent:
  name: "shop"
  type: "mcp_proxy"
proxy:
  mode: "intercept"
  upstream:
    url: "https://shop.example"
  allowed_tools:
    - "orders_list"
  forbidden_tools:
    - "orders_purge"
  auth:
    required: true
    tokens:
      - vendor: "v"
        token: "\${V_TOKEN}"
`;

describe("merging agents across files", () => {
  test("a .talon agent extends a YAML agent: collections are unioned", () => {
    const ext = `talon 1
agent "shop" {
  tool orders_get { class read }
  forbid tool orders_export
}
`;
    const ir = expectValid({ "shop.talon.yaml": YAML, "shop.talon": ext });
    const a = ir.agents[0]!;
    expect(ir.agents).toHaveLength(1);
    expect(a.upstream).toEqual({ transport: "http", url: "https://shop.example", vendor: null });
    expect(a.tools.map((t) => t.name).sort()).toEqual(["orders_get", "orders_list"]);
    expect(a.rules.filter((r) => r.kind === "forbid").map((r) => (r.kind === "forbid" && r.targets.kind === "tools" ? r.targets.refs[0] : ""))).toEqual(
      expect.arrayContaining(["orders_export", "orders_purge"]),
    );
  });

  test("a scalar set in both sources is TAL0509, pointing at the second with the first related", () => {
    const ext = `talon 1
agent "shop" {
  mode passthrough
}
`;
    const ds = diagnostics({ "shop.talon.yaml": YAML, "shop.talon": ext }).filter((d) => d.code === "TAL0509");
    expect(ds.map((d) => `${d.span.file}:${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      "shop.talon.yaml:5:9 `mode` of agent `shop` set in two sources (shop.talon, shop.talon.yaml)",
    ]);
    expect(ds[0]!.related[0]!.span).toMatchObject({ file: "shop.talon", line: 3, col: 3 });
  });

  test("a scalar set twice in one agent is TAL0203", () => {
    const src = `${PRELUDE}agent "a" {
  upstream "https://x"
  posture read_only
  posture read_write
}
`;
    expect(diagsAt(src, ["TAL0203", "TAL0509"])).toEqual(["TAL0203 6:3"]);
  });

  test("an identical rule written in both sources is one rule", () => {
    const ext = `talon 1
agent "shop" {
  forbid tool "orders_purge"
}
`;
    const ir = expectValid({ "shop.talon.yaml": YAML, "shop.talon": ext });
    expect(ir.agents[0]!.rules.filter((r) => r.kind === "forbid")).toHaveLength(1);
  });
});

describe("defaults", () => {
  test("mode, posture, upstream_auth header, approve, confirm, limit burst, idempotent, redact scopes", () => {
    const src = `${PRELUDE}team ops { approvers "o@x" }
agent "a" {
  upstream "https://x"
  upstream_auth bearer env("UP")
  tool t { class write }
  grant vendor "v" write on t
  approve tool t by team ops
  confirm tool t
  limit rate 100 per 1m
  limit rate 5 per 1h
  idempotent tool t window 10m
  redact a.b with hash
}
`;
    const a = expectValid(src).agents[0]!;
    expect(a.mode).toBe("intercept");
    expect(a.posture).toBe("read_only");
    expect(a.upstreamAuth).toEqual({ scheme: "bearer", header: "Authorization", secret: { kind: "env", value: "UP" } });
    const rule = <K extends string>(k: K) => a.rules.filter((r) => r.kind === k);
    expect(rule("approve")[0]).toMatchObject({ quorum: 1, wait: "hold", timeoutMs: null, team: "ops" });
    expect(rule("confirm")[0]).toMatchObject({ via: "elicitation_or_token" });
    // burst = max(1, ceil(N·1s/per)): 100/min → 2; 5/h → 1.
    expect(rule("limit").map((r) => (r.kind === "limit" ? [r.rate, r.perMs, r.burst] : []))).toEqual(
      expect.arrayContaining([
        [100, 60_000, 2],
        [5, 3_600_000, 1],
      ]),
    );
    expect(rule("idempotent")[0]).toMatchObject({ windowMs: 600_000, onDuplicate: "replay" });
    expect(rule("redact")[0]).toMatchObject({ scopes: ["args", "result", "errors", "notifications"], method: { name: "hash", args: [] } });
    expect(a.trustAnnotations).toBe(false);
    expect(a.requireListed).toBe(true);
  });
});
