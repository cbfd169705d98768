/**
 * The obligations of §7.1 steps 5–8 and §7.3 through a running bundle, one real upstream (the
 * Zendesk example over stdio, whose own counters say how often each tool really ran), real SDK
 * clients, the real `talon approvals` CLI and admin API:
 * - approval `hold`: the request stays open with progress, approved once through the admin API,
 *   executed once; a second approval is refused; `deny` and timeout end the call;
 * - approval `defer`: a pending id at once, approved with the CLI, the retry executes once;
 * - confirmation through MCP elicitation (accept and decline), and by single-use token;
 * - rate limits: 429 with Retry-After for one caller while another is unaffected;
 * - idempotency: a retry is replayed, not re-executed; concurrent duplicates run once; a key
 *   reused with other arguments is refused;
 * - `block response`; passthrough mode recording what intercept would do.
 */
import { spawnSync } from "node:child_process";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ZENDESK_UPSTREAM } from "../fixtures/spawn-server.js";
import { adminCall, auditJson, connectV1, eventually, mcpError, rawPost, talonOverHttpUpstream, TALON, type GovernedUpstream, type RunningTalon } from "./harness.js";

const TOKENS = { TOKEN_A: "token-a-for-tests", TOKEN_B: "token-b-for-tests", TALON_ADMIN_TOKEN: "admin-token-for-tests" };
const LEAD = "lead@acme.example";

/** The policy, in front of one HTTP upstream process (one desk and one set of counters for every session). */
const policy = (mode: "intercept" | "passthrough", upstreamUrl: string) => `talon 1
vendor "vendor-a" { token env("TOKEN_A") }
vendor "vendor-b" { token env("TOKEN_B") }
team leads { approvers "${LEAD}", "second@acme.example" }
agent "ob" {
  mode ${mode}
  posture read_write
  upstream ${JSON.stringify(upstreamUrl)}
  tool search -> "ticket_search" { class read }
  tool read   -> "get_ticket"    { class read }
  tool update -> "update_ticket" { class write }
  tool purge  -> "admin_purge"   { class destructive }
  tool delete -> "user_delete"   { class destructive }
  tool export -> "export_all"    { class read }
  grant anyone all on "*"
  @id("no-export") forbid tool export
  @id("search-rate") limit rate 3 per 1m burst 3 by caller on tool search
  @id("update-once") idempotent tool update window 10m on_duplicate replay
  ## \`??\` keeps an absent field from making the condition unknown (which would fire the rule).
  @id("hold") approve tool update when args.priority ?? "" == "urgent" || args.status ?? "" == "closed" by team leads { timeout 1m  hold }
  @id("hold-short") approve tool update when args.status ?? "" == "solved" by team leads { timeout 2s  hold }
  @id("defer") approve tool delete by team leads { timeout 1m  defer }
  @id("confirm-purge") confirm tool purge
  @id("big-impact") block response on tool read when result.impact > 2000
${mode === "passthrough" ? '  @id("email") redact tickets[*].requester.email with redact_full\n  evidence { capture requests, responses, redactions, decisions }\n' : ""}}
`;

type Counts = Record<string, number>;

