/**
 * `blobs drop|block` (LANGUAGE.md §8.1) through a running bundle: base64 content (image, audio)
 * cannot be inspected, so `drop` removes those blocks (and says so in the evidence), `block`
 * withholds the whole response, and text-only results pass either way. The upstream is the
 * conformance target over stdio, whose tools return each kind of content.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_TARGET } from "../fixtures/spawn-server.js";
import { auditJson, buildPolicy, connectV1, mcpError, startTalon, type RunningTalon } from "./harness.js";

const policy = (blobs: string) => `talon 1
agent "media" {
  upstream stdio ["node", ${JSON.stringify(CONFORMANCE_TARGET)}, "--stdio"]
  posture read_write
  blobs ${blobs}
  tool "test_*" { class read }
  grant anyone read on "test_*"
}
`;

describe.each(["drop", "block"])("blobs %s", (mode) => {
  let talon: RunningTalon;
  beforeAll(async () => {
    talon = await startTalon(buildPolicy({ "media.talon": policy(mode) }).bundle);
  }, 60_000);
  afterAll(async () => {
    await talon?.stop();
  });

  it(mode === "drop" ? "removes image and audio blocks, keeps the rest, and records the removals" : "withholds any response with binary content", async () => {
    const client = await connectV1(talon.url, undefined);
    const text = await client.callTool({ name: "test_simple_text", arguments: {} });
    expect(text.content).toEqual([expect.objectContaining({ type: "text" })]);
    if (mode === "drop") {
      const mixed = await client.callTool({ name: "test_multiple_content_types", arguments: {} });
      expect((mixed.content as { type: string }[]).map((c) => c.type)).toEqual(["text", "resource"]);
      const image = await client.callTool({ name: "test_image_content", arguments: {} });
      expect(image.content).toEqual([]);
      const rec = auditJson(talon.data, ["--tool", "test_multiple_content_types"])[0]!;
      expect(rec.redactions).toEqual([{ pointer: "/content/1", scope: "result", method: "remove", rule: "blobs" }]);
    } else {
      const err = await mcpError(client.callTool({ name: "test_audio_content", arguments: {} }));
      expect(err.data).toMatchObject({ reason: "blocked" });
      expect(err.message).toMatch(/\/content\/0.*blobs block/);
    }
    await client.close();
  });
});
