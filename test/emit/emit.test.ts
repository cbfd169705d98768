/**
 * The emitted module against the `runtime/hooks.ts` contract: exported principals and agents,
 * preallocated decisions (the same frozen object for the same outcome, on exact and glob paths),
 * and the build-time type check of generated code.
 */
import { readdirSync, readFileSync } from "node:fs";
import { beforeAll, describe, expect, test } from "vitest";
import { InternalEmitError, typecheckPolicy } from "../../compiler/emit/typecheck.js";
import { agentOf, emitFiles, importPolicy, principalFor, type LoadedPolicy } from "./harness.js";

const RICH = "test/emit/fixtures/rich";
let policy: LoadedPolicy;

beforeAll(async () => {
  const files = Object.fromEntries(readdirSync(RICH).map((f) => [`${RICH}/${f}`, readFileSync(`${RICH}/${f}`, "utf8")]));
  policy = await importPolicy(emitFiles(files).policyMjs);
});

describe("exports", () => {
  test("principals: sorted by id, index = position, teams from both directions, frozen", () => {
    expect(policy.principals.map((p) => [p.id, p.kind, p.index, p.teams])).toEqual([
      ["intercom", "vendor", 0, []],
      ["sre-agent", "caller", 1, ["sre"]],
      ["support-bot", "caller", 2, ["support"]],
      ["zendesk-ai-agent", "vendor", 3, []],
    ]);
    expect(policy.principals[0]!.token).toEqual({ kind: "env", value: "INTERCOM_TOKEN" });
    expect(Object.isFrozen(policy.principals)).toBe(true);
    expect(Object.isFrozen(policy.principals[1]!.teams)).toBe(true);
  });

  test("agents carry mode, upstream, upstream auth and allowAnonymous", () => {
    const z = agentOf(policy, "zendesk");
    expect([z.mode, z.allowAnonymous]).toEqual(["intercept", false]);
    expect(z.upstream).toEqual({ transport: "http", url: "https://zendesk.example/mcp", vendor: "zendesk" });
    expect(z.upstreamAuth).toEqual({ scheme: "bearer", header: "X-Api-Key", secret: { kind: "env", value: "ZENDESK_UPSTREAM_TOKEN" } });
    const t = agentOf(policy, "talos");
    expect(t.upstream).toEqual({ transport: "stdio", argv: ["talos-mcp-server", "--talosconfig", "/etc/talon/talosconfig"], vendor: null });
    expect(t.upstreamAuth).toBeNull();
    expect(Object.isFrozen(t)).toBe(true);
  });

  test("an agent in a bundle without tokens accepts anonymous clients", async () => {
    const p = await importPolicy(emitFiles('talon 1\nagent "open" {\n  upstream "https://o"\n  tool t { class read }\n  grant anyone read on t\n}\n').policyMjs);
    const a = agentOf(p, "open");
    expect(a.allowAnonymous).toBe(true);
    expect(a.decide("t", principalFor(p, "anonymous"), {}).effect).toBe("allow");
  });

  test("client auth: `auth oidc` agents carry issuer and audience and admit no anonymous client; principals carry `oidc sub`", async () => {
    const src = `talon 1
caller "c" { oidc sub "svc:c" }
agent "o" {
  upstream "https://o"
  auth oidc issuer "https://id.example" audience "aud"
}
agent "b" {
  upstream "https://b"
  auth bearer
}
agent "n" {
  upstream "https://n"
}
`;
    const p = await importPolicy(emitFiles(src).policyMjs);
    expect(p.principals.map((x) => [x.id, x.oidcSub, x.token])).toEqual([["c", "svc:c", null]]);
    expect([agentOf(p, "o").auth, agentOf(p, "o").allowAnonymous]).toEqual([{ scheme: "oidc", issuer: "https://id.example", audience: "aud" }, false]);
    expect([agentOf(p, "b").auth, agentOf(p, "n").auth, agentOf(p, "n").allowAnonymous]).toEqual([{ scheme: "bearer" }, null, true]);
    expect(Object.isFrozen(agentOf(p, "o").auth)).toBe(true);
  });
});

describe("decisions are preallocated and frozen", () => {
  test("the same outcome returns the same object, on exact names and on globs", () => {
    const z = agentOf(policy, "zendesk");
    const zd = principalFor(policy, "zendesk-ai-agent");
    const exact = z.decide("zendesk_ticket_search", zd, {});
    expect(exact).toMatchObject({ effect: "allow", upstream: "ticket_search", toolClass: "read" });
    expect(z.decide("zendesk_ticket_search", zd, { other: "args" })).toBe(exact);
    // An undeclared class is destructive: the vendor's read/write grant does not cover it.
    expect(z.decide("zendesk_ticket_anything", zd, {}).reason).toBe("default:no_grant");
    const support = principalFor(policy, "support-bot");
    const glob = z.decide("zendesk_ticket_anything", support, {});
    expect(glob).toMatchObject({ effect: "allow", upstream: null, toolClass: "destructive" });
    expect(z.decide("zendesk_ticket_other", support, {})).toBe(glob);
    expect(Object.isFrozen(glob) && Object.isFrozen(glob.ruleIds)).toBe(true);
    expect(z.decide("nope", zd, {})).toBe(z.decide("still_nope", zd, {}));
  });

  test("deny decisions name their rule or the default step", () => {
    const z = agentOf(policy, "zendesk");
    const intercom = principalFor(policy, "intercom");
    expect(z.decide("ZENDESK_ADMIN_x", intercom, {}).message).toBe('tool "ZENDESK_ADMIN_x" is forbidden by rule zd-forbidden: destructive or bulk operation');
    expect(z.decide("zendesk_ticket_search", intercom, {}).message).toBe("denied by default (outside_boundary): the tool is outside this client's allowed tools");
    const pending = z.decide("zendesk_ticket_update", principalFor(policy, "support-bot"), {});
    expect(pending).toMatchObject({ effect: "pending", reason: "approval_required", message: "approval by team support required by rule zd-oversight", upstream: "update_ticket", confirm: null });
    expect(pending.approval).toEqual({ ruleIds: ["zd-oversight"], teams: ["support"], approvers: ["lead@acme.example"], quorum: 1, timeoutMs: 900000, wait: "hold" });
  });

  test("a tool name that is not a string is denied, not thrown on", () => {
    const z = agentOf(policy, "zendesk");
    for (const bad of [42, null, undefined, { length: 3 }]) {
      expect(z.decide(bad as unknown as string, principalFor(policy, "intercom"), {}).reason).toBe("invalid_tool_name");
      expect(z.clientName(bad as unknown as string)).toBeNull();
    }
  });

  test("clientName maps upstream names back, hiding renamed-away names", () => {
    const z = agentOf(policy, "zendesk");
    expect(z.clientName("get_ticket")).toBe("zendesk_ticket_read");
    expect(z.clientName("zendesk_ticket_read")).toBeNull();
    expect(z.clientName("zendesk_other")).toBe("zendesk_other");
    expect(z.clientName("other")).toBeNull();
  });
});

test("generated code that does not type-check fails the build as an internal error", () => {
  expect(() => typecheckPolicy('import type { Decision } from "talon/runtime/hooks";\nexport const d: Decision = 1;\n')).toThrow(InternalEmitError);
  expect(() => typecheckPolicy('import type { Decision } from "talon/runtime/hooks";\nexport const n: Decision[] = [];\n')).not.toThrow();
});