function talonCli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TALON, ...args], { encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

const admin = (talon: RunningTalon, path: string, body?: unknown) => adminCall(talon, TOKENS.TALON_ADMIN_TOKEN, path, body);

describe("obligations through a running bundle (intercept)", () => {
  let env: GovernedUpstream;
  let talon: RunningTalon;
  const counts = (): Counts => env.counts();

  beforeAll(async () => {
    env = await talonOverHttpUpstream(ZENDESK_UPSTREAM, "ZENDESK_UPSTREAM_COUNTS_FILE", (url) => policy("intercept", url), TOKENS);
    talon = env.talon;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it("withholds a response a block rule fires on", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    const open = await client.callTool({ name: "read", arguments: { id: 45232 } });
    expect(open.isError).toBeFalsy();
    const blocked = await mcpError(client.callTool({ name: "read", arguments: { id: 45233 } }));
    expect(blocked.data).toMatchObject({ reason: "blocked", rules: ["big-impact"] });
    expect(JSON.stringify(blocked)).not.toMatch(/Lyon/);
    await client.close();
  });
  it("holds an approval with progress, executes it once after one approval, refuses a second approval", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    const progress: unknown[] = [];
    const before = counts().update_ticket ?? 0;
    const call = client.callTool({ name: "update", arguments: { id: 45231, priority: "urgent" } }, undefined, {
      onprogress: (p) => progress.push(p),
      resetTimeoutOnProgress: true,
      timeout: 30_000,
    });
    const pendingReq = await eventually(async () => {
      const list = await admin(talon, "/admin/v1/approvals?status=pending");
      const items = (list.json.approvals ?? list.json.items) as { id: string; tool: string }[] | undefined;
      return items?.find((a) => a.tool === "update");
    });
    await eventually(() => (progress.length > 0 ? true : undefined));
    expect(progress[0]).toMatchObject({ progress: 1, message: expect.stringContaining(pendingReq.id) });
    // Not executed while pending.
    expect(counts().update_ticket ?? 0).toBe(before);

    const outsider = await admin(talon, `/admin/v1/approvals/${pendingReq.id}/approve`, { approver: "mallory@evil.example" });
    expect(outsider.status).toBe(403);
    const ok = await admin(talon, `/admin/v1/approvals/${pendingReq.id}/approve`, { approver: LEAD });
    expect(ok.status).toBe(200);
    const res = await call;
    expect(res.isError).toBeFalsy();
    expect((res.structuredContent as { ticket: { priority: string } }).ticket.priority).toBe("urgent");
    const again = await admin(talon, `/admin/v1/approvals/${pendingReq.id}/approve`, { approver: "second@acme.example" });
    expect(again.status).toBe(409);
    expect(counts().update_ticket).toBe(before + 1);

    const rec = auditJson(talon.data, ["--tool", "update"]).find((r) => (r.approval as { id?: string } | undefined)?.id === pendingReq.id);
    expect(rec).toMatchObject({ decision: "allow", outcome: "ok", ruleIds: ["hold"], approval: { approvers: [LEAD] } });
    await client.close();
  });

  it("ends a held call when an approver denies it, and when it times out", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    const before = counts().update_ticket ?? 0;
    const call = mcpError(client.callTool({ name: "update", arguments: { id: 45232, status: "closed" } }, undefined, { timeout: 30_000 }));
    const req = await eventually(async () => {
      const items = (await admin(talon, "/admin/v1/approvals?status=pending")).json.approvals as { id: string; args: { id?: number } }[] | undefined;
      return items?.find((a) => a.args.id === 45232);
    });
    const cli = talonCli(["approvals", "deny", req.id, "--as", LEAD, "--note", "not today", "--data", talon.data]);
    expect(cli.status, cli.stderr).toBe(0);
    const err = await call;
    expect(err.data).toMatchObject({ reason: "approval_denied", rules: ["hold"] });
    expect(err.message).toMatch(/not today/);

    const timeout = await mcpError(client.callTool({ name: "update", arguments: { id: 45234, status: "solved" } }, undefined, { timeout: 30_000 }));
    expect(timeout.data).toMatchObject({ reason: "approval_timeout", rules: ["hold-short"] });
    expect(counts().update_ticket ?? 0).toBe(before);
    await client.close();
  });

  it("does not run a held call whose client went away; once approved, a retry with its id runs it once", async () => {
    const before = counts().update_ticket ?? 0;
    const auth = { authorization: `Bearer ${TOKENS.TOKEN_A}` };
    const init = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }), auth);
    const sid = init.headers.get("mcp-session-id")!;
    const args = { id: 45238, priority: "urgent" };
    const leaving = new AbortController();
    const held = fetch(talon.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": sid, ...auth },
      body: JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "update", arguments: args } }),
      signal: leaving.signal,
    }).catch((e: unknown) => e);
    const req = await eventually(async () => {
      const items = (await admin(talon, "/admin/v1/approvals?status=pending")).json.approvals as { id: string; args: { id?: number } }[];
      return items.find((a) => a.args.id === 45238);
    });
    leaving.abort();
    await held;
    await new Promise((r) => setTimeout(r, 600)); // the server notices within its 250 ms watch
    expect((await admin(talon, `/admin/v1/approvals/${req.id}/approve`, { approver: LEAD })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(counts().update_ticket ?? 0).toBe(before);
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    const ran = await client.callTool({ name: "update", arguments: args, _meta: { "talon/approval": req.id } });
    expect(ran.isError).toBeFalsy();
    expect(counts().update_ticket).toBe(before + 1);
    await client.close();
  });

  it("defers an approval: pending id at once, approved with the CLI, the retry runs once", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    const args = { user_id: "u-1003" };
    const first = await mcpError(client.callTool({ name: "delete", arguments: args }));
    const data = first.data as { reason: string; approvalId: string };
    expect(data.reason).toBe("approval_required");
    expect(data.approvalId).toMatch(/^apr_[0-9a-f]{24}$/);
    expect(counts().user_delete ?? 0).toBe(0);

    const listed = talonCli(["approvals", "list", "--data", talon.data, "--json"]);
    expect(listed.status, listed.stderr).toBe(0);
    expect(listed.stdout).toContain(data.approvalId);
    const approved = talonCli(["approvals", "approve", data.approvalId, "--as", LEAD, "--data", talon.data]);
    expect(approved.status, approved.stderr).toBe(0);

    // Other arguments cannot ride on the approval.
    const other = await mcpError(client.callTool({ name: "delete", arguments: { user_id: "u-1000" }, _meta: { "talon/approval": data.approvalId } }));
    expect(other.data).toMatchObject({ reason: "approval_required" });
    const ran = await client.callTool({ name: "delete", arguments: args, _meta: { "talon/approval": data.approvalId } });
    expect(ran.isError).toBeFalsy();
    const twice = await mcpError(client.callTool({ name: "delete", arguments: args, _meta: { "talon/approval": data.approvalId } }));
    expect(twice.data).toMatchObject({ reason: "duplicate" });
    expect(counts().user_delete).toBe(1);
    await client.close();
  });

  it("rate limits one caller with 429 and Retry-After while another caller is unaffected", async () => {
    const a = await connectV1(talon.url, TOKENS.TOKEN_A);
    for (let i = 0; i < 3; i++) expect((await a.callTool({ name: "search", arguments: { query: "eSIM" } })).isError).toBeFalsy();
    const before = counts().ticket_search;
    // The raw answer: HTTP 429, Retry-After in seconds, the JSON-RPC error naming the rule.
    const init = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } }), {
      authorization: `Bearer ${TOKENS.TOKEN_A}`,
    });
    const sid = init.headers.get("mcp-session-id")!;
    await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }), { authorization: `Bearer ${TOKENS.TOKEN_A}`, "mcp-session-id": sid });
    const limited = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/call", params: { name: "search", arguments: { query: "x" } } }), {
      authorization: `Bearer ${TOKENS.TOKEN_A}`,
      "mcp-session-id": sid,
    });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = JSON.parse(limited.text) as { error: { code: number; data: { reason: string; rules: string[]; retryAfterMs: number } } };
    expect(body.error.code).toBe(-32001);
    expect(body.error.data).toMatchObject({ reason: "rate_limited", rules: ["search-rate"] });
    expect(body.error.data.retryAfterMs).toBeGreaterThan(0);
    expect(counts().ticket_search).toBe(before);

    const b = await connectV1(talon.url, TOKENS.TOKEN_B);
    expect((await b.callTool({ name: "search", arguments: { query: "eSIM" } })).isError).toBeFalsy();
    expect(counts().ticket_search).toBe(before + 1);
    await a.close();
    await b.close();
  });

  it("replays an idempotent retry instead of re-executing it, runs concurrent duplicates once, refuses a reused key", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_B);
    const before = counts().update_ticket ?? 0;
    const args = { id: 45235, comment: "Replaced the power supply." };
    const first = await client.callTool({ name: "update", arguments: args });
    const retry = await client.callTool({ name: "update", arguments: args });
    expect(retry).toEqual(first);
    expect(counts().update_ticket).toBe(before + 1);
    const replayed = auditJson(talon.data, ["--tool", "update"]).filter((r) => r.outcome === "replayed");
    expect(replayed.length).toBeGreaterThanOrEqual(1);

    const concurrent = { id: 45236, comment: "Refund issued." };
    const [x, y] = await Promise.all([client.callTool({ name: "update", arguments: concurrent }), client.callTool({ name: "update", arguments: concurrent })]);
    expect(y).toEqual(x);
    expect(counts().update_ticket).toBe(before + 2);

    const keyed = { "talon/idempotency-key": "op-77" };
    await client.callTool({ name: "update", arguments: { id: 45237, comment: "one" }, _meta: keyed });
    const conflict = await mcpError(client.callTool({ name: "update", arguments: { id: 45237, comment: "two" }, _meta: keyed }));
    expect(conflict.code).toBe(-32602);
    expect(conflict.data).toMatchObject({ reason: "idempotency_conflict", rules: ["update-once"] });
    expect(counts().update_ticket).toBe(before + 3);
    await client.close();
  });

  // `purge` empties the help desk: these run last.
  it("confirms through MCP elicitation when the client supports it (accept runs, decline does not)", async () => {
    const answers: ("accept" | "decline")[] = ["accept", "decline"];
    const asked: string[] = [];
    const client = new Client({ name: "elicit-test", version: "1.0.0" }, { capabilities: { elicitation: {} } });
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req.params.message);
      const action = answers.shift()!;
      return action === "accept" ? { action, content: { confirm: true } } : { action };
    });
    await connectV1(talon.url, TOKENS.TOKEN_A, client);
    const before = counts().admin_purge ?? 0;
    const ok = await client.callTool({ name: "purge", arguments: {} });
    expect(ok.isError).toBeFalsy();
    expect(asked[0]).toMatch(/purge/);
    const no = await mcpError(client.callTool({ name: "purge", arguments: {} }));
    expect(no.data).toMatchObject({ reason: "confirm_declined", rules: ["confirm-purge"] });
    expect(counts().admin_purge).toBe(before + 1);
    const recs = auditJson(talon.data, ["--tool", "purge"]);
    expect(recs.some((r) => r.confirmation === "elicitation" && r.outcome === "ok")).toBe(true);
    await client.close();
  });

  it("confirms with a single-use token bound to the call when the client cannot elicit", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_B);
    const before = counts().admin_purge ?? 0;
    const first = await mcpError(client.callTool({ name: "purge", arguments: {} }));
    const token = (first.data as { confirmToken: string }).confirmToken;
    expect(first.data).toMatchObject({ reason: "confirm_required", rules: ["confirm-purge"] });
    expect(token).toMatch(/^ct_[0-9a-f]{64}$/);
    const ok = await client.callTool({ name: "purge", arguments: {}, _meta: { "talon/confirm": token } });
    expect(ok.isError).toBeFalsy();
    const reused = await mcpError(client.callTool({ name: "purge", arguments: {}, _meta: { "talon/confirm": token } }));
    expect(reused.data).toMatchObject({ reason: "confirm_required" });
    expect(counts().admin_purge).toBe(before + 1);
    await client.close();
  });
});

