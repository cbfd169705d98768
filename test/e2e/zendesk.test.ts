/**
 * The first whole path: the Zendesk example policy compiled by talonc, served by the bundle's
 * server.mjs, in front of the example upstream over stdio and over Streamable HTTP, driven by the
 * real SDK client. Denied calls must never reach the upstream (its own counters say so), and
 * evidence must hold one record per call.
 */
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { Client as ClientV2, StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { startHttpServer, ZENDESK_UPSTREAM } from "../fixtures/spawn-server.js";
import { adminCall, auditJson, buildPolicy, connectV1, eventually, ROOT, startTalon, TALON, tempDir, type RunningTalon } from "./harness.js";

const EXAMPLE = join(ROOT, "examples/zendesk-vendor-proxy");
const POLICY = readFileSync(join(EXAMPLE, "zendesk-vendor-proxy.talon"), "utf8");
const TOKENS = {
  ZENDESK_AI_TOKEN: "zd-token-for-tests",
  INTERCOM_TOKEN: "ic-token-for-tests",
  TALON_REDACTION_KEY: "zd-redaction-key-for-tests",
  TALON_ADMIN_TOKEN: "zd-admin-token-for-tests",
};
const hmac = (v: string) => "sha256:" + createHmac("sha256", TOKENS.TALON_REDACTION_KEY).update(JSON.stringify(v)).digest("hex");

type Ticket = { id: number; subject: string; description: string; requester: { email: string; phone: string } };

/** The example's PII rules (zd-email, zd-phone, zd-desc) as seen by the client. */
function expectRedacted(t: Ticket): void {
  expect(t.requester.email).toMatch(/^sha256:[0-9a-f]{64}$/);
  expect(t.requester.phone).not.toMatch(/\d{4}/);
  expect(t.description).not.toMatch(/\d{9}/);
}

type Counts = Record<string, number>;

async function expectDenied(p: Promise<unknown>, pattern: RegExp): Promise<McpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(McpError);
  expect((err as McpError).message).toMatch(pattern);
  return err as McpError;
}

