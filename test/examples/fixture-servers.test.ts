/**
 * The test-only upstreams in test/fixtures: the conformance target over stdio and HTTP (the
 * conformance suite itself covers its HTTP behaviour in test/e2e), and the faulty server.
 */
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_TARGET, FAULTY_SERVER, startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";

const CLIENT_INFO = { name: "fixture-test", version: "1.0.0" };
interface CallResult { content: { type: string; text?: string }[]; isError?: boolean }

function stdioClient(script: string): { client: Client; transport: StdioClientTransport } {
  const transport = new StdioClientTransport({ command: process.execPath, args: [script], stderr: "pipe" });
  return { client: new Client(CLIENT_INFO), transport };
}

describe("conformance target over stdio", () => {
  const { client, transport } = stdioClient(CONFORMANCE_TARGET);

  beforeAll(async () => { await client.connect(transport); });
  afterAll(async () => { await client.close(); });

  it("lists the JSON Schema 2020-12 tool with its schema as written", async () => {
    const { tools } = await client.listTools();
    const tool = tools.find((t) => t.name === "json_schema_2020_12_tool");
    expect(tool?.inputSchema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      $defs: { address: { type: "object" } },
      additionalProperties: false,
    });
    expect(tools.map((t) => t.name)).toContain("test_reconnection");
  });

  it("validates arguments against the input schema", async () => {
    const ok = await client.callTool({ name: "echo", arguments: { text: "hello" } }) as CallResult;
    expect(ok.content).toEqual([{ type: "text", text: "hello" }]);
    const bad = await client.callTool({ name: "json_schema_2020_12_tool", arguments: { extra: 1 } }) as CallResult;
    expect(bad.isError).toBe(true);
    expect(bad.content[0]?.text).toMatch(/must NOT have additional properties/);
  });

  it("answers an unknown tool with a JSON-RPC invalid-params error", async () => {
    await expect(client.callTool({ name: "nope", arguments: {} })).rejects.toMatchObject({ code: -32602 });
  });

  it("reads a templated resource and completes its variable", async () => {
    const read = await client.readResource({ uri: "test://template/456/data" });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toEqual({
      id: "456", templateTest: true, data: "Data for ID: 456",
    });
    const completion = await client.complete({
      ref: { type: "ref/resource", uri: "test://template/{id}/data" }, argument: { name: "id", value: "4" },
    });
    expect(completion.completion.values).toEqual(["456"]);
  });

  it("filters its log notifications by the level the client set", async () => {
    const seen: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => { seen.push(String(n.params.data)); });
    await client.setLoggingLevel("warning");
    await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(seen).toEqual([]);
    await client.setLoggingLevel("info");
    await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(seen).toEqual(["Tool execution started", "Tool processing data", "Tool execution completed"]);
  });
});

describe("conformance target over HTTP", () => {
  let server: RunningServer;

  beforeAll(async () => { server = await startHttpServer(CONFORMANCE_TARGET); });
  afterAll(async () => { await server?.stop(); });

  it("answers 400 / -32600 to a JSON-RPC batch", async () => {
    const response = await request(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify([{ jsonrpc: "2.0", id: 1, method: "ping" }]),
    });
    expect(response.statusCode).toBe(400);
    expect(await response.body.json()).toMatchObject({ error: { code: -32600 }, id: null });
  });

  it("answers 400 to a request without a session that is not initialize", async () => {
    const response = await request(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    expect(response.statusCode).toBe(400);
    await response.body.text();
  });

  it("answers 404 to an unknown session id", async () => {
    const response = await request(server.url, {
      method: "POST",
      headers: {
        "content-type": "application/json", accept: "application/json, text/event-stream", "mcp-session-id": "nope",
      },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    });
    expect(response.statusCode).toBe(404);
    await response.body.text();
  });
});

describe("faulty server", () => {
  it("writes garbage outside the framing, then keeps answering", async () => {
    const { client, transport } = stdioClient(FAULTY_SERVER);
    const errors: string[] = [];
    await client.connect(transport);
    client.onerror = (err) => { errors.push(err.message); };
    try {
      const garbage = await client.callTool({ name: "garbage", arguments: {} }) as CallResult;
      expect(garbage.content[0]?.text).toBe("garbage written");
      expect(errors.some((e) => /not valid JSON/.test(e))).toBe(true);
      const echo = await client.callTool({ name: "slow_echo", arguments: { text: "still here", ms: 20 } }) as CallResult;
      expect(echo.content[0]?.text).toBe("still here");
    } finally {
      await client.close();
    }
  });

  it("dies on crash_now, so the pending call fails with connection closed", async () => {
    const { client, transport } = stdioClient(FAULTY_SERVER);
    await client.connect(transport);
    let closed = false;
    client.onclose = () => { closed = true; };
    await expect(client.callTool({ name: "crash_now", arguments: {} })).rejects.toMatchObject({ code: -32000 });
    expect(closed).toBe(true);
  });
});
