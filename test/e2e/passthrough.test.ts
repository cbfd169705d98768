/**
 * Everything the policy does not govern passes through intact, in both directions: server→client
 * requests (sampling, elicitation) reach the right client and their answers reach the upstream;
 * progress and logging notifications arrive; resources, prompts and completions pass. The
 * upstream is the conformance target, spawned over stdio by the bundle; both SDK lines drive it.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { CreateMessageRequestSchema, ElicitRequestSchema, LoggingMessageNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { allowAllPolicy, buildPolicy, connectV1, ROOT, startTalon, type RunningTalon } from "./harness.js";

const TARGET = join(ROOT, "test/fixtures/conformance-target.mjs");

describe("pass-through of ungoverned MCP traffic", () => {
  let talon: RunningTalon;
  beforeAll(async () => {
    const { bundle } = buildPolicy({ "everything.talon": allowAllPolicy(`stdio ["node", ${JSON.stringify(TARGET)}, "--stdio"]`) });
    talon = await startTalon(bundle);
  });
  afterAll(async () => {
    await talon?.stop();
  });

  it("routes sampling and elicitation requests to the client and their answers back", async () => {
    const client = new Client({ name: "pt", version: "1" }, { capabilities: { sampling: {}, elicitation: {} } });
    const seen: string[] = [];
    client.setRequestHandler(CreateMessageRequestSchema, async (req) => {
      const first = req.params.messages[0]!.content as { type: string; text: string };
      seen.push(`sampling:${first.text}`);
      return { role: "assistant", content: { type: "text", text: `echo ${first.text}` }, model: "test-model", stopReason: "endTurn" };
    });
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      seen.push(`elicit:${req.params.message}`);
      return { action: "accept", content: { username: "ada", email: "ada@example.com" } };
    });
    await connectV1(talon.url, undefined, client);
    const sampled = await client.callTool({ name: "test_sampling", arguments: { prompt: "what is 2+2?" } });
    expect((sampled.content as { text: string }[])[0]!.text).toBe("LLM response: echo what is 2+2?");
    const elicited = await client.callTool({ name: "test_elicitation", arguments: { message: "who are you?" } });
    expect(JSON.stringify(elicited.content)).toContain("ada@example.com");
    expect(seen).toEqual(["sampling:what is 2+2?", "elicit:who are you?"]);
    await client.close();
  });

  it("keeps concurrent sessions apart: each sampling request reaches its own client", async () => {
    const clients = await Promise.all(
      ["alpha", "beta", "gamma"].map(async (who) => {
        const client = new Client({ name: who, version: "1" }, { capabilities: { sampling: {} } });
        client.setRequestHandler(CreateMessageRequestSchema, async () => ({
          role: "assistant",
          content: { type: "text", text: `answered by ${who}` },
          model: "m",
        }));
        await connectV1(talon.url, undefined, client);
        return { who, client };
      }),
    );
    const results = await Promise.all(clients.map(({ client }) => client.callTool({ name: "test_sampling", arguments: { prompt: "who?" } })));
    expect(results.map((r) => (r.content as { text: string }[])[0]!.text)).toEqual([
      "LLM response: answered by alpha",
      "LLM response: answered by beta",
      "LLM response: answered by gamma",
    ]);
    await Promise.all(clients.map(({ client }) => client.close()));
  });

  it("delivers progress and logging notifications", async () => {
    const client = await connectV1(talon.url, undefined);
    const progress: number[] = [];
    const res = await client.callTool({ name: "test_tool_with_progress", arguments: {} }, undefined, {
      onprogress: (p) => progress.push(p.progress),
    });
    expect(progress).toEqual([0, 50, 100]);
    expect((res.content as { text: string }[])[0]!.text).not.toBe("no progress token");

    const logs: string[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => {
      logs.push(String(n.params.data));
    });
    await client.callTool({ name: "test_tool_with_logging", arguments: {} });
    expect(logs).toEqual(["Tool execution started", "Tool processing data", "Tool execution completed"]);
    await client.close();
  });

  it("passes resources, prompts and completions through", async () => {
    const client = await connectV1(talon.url, undefined);
    const res = await client.readResource({ uri: "test://static-text" });
    expect(res.contents[0]).toMatchObject({ uri: "test://static-text", text: "This is the content of the static text resource." });
    const templ = await client.readResource({ uri: "test://template/42/data" });
    expect(templ.contents[0]!.uri).toBe("test://template/42/data");
    const prompt = await client.getPrompt({ name: "test_prompt_with_arguments", arguments: { arg1: "a", arg2: "b" } });
    expect(JSON.stringify(prompt.messages)).toContain("a");
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toContain("test_simple_prompt");
    await expect(client.readResource({ uri: "test://nope" })).rejects.toThrow(/not found|unknown resource/i);
    await client.close();
  });
});