/** The same scenario against whichever upstream transport `setup` starts. */
function scenario(name: string, setup: () => Promise<{ talon: RunningTalon; bundle: string; counts: () => Counts; stop(): Promise<void> }>) {
  describe(name, () => {
    let env: Awaited<ReturnType<typeof setup>>;
    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => {
      await env?.stop();
    });

    it("lists only the exposed tools, under their client names", async () => {
      const client = await connectV1(env.talon.url, TOKENS.ZENDESK_AI_TOKEN);
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["zendesk_ticket_read", "zendesk_ticket_search", "zendesk_ticket_update"]);
      const search = tools.find((t) => t.name === "zendesk_ticket_search")!;
      expect(search.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
      await client.close();
    });

    it("forwards an allowed call under the upstream name and returns the upstream's result", async () => {
      const client = await connectV1(env.talon.url, TOKENS.ZENDESK_AI_TOKEN);
      const before = env.counts();
      const res = await client.callTool({ name: "zendesk_ticket_search", arguments: { query: "eSIM" } });
      expect(res.isError).toBeFalsy();
      const sc = res.structuredContent as { tickets: Ticket[] };
      expect(sc.tickets.length).toBeGreaterThan(0);
      expect(sc.tickets[0]!.subject).toMatch(/eSIM/i);
      // PII is redacted in structuredContent and in the mirrored text block alike.
      const mirror = JSON.parse((res.content as { text: string }[])[0]!.text) as { tickets: Ticket[] };
      expect(mirror).toEqual(sc);
      for (const t of sc.tickets) expectRedacted(t);
      expect(sc.tickets.find((t) => t.id === 45231)).toMatchObject({
        description: "The eSIM QR code fails with error 0x51. Please call me back at +XX XXXXXXXXX after 18:00.",
        requester: { email: hmac("customer@example.com"), phone: "+34 6XX XXX 222" },
      });
      expect(JSON.stringify(res)).not.toMatch(/@example\.(com|org|net)/);
      expect(env.counts().ticket_search).toBe(before.ticket_search! + 1);
      await client.close();
    });

    it("denies forbidden, wildcard-forbidden and unexposed tools without reaching the upstream", async () => {
      const client = await connectV1(env.talon.url, TOKENS.ZENDESK_AI_TOKEN);
      const forbidden = await expectDenied(client.callTool({ name: "zendesk_user_delete", arguments: { user_id: 1 } }), /zd-forbidden/);
      expect(forbidden.data).toMatchObject({ reason: "forbid", rules: ["zd-forbidden"] });
      await expectDenied(client.callTool({ name: "zendesk_admin_purge", arguments: {} }), /zd-forbidden/);
      await expectDenied(client.callTool({ name: "ZENDESK_ADMIN_PURGE", arguments: {} }), /zd-forbidden/);
      const unexposed = await expectDenied(client.callTool({ name: "export_all", arguments: {} }), /not_exposed/);
      expect(unexposed.data).toMatchObject({ reason: "default:not_exposed" });
      const counts = env.counts();
      expect(counts.user_delete).toBe(0);
      expect(counts.admin_purge).toBe(0);
      expect(counts.export_all).toBe(0);
      await client.close();
    });

    it("denies a vendor outside its boundary, and a client without a valid token", async () => {
      const intercom = await connectV1(env.talon.url, TOKENS.INTERCOM_TOKEN);
      await expectDenied(intercom.callTool({ name: "zendesk_ticket_read", arguments: { id: 1 } }), /outside_boundary/);
      expect((await intercom.listTools()).tools).toEqual([]);
      await intercom.close();
      await expect(connectV1(env.talon.url, "wrong-token")).rejects.toThrow(/401|invalid bearer token/i);
      await expect(connectV1(env.talon.url, undefined)).rejects.toThrow(/401|authentication required/i);
    });

    it("holds an update the oversight rule applies to until a human decides; a routine update goes through", async () => {
      const client = await connectV1(env.talon.url, TOKENS.ZENDESK_AI_TOKEN);
      // `args.priority == 'urgent' || args.impact > 500` is false: the approval does not apply.
      const routine = await client.callTool({ name: "zendesk_ticket_update", arguments: { id: 45231, priority: "low", impact: 3 } });
      expect(routine.isError).toBeFalsy();
      expect(env.counts().update_ticket).toBe(1);
      const pendingFor = (priority: string) =>
        eventually(async () => {
          const r = await adminCall(env.talon, TOKENS.TALON_ADMIN_TOKEN, "/admin/v1/approvals?status=pending");
          return (r.json.approvals as { id: string; args: { priority?: string }; ruleIds: string[]; teams: string[] }[]).find((a) => a.args.priority === priority);
        });
      // True: held (the request stays open) until the support lead approves; then it runs once.
      const progress: unknown[] = [];
      const urgent = client.callTool({ name: "zendesk_ticket_update", arguments: { id: 45231, priority: "urgent", impact: 3 } }, undefined, {
        onprogress: (p) => progress.push(p),
        resetTimeoutOnProgress: true,
        timeout: 30_000,
      });
      const req = await pendingFor("urgent");
      expect(req).toMatchObject({ ruleIds: ["zd-oversight"], teams: ["approvers"] });
      expect(env.counts().update_ticket).toBe(1);
      const ok = await adminCall(env.talon, TOKENS.TALON_ADMIN_TOKEN, `/admin/v1/approvals/${req.id}/approve`, { approver: "support-lead@acme.example" });
      expect(ok.status).toBe(200);
      expect((await urgent).isError).toBeFalsy();
      expect(progress.length).toBeGreaterThan(0);
      expect(env.counts().update_ticket).toBe(2);
      // Unknown (no `impact`: omitting a field must not skip oversight) is held too; denied here.
      const missing = client.callTool({ name: "zendesk_ticket_update", arguments: { id: 45231, priority: "low" } }, undefined, { timeout: 30_000 });
      const req2 = await pendingFor("low");
      const no = await adminCall(env.talon, TOKENS.TALON_ADMIN_TOKEN, `/admin/v1/approvals/${req2.id}/deny`, { approver: "support-lead@acme.example" });
      expect(no.status).toBe(200);
      const err = await expectDenied(missing, /denied/);
      expect(err.data).toMatchObject({ reason: "approval_denied", rules: ["zd-oversight"] });
      expect(env.counts().update_ticket).toBe(2);
      // The record says the rule fired because the condition was unknown, and which field was left out (§5).
      expect(auditJson(env.talon.data).find((r) => r.reason === "approval_denied")?.unknowns).toEqual([{ rule: "zd-oversight", path: "args.impact" }]);
      await client.close();
    });

    it("records the redaction report (pointers, no values) and prints the seed's PII line", () => {
      const records = auditJson(env.talon.data);
      const search = records.find((r) => r.tool === "zendesk_ticket_search")!;
      const report = search.redactions as { pointer: string; scope: string; method: string; rule: string }[];
      expect(report).toContainEqual({ pointer: "/structuredContent/tickets/0/requester/email", scope: "result", method: "hash", rule: "zd-email" });
      expect(report).toContainEqual({ pointer: "/structuredContent/tickets/0/requester/phone", scope: "result", method: "mask_middle", rule: "zd-phone" });
      expect(JSON.stringify(records)).not.toMatch(/@example\./);
      expect(report.filter((e) => !e.pointer.startsWith("/structuredContent/"))).toEqual([]); // the text mirror is listed once
      const human = spawnSync(process.execPath, [TALON, "audit", "list", "--data", env.talon.data], { encoding: "utf8" }).stdout;
      // Three "eSIM" tickets; two descriptions carry a phone number. The text mirror is not counted twice.
      expect(human).toContain("  Upstream: ticket_search (zendesk)\n  PII redacted: 2 description, 3 email, 3 phone\n");
    });

    it("records one evidence entry per tools/call, allowed or denied", async () => {
      const records = auditJson(env.talon.data);
      // Calls made above: 1 allowed search, 4 denials, 1 boundary denial, a routine and an approved update, 1 approval denied.
      expect(records.length).toBe(9);
      expect(records.filter((r) => r.decision === "allow").map((r) => [r.tool, r.upstreamTool, r.outcome])).toEqual([
        ["zendesk_ticket_search", "ticket_search", "ok"],
        ["zendesk_ticket_update", "update_ticket", "ok"],
        ["zendesk_ticket_update", "update_ticket", "ok"],
      ]);
      expect(records.find((r) => r.approval !== undefined)).toMatchObject({ approval: { status: "executed", approvers: ["support-lead@acme.example"] } });
      const denied = records.filter((r) => r.decision === "deny");
      expect(denied.map((r) => r.tool).sort()).toEqual(
        ["ZENDESK_ADMIN_PURGE", "export_all", "zendesk_admin_purge", "zendesk_ticket_read", "zendesk_ticket_update", "zendesk_user_delete"].sort(),
      );
      for (const r of records) {
        expect(r.agent).toBe("zendesk-vendor-proxy");
        expect(typeof r.bundleHash).toBe("string");
        expect(r.latencyMs).toBeGreaterThanOrEqual(0);
      }
      expect(records.find((r) => r.tool === "zendesk_ticket_read")).toMatchObject({ caller: "intercom", reason: "default:outside_boundary" });
      expect(records.find((r) => r.tool === "zendesk_user_delete")).toMatchObject({ caller: "zendesk-ai-agent", ruleIds: ["zd-forbidden"] });
      expect(auditJson(env.talon.data, ["--agent", "nobody"])).toEqual([]);
    });

    it("serves the v2 SDK client line the same way", async () => {
      const client = new ClientV2({ name: "talon-test-v2", version: "1.0.0" });
      await client.connect(new TransportV2(new URL(env.talon.url), { requestInit: { headers: { Authorization: `Bearer ${TOKENS.ZENDESK_AI_TOKEN}` } } }));
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name).sort()).toEqual(["zendesk_ticket_read", "zendesk_ticket_search", "zendesk_ticket_update"]);
      const read = await client.callTool({ name: "zendesk_ticket_read", arguments: { id: 45231 } });
      expect(read.structuredContent).toMatchObject({ id: 45231 });
      expectRedacted(read.structuredContent as Ticket);
      await expect(client.callTool({ name: "zendesk_export_all", arguments: {} })).rejects.toThrow(/zd-forbidden/);
      await client.close();
      expect(auditJson(env.talon.data).length).toBe(11);
    });

    it("reports the bundle and the uWebSockets.js build on /info and answers health probes", async () => {
      const base = env.talon.url.replace(/\/mcp$/, "");
      const info = (await (await fetch(`${base}/info`)).json()) as Record<string, unknown>;
      const manifest = JSON.parse(readFileSync(join(env.bundle, "manifest.json"), "utf8")) as { bundleHash: string };
      expect(info).toMatchObject({ name: "talon", bundleHash: manifest.bundleHash, uws: "native" });
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ status: "ready" });
      expect((await fetch(`${base}/nope`)).status).toBe(404);
    });
  });
}

