/**
 * LANGUAGE.md §13.2 through a running bundle: the Talos example policy, compiled by talonc and
 * served in front of the example cluster-admin upstream (over Streamable HTTP, so one process
 * counts every call), driven by real SDK clients. Read-only by default: reads pass, cluster
 * credentials are SRE-only and withheld anyway (`block response when detect(…)`), destructive
 * tools need a confirmation (elicitation or token), control-plane reboots and disruptive configs
 * an on-call approval, machine secrets are redacted, a config is applied once per 15 minutes,
 * destructive calls are rate limited, and reset/upgrade never reach the cluster.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TALOS_UPSTREAM } from "../fixtures/spawn-server.js";
import { adminCall, auditJson, connectV1, eventually, mcpError, ROOT, talonOverHttpUpstream, type GovernedUpstream, type RunningTalon } from "./harness.js";

const POLICY = readFileSync(join(ROOT, "examples/talos-cluster-admin/talos.talon"), "utf8");
const TOKENS = { TALOS_SRE_TOKEN: "sre-token-for-tests", TALOS_RO_TOKEN: "ro-token-for-tests", TALON_ADMIN_TOKEN: "talos-admin-token-for-tests" };
type Counts = Record<string, number>;

/** An SRE client that accepts every elicitation Talon sends (the human confirming). */
async function confirmingSre(url: string): Promise<{ client: Client; asked: string[] }> {
  const asked: string[] = [];
  const client = new Client({ name: "sre-console", version: "1.0.0" }, { capabilities: { elicitation: {} } });
  client.setRequestHandler(ElicitRequestSchema, async (req) => {
    asked.push(req.params.message);
    return { action: "accept", content: { confirm: true } };
  });
  await connectV1(url, TOKENS.TALOS_SRE_TOKEN, client);
  return { client, asked };
}