describe("passthrough mode", () => {
  let env: GovernedUpstream;
  let talon: RunningTalon;
  const counts = (): Counts => env.counts();

  beforeAll(async () => {
    env = await talonOverHttpUpstream(ZENDESK_UPSTREAM, "ZENDESK_UPSTREAM_COUNTS_FILE", (url) => policy("passthrough", url), TOKENS);
    talon = env.talon;
  }, 60_000);
  afterAll(async () => {
    await env?.stop();
  });

  it("blocks nothing and records what intercept would have done", async () => {
    const client = await connectV1(talon.url, TOKENS.TOKEN_A);
    expect((await client.callTool({ name: "export", arguments: {} })).isError).toBeFalsy();
    expect((await client.callTool({ name: "delete", arguments: { user_id: "u-1005" } })).isError).toBeFalsy();
    for (let i = 0; i < 4; i++) await client.callTool({ name: "search", arguments: { query: "eSIM" } });
    const searched = await client.callTool({ name: "search", arguments: { query: "eSIM" } });
    expect(JSON.stringify(searched.structuredContent)).toMatch(/@example\./); // passthrough changes nothing
    const blocked = await client.callTool({ name: "read", arguments: { id: 45233 } });
    expect(JSON.stringify(blocked)).toMatch(/Lyon/);
    expect((await client.callTool({ name: "purge", arguments: {} })).isError).toBeFalsy();
    expect(counts()).toMatchObject({ export_all: 1, user_delete: 1, admin_purge: 1, ticket_search: 5, get_ticket: 1 });

    const recs = auditJson(talon.data);
    const would = (tool: string) => recs.filter((r) => r.tool === tool).flatMap((r) => (r.would as string[] | undefined) ?? []);
    expect(would("export")).toContain("would_block:forbid");
    expect(would("delete")).toContain("would_approve");
    expect(would("purge")).toContain("would_confirm");
    expect(would("search")).toContain("would_rate_limit");
    expect(would("read")).toContain("would_block_response");
    // Redaction is evaluated and reported, the client still gets the clear value, and evidence
    // holds only the redacted one.
    expect(would("search")).toContain("would_redact");
    const search = recs.find((r) => r.tool === "search")!;
    expect(JSON.stringify(search.result)).toContain("[REDACTED]");
    expect(JSON.stringify(search.result)).not.toMatch(/@example\./);
    expect(search.redactions).toEqual(expect.arrayContaining([expect.objectContaining({ rule: "email", scope: "result" })]));
    // A duplicate of an idempotent write goes through again, recorded as one.
    await client.callTool({ name: "update", arguments: { id: 45231, priority: "low" } });
    await client.callTool({ name: "update", arguments: { id: 45231, priority: "low" } });
    expect(counts().update_ticket).toBe(2);
    expect(auditJson(talon.data).filter((r) => r.tool === "update").flatMap((r) => (r.would as string[] | undefined) ?? [])).toEqual(["would_duplicate"]);
    // Nothing is pending in the queue: passthrough never asks anyone.
    const list = talonCli(["approvals", "list", "--data", talon.data, "--json", "--status", "all"]);
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).not.toMatch(/apr_/);
    await client.close();
  });
});
