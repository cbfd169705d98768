/**
 * `talonc explain`: one decision by the reference interpreter, with the determining rules (position
 * and source line), each targeting rule's condition as true/false/unknown with the first unknown,
 * the resolved tool and the pending obligations.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTalonc } from "../../compiler/cli/talonc.js";
import { firstUnknown } from "../../compiler/explain/first-unknown.js";
import type { ExprIR } from "../../compiler/ir/ir.js";

function talonc(...argv: string[]): { code: number; out: string; err: string } {
  let out = "";
  let err = "";
  const code = runTalonc(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

const TALOS = "examples/talos-cluster-admin";
const ZD = "examples/zendesk-vendor-proxy";

describe("talonc explain", () => {
  it("a pending call: resolved tool, determining rules with source, conditions and obligations", () => {
    const r = talonc("explain", TALOS, "talos", "talos_reboot", "--as", "sre-agent", "--args", '{"nodes":["10.0.0.11"]}', "--at", "2026-03-02T10:00:00Z");
    expect(r.err).toBe("");
    expect(r.code).toBe(0);
    const lines = r.out.split("\n");
    expect(lines[0]).toBe('call "talos_reboot" on agent "talos" as caller "sre-agent" (teams sre) at 2026-03-02T10:00:00.000Z');
    expect(lines[1]).toMatch(/^tool: upstream "talos_reboot", class destructive \(exposed at examples\/talos-cluster-admin\/talos\.talon:\d+:\d+\)$/);
    expect(lines[2]).toBe("decision: pending (confirm_required)");
    expect(r.out).toMatch(/\n {2}talos-confirm {2}examples\/talos-cluster-admin\/talos\.talon:\d+:\d+ {2}confirm tool talos_reboot, talos_apply_config unless args\.dry_run == true/);
    expect(r.out).toMatch(/talos-confirm \(confirm\) \S+: !\(args\.dry_run == true\) = unknown \(first unknown: args\.dry_run\)/);
    expect(r.out).toMatch(/talos-cp-reboot \(approve\) \S+: .* = true\n/);
    expect(r.out).toContain("  confirm (step 7): rules talos-confirm via elicitation_or_token\n");
    expect(r.out).toContain("  approval (step 8): rules talos-cp-reboot by team oncall; approvers oncall-primary@acme.example, oncall-secondary@acme.example; quorum 1; timeout 30m; hold\n");
  });

  it("the first unknown of an `||` is the missing field (§13.1: absent impact means approval)", () => {
    const r = talonc("explain", ZD, "zendesk-vendor-proxy", "zendesk_ticket_update", "--as", "zendesk-ai-agent", "--args", '{"id":7,"priority":"low"}');
    expect(r.code).toBe(0);
    expect(r.out).toContain("decision: pending (approval_required)");
    expect(r.out).toContain('tool: upstream "update_ticket", class write');
    expect(r.out).toMatch(/zd-oversight \(approve\) \S+: \(\(args\.priority == "urgent"\) \|\| \(args\.impact > 500\)\) = unknown \(first unknown: args\.impact\)/);
    const known = talonc("explain", ZD, "zendesk-vendor-proxy", "zendesk_ticket_update", "--as", "zendesk-ai-agent", "--args", '{"id":7,"priority":"low","impact":3}');
    expect(known.out).toContain("decision: allow (allow)");
    expect(known.out).toMatch(/zd-oversight \(approve\) \S+: .* = false\n/);
    expect(known.out).not.toContain("obligations:");
  });

  it("denies: a forbid names its rule and line; a default deny names the step", () => {
    const forbid = talonc("explain", ZD, "zendesk-vendor-proxy", "zendesk_admin_purge", "--as", "zendesk-ai-agent");
    expect(forbid.out).toContain("tool: not exposed by this agent");
    expect(forbid.out).toContain("decision: deny (forbid)");
    expect(forbid.out).toMatch(/\n {2}zd-forbidden {2}\S+zendesk-vendor-proxy\.talon:\d+:\d+ {2}forbid tool zendesk_user_delete/);
    const scope = talonc("explain", ZD, "zendesk-vendor-proxy", "zendesk_ticket_read", "--as", "intercom", "--args", '{"id":1}');
    expect(scope.out).toContain("decision: deny (default:outside_boundary)");
    expect(scope.out).toContain("determining: default:outside_boundary");
  });

  it("virtual roots (§8.4): a path check denies like a forbid, after decide", () => {
    const fs = "examples/airlock-fs";
    const denied = talonc("explain", fs, "airlock-fs", "read_text_file", "--as", "docs-agent", "--args", '{"path":"/workspace/app/.env"}');
    expect(denied.out).toContain("decision: deny (path:denied)");
    expect(denied.out).toContain('matches `deny path "**/.env"`');
    const ro = talonc("explain", fs, "airlock-fs", "write_file", "--as", "coder-agent", "--args", '{"path":"/docs/x.md","content":""}');
    expect(ro.out).toContain("decision: deny (path:read_only_root)");
    expect(talonc("explain", fs, "airlock-fs", "read_text_file", "--as", "docs-agent", "--args", '{"path":"/docs/guide.md"}').out).toContain("decision: allow (allow)");
  });

  it("--format json carries the same explanation as data", () => {
    const r = talonc("explain", TALOS, "talos", "talos_apply_config", "--as", "sre-agent", "--args", '{"nodes":["10.0.0.21"],"mode":"auto","dry_run":true}', "--meta", '{"k":1}', "--format", "json");
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as {
      decision: { effect: string };
      call: { meta: unknown; at: string };
      tool: { class: string };
      conditions: { id: string; value: string }[];
    };
    expect(j.decision.effect).toBe("allow");
    expect(j.call.meta).toEqual({ k: 1 });
    expect(j.tool.class).toBe("destructive");
    expect(j.conditions.find((c) => c.id === "talos-confirm")?.value).toBe("false");
  });

  it("bad input is a clear error: unknown agent or principal (1), bad JSON or time (2)", () => {
    const agent = talonc("explain", TALOS, "talso", "talos_version", "--as", "sre-agent");
    expect(agent.code).toBe(1);
    expect(agent.err).toContain('no agent "talso" in the bundle (agents: talos)');
    const who = talonc("explain", TALOS, "talos", "talos_version", "--as", "nobody");
    expect(who.code).toBe(1);
    expect(who.err).toContain('no principal "nobody"');
    expect(talonc("explain", TALOS, "talos", "talos_version", "--as", "sre-agent", "--args", "{nope").err).toContain("--args must be JSON");
    expect(talonc("explain", TALOS, "talos", "talos_version", "--as", "sre-agent", "--args", "[1]").code).toBe(2);
    expect(talonc("explain", TALOS, "talos", "talos_version", "--as", "sre-agent", "--at", "noon").err).toContain("--at must be an ISO 8601 time");
    expect(talonc("explain", TALOS, "talos", "talos_version").err).toContain("needs `--as <principal>`");
    expect(talonc("explain", TALOS, "talos").code).toBe(2);
  });

  it("a policy with errors is reported, not explained", () => {
    const dir = mkdtempSync(join(tmpdir(), "talonc-explain-"));
    writeFileSync(join(dir, "p.talon"), 'talon 1\nagent "a" { upstream "http://x" tool t { class read } grant team nope read on t }\n');
    const r = talonc("explain", dir, "a", "t", "--as", "anonymous");
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[TAL0301]");
  });
});

