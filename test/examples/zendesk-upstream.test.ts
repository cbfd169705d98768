/**
 * The example Zendesk-like upstream, exercised the way a proxy will use it: over stdio and
 * Streamable HTTP with the v1 SDK client, and over HTTP with the v2 client line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { Client as ClientV2, StreamableHTTPClientTransport as StreamableHTTPClientTransportV2 } from "@modelcontextprotocol/client";
import { request } from "undici";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ZENDESK_UPSTREAM, startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";

const TOOL_NAMES = ["ticket_search", "get_ticket", "update_ticket", "user_delete", "export_all", "admin_purge"];
const ZERO_COUNTS = Object.fromEntries(TOOL_NAMES.map((name) => [name, 0]));
const CLIENT_INFO = { name: "zendesk-upstream-test", version: "1.0.0" };
const EMAIL = /^[^@\s]+@example\.(com|org|net)$/;
const PHONE = /^\+\d{2,3}( \d{1,4}){2,4}$/;

interface Requester { id: string; name: string; email: string; phone: string }
interface Ticket { id: number; subject: string; description: string; priority: string; requester: Requester }
interface CallResult { content: { type: string; text?: string }[]; structuredContent?: unknown; isError?: boolean }

function tempCountsFile(): { file: string; dispose(): void } {
  const dir = mkdtempSync(join(tmpdir(), "zendesk-upstream-"));
  return { file: join(dir, "counts.json"), dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

function readCounts(file: string): Record<string, number> {
  return JSON.parse(readFileSync(file, "utf8")) as Record<string, number>;
}

/** The text block must be the structured content, serialized. */
function expectMirrored(result: CallResult): void {
  expect(result.content[0]?.type).toBe("text");
  expect(JSON.parse(result.content[0]!.text!)).toEqual(result.structuredContent);
}

describe("zendesk upstream over stdio (v1 client)", () => {
  const counts = tempCountsFile();
  let client: Client;

  beforeAll(async () => {
    client = new Client(CLIENT_INFO);
    await client.connect(new StdioClientTransport({
      command: process.execPath,
      args: [ZENDESK_UPSTREAM],
      env: { ...process.env, ZENDESK_UPSTREAM_COUNTS_FILE: counts.file } as Record<string, string>,
      stderr: "pipe",
    }));
  });
  afterAll(async () => {
    await client?.close();
    counts.dispose();
  });

  it("lists the six tools, each with an output schema", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const tool of tools) expect(tool.outputSchema?.type).toBe("object");
    expect(tools.find((t) => t.name === "user_delete")?.annotations?.destructiveHint).toBe(true);
  });

  it("writes zero counts at start", () => {
    expect(readCounts(counts.file)).toEqual(ZERO_COUNTS);
  });

  it("returns requester emails and phones from ticket_search", async () => {
    const result = await client.callTool({ name: "ticket_search", arguments: { query: "esim" } }) as CallResult;
    expectMirrored(result);
    const { tickets, count } = result.structuredContent as { tickets: Ticket[]; count: number };
    expect(count).toBe(tickets.length);
    expect(tickets.map((t) => t.id)).toEqual([45231, 45237, 45250]);
    for (const t of tickets) {
      expect(t.requester.email).toMatch(EMAIL);
      expect(t.requester.phone).toMatch(PHONE);
    }
    // The seed's example ticket, with a phone number in its free text as well.
    expect(tickets[0]).toMatchObject({
      subject: "eSIM activation issue",
      requester: { email: "customer@example.com", phone: "+34 699 111 222" },
    });
    expect(tickets[0]!.description).toMatch(/\+34 699111222/);
  });

  it("returns one ticket at the top level from get_ticket, and isError for an unknown id", async () => {
    const found = await client.callTool({ name: "get_ticket", arguments: { id: 45232 } }) as CallResult;
    expectMirrored(found);
    expect(found.structuredContent).toMatchObject({
      id: 45232, requester: { email: "lucia.fernandez@example.com", phone: "+34 612 345 789" },
    });
    const missing = await client.callTool({ name: "get_ticket", arguments: { id: 1 } }) as CallResult;
    expect(missing.isError).toBe(true);
    expect(missing.content[0]?.text).toBe("ticket 1 not found");
  });

  it("applies update_ticket and reports the updated fields", async () => {
    const result = await client.callTool({
      name: "update_ticket", arguments: { id: 45234, priority: "urgent", impact: 750, comment: "escalated" },
    }) as CallResult;
    expect(result.structuredContent).toMatchObject({
      ticket: { id: 45234, priority: "urgent", impact: 750 },
      updated_fields: ["priority", "impact", "comment"],
    });
    const again = await client.callTool({ name: "get_ticket", arguments: { id: 45234 } }) as CallResult;
    expect(again.structuredContent).toMatchObject({ priority: "urgent", comments: [{ body: "escalated" }] });
  });

  it("counts every call in the stats resource and the counts file", async () => {
    const expected = { ...ZERO_COUNTS, ticket_search: 1, get_ticket: 3, update_ticket: 1 };
    const stats = await client.readResource({ uri: "zendesk://stats/calls" });
    const content = stats.contents[0] as { mimeType?: string; text?: string };
    expect(content.mimeType).toBe("application/json");
    expect(JSON.parse(content.text!)).toEqual(expected);
    expect(readCounts(counts.file)).toEqual(expected);
  });

  it("serves the summarize_ticket prompt and completes its ticket_id", async () => {
    const prompt = await client.getPrompt({ name: "summarize_ticket", arguments: { ticket_id: "45231" } });
    const text = (prompt.messages[0]!.content as { text: string }).text;
    expect(text).toContain("customer@example.com");
    expect(text).toContain("eSIM activation issue");
    const completion = await client.complete({
      ref: { type: "ref/prompt", name: "summarize_ticket" }, argument: { name: "ticket_id", value: "4524" },
    });
    expect(completion.completion.values).toEqual(
      ["45240", "45241", "45242", "45243", "45244", "45245", "45246", "45247", "45248", "45249"]);
  });

  it("rejects arguments that do not match the input schema", async () => {
    const result = await client.callTool({ name: "get_ticket", arguments: { id: "45231" } }) as CallResult;
    expect(result.isError).toBe(true);
    expect(result.content[0]?.text).toMatch(/validation/i);
  });
});