describe("Talos example (§13.2) through Talon", () => {
  let env: GovernedUpstream;
  let talon: RunningTalon;
  const counts = (): Counts => env.counts();

  beforeAll(async () => {
    // Two changes to the example: the upstream (HTTP, one process), and a destructive burst of 4
    // instead of 2, so that one SRE can show the duplicate, the confirmations and the approval
    // before the limit refuses the fifth destructive call.
    const policyFor = (url: string) => {
      const policy = POLICY.replace(/upstream stdio \[[^\]]*\]/, `upstream "${url}"`).replace(
        "limit rate 6 per 1h burst 2 by caller on class destructive",
        "limit rate 6 per 1h burst 4 by caller on class destructive",
      );
      expect(policy.match(/127\.0\.0\.1|burst 4/g)?.length).toBe(2);
      return policy;
    };
    env = await talonOverHttpUpstream(TALOS_UPSTREAM, "TALOS_UPSTREAM_COUNTS_FILE", policyFor, TOKENS);
    talon = env.talon;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it("lets reads through and keeps cluster credentials from everyone", async () => {
    const ro = await connectV1(talon.url, TOKENS.TALOS_RO_TOKEN);
    const version = await ro.callTool({ name: "talos_version", arguments: {} });
    expect(version.isError).toBeFalsy();
    const kube = await mcpError(ro.callTool({ name: "talos_kubeconfig", arguments: {} }));
    expect(kube.data).toMatchObject({ reason: "forbid" });
    // The SRE may call it, but the answer holds a private key and a JWT: withheld.
    const { client: sre } = await confirmingSre(talon.url);
    const withheld = await mcpError(sre.callTool({ name: "talos_kubeconfig", arguments: {} }));
    expect(withheld.data).toMatchObject({ reason: "blocked" });
    expect(JSON.stringify(withheld)).not.toMatch(/PRIVATE KEY|eyJ/);
    expect(counts().talos_kubeconfig).toBe(1); // forbidden for ro (never sent); sent for sre, then withheld
    await ro.close();
    await sre.close();
  });

  it("never forwards reset or upgrade, and gives no reboot without the SRE grant", async () => {
    const ro = await connectV1(talon.url, TOKENS.TALOS_RO_TOKEN);
    expect((await mcpError(ro.callTool({ name: "talos_reboot", arguments: { nodes: ["10.0.0.21"] } }))).data).toMatchObject({ reason: "default:no_grant" });
    const { client: sre } = await confirmingSre(talon.url);
    expect((await mcpError(sre.callTool({ name: "talos_reset", arguments: { nodes: ["10.0.0.21"] } }))).data).toMatchObject({ reason: "forbid" });
    expect((await mcpError(sre.callTool({ name: "TALOS_UPGRADE", arguments: { nodes: ["10.0.0.21"], image: "x" } }))).data).toMatchObject({ reason: "forbid" });
    expect(counts()).toMatchObject({ talos_reboot: 0, talos_reset: 0, talos_upgrade: 0 });
    await ro.close();
    await sre.close();
  });

  it("redacts machine secrets from an applied config, and refuses the same config twice", async () => {
    const { client: sre } = await confirmingSre(talon.url);
    const args = { nodes: ["10.0.0.21"], mode: "auto", dry_run: true };
    const res = await sre.callTool({ name: "talos_apply_config", arguments: args });
    expect(res.isError).toBeFalsy();
    const text = JSON.stringify(res);
    expect(text).toContain("[REDACTED]");
    // No private key, as PEM or base64-encoded PEM (the CA certificates, public, do pass).
    expect(text).not.toMatch(/PRIVATE KEY/);
    const decoded = (text.match(/LS0tLS1[A-Za-z0-9+/=]+/g) ?? []).map((b) => Buffer.from(b, "base64").toString("utf8"));
    expect(decoded.length).toBeGreaterThan(0);
    for (const pem of decoded) expect(pem).not.toMatch(/PRIVATE KEY/);
    const again = await mcpError(sre.callTool({ name: "talos_apply_config", arguments: args }));
    expect(again.data).toMatchObject({ reason: "duplicate" });
    expect(counts().talos_apply_config).toBe(1);
    const rec = auditJson(talon.data, ["--tool", "talos_apply_config"])[0]!;
    expect((rec.redactions as { rule: string; method: string }[]).every((e) => e.method === "redact_full")).toBe(true);
    await sre.close();
  });

  it("reboots a worker after the SRE confirms; a control-plane node also waits for on-call", async () => {
    const { client: sre, asked } = await confirmingSre(talon.url);
    const worker = await sre.callTool({ name: "talos_reboot", arguments: { nodes: ["10.0.0.22"] } });
    expect(worker.isError).toBeFalsy();
    expect(asked.at(-1)).toMatch(/talos_reboot/);
    expect(counts().talos_reboot).toBe(1);

    const cp = sre.callTool({ name: "talos_reboot", arguments: { nodes: ["10.0.0.11"] } }, undefined, { timeout: 30_000 });
    const req = await eventually(async () => {
      const r = await adminCall(talon, TOKENS.TALON_ADMIN_TOKEN, "/admin/v1/approvals?status=pending");
      return (r.json.approvals as { id: string; ruleIds: string[]; approvers: string[] }[]).find((a) => a.ruleIds.includes("talos-cp-reboot"));
    });
    expect(req.approvers).toEqual(["oncall-primary@acme.example", "oncall-secondary@acme.example"]);
    expect(counts().talos_reboot).toBe(1);
    const ok = await adminCall(talon, TOKENS.TALON_ADMIN_TOKEN, `/admin/v1/approvals/${req.id}/approve`, { approver: "oncall-secondary@acme.example" });
    expect(ok.status).toBe(200);
    expect((await cp).isError).toBeFalsy();
    expect(counts().talos_reboot).toBe(2);
    const rec = auditJson(talon.data, ["--tool", "talos_reboot"]).find((r) => r.approval !== undefined);
    expect(rec).toMatchObject({ confirmation: "elicitation", approval: { id: req.id, approvers: ["oncall-secondary@acme.example"] } });
    await sre.close();
  });

  it("rate limits destructive calls per caller (6 per hour)", async () => {
    // The bucket started full (4) and the two config applies and two reboots above took all four
    // (a duplicate takes its token too: limits come before idempotency, §7.1); an hour's rate is
    // 6, so the next token is ~10 minutes away.
    // The answer is HTTP 429 with Retry-After; the v1 SDK surfaces a non-2xx answer as a transport
    // error (StreamableHTTPError, `code` = the status) whose text carries the JSON-RPC error.
    const { client: sre } = await confirmingSre(talon.url);
    const limited = await sre.callTool({ name: "talos_reboot", arguments: { nodes: ["10.0.0.23"] } }).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect((limited as { code?: unknown }).code).toBe(429); // StreamableHTTPError carries the HTTP status
    const body = JSON.parse(/\{.*\}/s.exec(limited!.message)![0]) as { error: { data: { reason: string; retryAfterMs: number } } };
    expect(body.error.data.reason).toBe("rate_limited");
    expect(body.error.data.retryAfterMs).toBeGreaterThan(60_000);
    expect(counts().talos_reboot).toBe(2);
    await sre.close();
  });
});
