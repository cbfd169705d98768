/**
 * Redaction end to end (LANGUAGE.md 8.1): a compiled bundle in front of a real stdio upstream that
 * echoes what it receives. Arguments are redacted before they leave Talon (the upstream's own log
 * says so), results, errors and server notifications before they reach the client, and evidence
 * records carry the report — pointers, never values.
 */
import { createHmac } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LoggingMessageNotificationSchema, McpError } from "@modelcontextprotocol/sdk/types.js";
import { auditJson, buildPolicy, connectV1, ROOT, startTalon, tempDir, type RunningTalon } from "./harness.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const KEY = "redaction-key-for-tests";
const hmac = (v: unknown) => "sha256:" + createHmac("sha256", KEY).update(JSON.stringify(v)).digest("hex");

const POLICY = `talon 1
secret redaction_key = env("ECHO_REDACTION_KEY")
agent "echo" {
  upstream stdio ["node", ${JSON.stringify(ECHO)}]
  tool echo { class read }
  tool fail { class read }
  tool notify { class read }
  grant anyone read on echo, fail, notify
  @id("r-card")   redact card with redact_full in args
  @id("r-secret") redact **.secret with remove
  @id("r-email")  redact email matching email with hash in errors
  @id("r-note")   redact data.email with hash in notifications
  @id("r-phone")  redact args.phone with mask_middle in result
}
`;

describe("redaction through a running bundle", () => {
  let talon: RunningTalon;
  const argsFile = join(tempDir(), "args.jsonl");
  const seen = () => readFileSync(argsFile, "utf8").trim().split("\n").map((l) => JSON.parse(l) as Record<string, unknown>);
  beforeAll(async () => {
    const { bundle } = buildPolicy({ "echo.talon": POLICY });
    talon = await startTalon(bundle, { env: { ECHO_ARGS_FILE: argsFile, ECHO_REDACTION_KEY: KEY } });
  });
  afterAll(async () => {
    await talon?.stop();
  });

  it("never lets the upstream see a redacted argument, and redacts the echoed result", async () => {
    const client = await connectV1(talon.url, "");
    const res = await client.callTool({ name: "echo", arguments: { card: "4111 1111 1111 1111", phone: "+34 612 345 789", nested: { secret: "s3", keep: 1 } } });
    expect(seen()[0]).toEqual({ card: "[REDACTED]", phone: "+34 612 345 789", nested: { keep: 1 } });
    const want = { args: { card: "[REDACTED]", phone: "+34 6XX XXX 789", nested: { keep: 1 } } };
    expect(res.structuredContent).toEqual(want);
    expect(JSON.parse((res.content as { text: string }[])[0]!.text)).toEqual(want);
    await client.close();
  });

  it("redacts error messages and data, keyed", async () => {
    const client = await connectV1(talon.url, "");
    const err = await client.callTool({ name: "fail", arguments: { email: "ana@example.com" } }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(McpError);
    expect((err as McpError).message).toContain(`no user ${hmac("ana@example.com")}`);
    expect((err as McpError).data).toEqual({ email: hmac("ana@example.com") });
    expect(JSON.stringify(seen())).toContain("ana@example.com"); // errors scope: the upstream needed it
    await client.close();
  });

  it("redacts server notifications", async () => {
    const client = await connectV1(talon.url, "");
    const got: unknown[] = [];
    client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => void got.push(n.params));
    await client.callTool({ name: "notify", arguments: { email: "bo@example.org" } });
    await new Promise((r) => setTimeout(r, 100));
    expect(got).toEqual([{ level: "info", data: { email: hmac("bo@example.org") } }]);
    await client.close();
  });

  it("puts the report in the evidence record, without the values", () => {
    const records = auditJson(talon.data);
    const echo = records.find((r) => r.tool === "echo")!;
    expect(echo.redactions).toEqual(
      expect.arrayContaining([
        { pointer: "/arguments/card", scope: "args", method: "redact_full", rule: "r-card" },
        { pointer: "/arguments/nested/secret", scope: "args", method: "remove", rule: "r-secret" },
        { pointer: "/structuredContent/args/phone", scope: "result", method: "mask_middle", rule: "r-phone" },
      ]),
    );
    const fail = records.find((r) => r.tool === "fail")!;
    expect(fail.redactions).toEqual([
      { pointer: "/error/message", scope: "errors", method: "hash", rule: "r-email" },
      { pointer: "/error/data/email", scope: "errors", method: "hash", rule: "r-email" },
    ]);
    expect(fail.error).not.toContain("ana@");
    expect(JSON.stringify(records)).not.toMatch(/ana@|4111 1111|612 345/);
  });
});