describe("zendesk upstream process lifecycle", () => {
  it("exits 0 when stdin closes (stdio mode)", async () => {
    const child = spawn(process.execPath, [ZENDESK_UPSTREAM], { stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.stdin.end();
    expect(await exited).toBe(0);
  });

  it("exits 0 on SIGTERM (HTTP mode)", async () => {
    const server = await startHttpServer(ZENDESK_UPSTREAM);
    expect(await server.stop()).toBe(0);
  });

  it("refuses an unknown argument with status 1", async () => {
    const child = spawn(process.execPath, [ZENDESK_UPSTREAM, "--bogus"], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => { stderr += chunk.toString("utf8"); });
    const code = await new Promise<number | null>((resolve) => child.once("exit", (c) => resolve(c)));
    expect(code).toBe(1);
    expect(stderr).toContain("unknown argument: --bogus");
  });
});

describe("zendesk upstream over Streamable HTTP", () => {
  const counts = tempCountsFile();
  let server: RunningServer;
  const clients: { close(): Promise<void> }[] = [];

  beforeAll(async () => {
    server = await startHttpServer(ZENDESK_UPSTREAM, [], { ZENDESK_UPSTREAM_COUNTS_FILE: counts.file });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  });
  afterAll(async () => {
    await server?.stop();
    counts.dispose();
  });

  it("serves the v1 client, with a session id", async () => {
    const client = new Client(CLIENT_INFO);
    const transport = new StreamableHTTPClientTransport(new URL(server.url));
    clients.push(client);
    await client.connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    const result = await client.callTool({ name: "ticket_search", arguments: { query: "refund" } }) as CallResult;
    const { tickets } = result.structuredContent as { tickets: Ticket[] };
    expect(tickets).toHaveLength(1);
    expect(tickets[0]!.requester).toEqual({
      id: "u-1006", name: "Sven Larsson", email: "sven.larsson@example.org", phone: "+46 70 123 45 67",
    });
    expect(readCounts(counts.file)).toEqual({ ...ZERO_COUNTS, ticket_search: 1 });
  });

  it("serves the v2 client line, sharing counters across sessions", async () => {
    const client = new ClientV2(CLIENT_INFO);
    clients.push(client);
    await client.connect(new StreamableHTTPClientTransportV2(new URL(server.url)));
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    const result = await client.callTool({ name: "get_ticket", arguments: { id: 45247 } }) as CallResult;
    expect(result.structuredContent).toMatchObject({ priority: "urgent", requester: { phone: "+34 612 345 789" } });
    const stats = await client.readResource({ uri: "zendesk://stats/calls" });
    const text = (stats.contents[0] as { text: string }).text;
    expect(JSON.parse(text)).toEqual({ ...ZERO_COUNTS, ticket_search: 1, get_ticket: 1 });
  });

  it("answers 403 to a foreign Host or Origin (DNS rebinding)", async () => {
    const init = JSON.stringify({
      jsonrpc: "2.0", id: 1, method: "initialize",
      params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: CLIENT_INFO },
    });
    const headers = { "content-type": "application/json", accept: "application/json, text/event-stream" };
    const evilHost = await request(server.url, { method: "POST", headers: { ...headers, host: "evil.example.com" }, body: init });
    expect(evilHost.statusCode).toBe(403);
    await evilHost.body.text();
    const evilOrigin = await request(server.url, {
      method: "POST", headers: { ...headers, origin: "http://evil.example.com" }, body: init,
    });
    expect(evilOrigin.statusCode).toBe(403);
    await evilOrigin.body.text();
  });

  it("answers 400 / -32600 to a JSON-RPC batch", async () => {
    const response = await request(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }, { jsonrpc: "2.0", id: 2, method: "ping" }]),
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toMatchObject({ jsonrpc: "2.0", id: null, error: { code: -32600 } });
  });
});