function countsReader(file: string): () => Counts {
  return () => JSON.parse(readFileSync(file, "utf8")) as Counts;
}

scenario("zendesk example over a stdio upstream", async () => {
  const countsFile = join(tempDir(), "counts.json");
  // The example's relative command runs where the policy lives; from a temp dir, point at it.
  const policy = POLICY.replace(`"upstream/server.mjs"`, JSON.stringify(ZENDESK_UPSTREAM));
  expect(policy).not.toBe(POLICY);
  const { bundle } = buildPolicy({ "zendesk.talon": policy });
  const talon = await startTalon(bundle, { env: { ...TOKENS, ZENDESK_UPSTREAM_COUNTS_FILE: countsFile } });
  return { talon, bundle, counts: countsReader(countsFile), stop: () => talon.stop() };
});

scenario("zendesk example over a Streamable HTTP upstream", async () => {
  const countsFile = join(tempDir(), "counts.json");
  const upstream = await startHttpServer(ZENDESK_UPSTREAM, [], { ZENDESK_UPSTREAM_COUNTS_FILE: countsFile });
  const policy = POLICY.replace(/upstream stdio \[[^\]]*\]/, `upstream "http://127.0.0.1:${upstream.port}/mcp"`);
  expect(policy).not.toBe(POLICY);
  const { bundle } = buildPolicy({ "zendesk.talon": policy });
  const talon = await startTalon(bundle, { env: TOKENS });
  return {
    talon,
    bundle,
    counts: countsReader(countsFile),
    async stop() {
      await talon.stop();
      await upstream.stop();
    },
  };
});