describe("firstUnknown", () => {
  const env = { args: { a: { b: 1 } }, meta: undefined, now: undefined, principal: { id: "p", kind: "caller" as const, index: 0, teams: [] }, tool: "t", upstream: "t", cls: null, agent: "x", detectors: [] };
  const path = (root: string, ...steps: (string | number)[]): ExprIR => ({ op: "path", root, steps });
  it("reports the shortest unknown prefix of the first unknown path, and nothing for a known value", () => {
    expect(firstUnknown(path("args", "a", "c", "d"), env)).toBe("args.a.c");
    expect(firstUnknown(path("args", "a", "b"), env)).toBeUndefined();
    const or: ExprIR = { op: "binary", kind: "||", left: { op: "binary", kind: "==", left: path("args", "a", "b"), right: { op: "lit", value: 2 } }, right: { op: "binary", kind: ">", left: path("args", "x"), right: { op: "lit", value: 1 } } };
    expect(firstUnknown(or, env)).toBe("args.x");
    // Strong Kleene: false && unknown is false, so there is no unknown to report.
    const and: ExprIR = { ...or, kind: "&&" } as ExprIR;
    expect(firstUnknown(and, env)).toBeUndefined();
  });

  it("a detector argument is not a value: the unknown is the scanned path, or `detect` itself", () => {
    const detect = (v: ExprIR): ExprIR => ({ op: "call", target: null, fn: "detect", args: [v, { op: "detector", name: "jwt" }] });
    expect(firstUnknown(detect(path("args", "x")), env)).toBe("args.x");
    expect(firstUnknown(detect(path("args", "a")), env)).toBeUndefined(); // known: false
    const big = { ...env, args: { many: Array.from({ length: 10_001 }, () => "x") } };
    expect(firstUnknown(detect(path("args", "many")), big)).toBe("detect(args.many, jwt)");
    const matches: ExprIR = { op: "binary", kind: "matches", left: path("args", "y"), right: { op: "detector", name: "card" } };
    expect(firstUnknown(matches, env)).toBe("args.y");
  });
});
