/**
 * Evidence through a running bundle (issue 4): a write-class call's request record is committed
 * before the upstream sees the call (the upstream itself looks into the journal), records hold
 * what `evidence { capture … }` asks — redacted — and chain together; `talon audit verify` passes
 * on the live data with the exported checkpoint, and the store never holds a redacted value in
 * clear, not even in its raw files.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SigningKey } from "../../runtime/evidence/checkpoint.js";
import { auditJson, buildPolicy, connectV1, ROOT, startTalon, TALON, tempDir, type RunningTalon } from "./harness.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const CARD = "4111 1111 1111 1111";
const TOKEN = "vendor-token-for-evidence-tests";

const POLICY = `talon 1
vendor "acme" { token sha256(${JSON.stringify(createHash("sha256").update(TOKEN).digest("hex"))}) }
agent "echo" {
  upstream stdio ["node", ${JSON.stringify(ECHO)}]
  tool echo { class write }
  tool notify { class read }
  grant vendor "acme" read, write on echo, notify
  @id("r-card") redact card with redact_full in args
  @id("r-phone") redact args.phone with mask_middle in result
  evidence { capture requests, responses, redactions, decisions }
}
`;

function talon(args: string[], env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [TALON, ...args], { encoding: "utf8", env: { ...process.env, ...env } });
}

describe("evidence chain through a running bundle", () => {
  let server: RunningTalon;
  const work = tempDir("talon-evidence-e2e-");
  const data = join(work, "data");
  const probe = join(work, "probe.jsonl");
  const key = SigningKey.generateHex();
  beforeAll(async () => {
    const { bundle } = buildPolicy({ "echo.talon": POLICY });
    server = await startTalon(bundle, {
      data,
      env: { ECHO_JOURNAL_DIR: data, ECHO_JOURNAL_PROBE: probe, TALON_EVIDENCE_KEY: key },
      args: ["--checkpoint-every", "3"],
    });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it("commits a write call's request record before the upstream sees the call, and links the outcome to it", async () => {
    const client = await connectV1(server.url, TOKEN);
    for (let i = 0; i < 4; i++) await client.callTool({ name: "echo", arguments: { n: i, card: CARD, phone: "+34 612 345 789" } });
    await client.callTool({ name: "notify", arguments: { email: "x@y.z" } });
    await client.close();
    const seen = readFileSync(probe, "utf8").trim().split("\n").map((l) => JSON.parse(l) as { args: { n?: number }; journaled: boolean });
    // Write-class calls: the redacted arguments were in the journal before the upstream got them.
    expect(seen.filter((s) => s.args.n !== undefined).map((s) => s.journaled)).toEqual([true, true, true, true]);
    // The read-class call needs no request record (its single record follows the answer).
    expect(seen.find((s) => s.args.n === undefined)?.journaled).toBe(false);

    const all = auditJson(data, ["--kind", "all"]);
    const requests = all.filter((e) => e.kind === "proxy_tool_request");
    const calls = all.filter((e) => e.kind === "proxy_tool_call");
    expect(requests).toHaveLength(4);
    expect(calls).toHaveLength(5);
    for (const req of requests) {
      const done = calls.find((c) => c.request === req.id)!;
      expect(done).toBeDefined();
      expect(done.seq as number).toBeGreaterThan(req.seq as number);
      expect(req).toMatchObject({ toolClass: "write", args: { card: "[REDACTED]" } });
    }
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((e, i) => i === 0 || e.prev === all[i - 1]!.hash)).toBe(true);
  });

  it("captures redacted args and results, the redaction report and a hash of the token", () => {
    const call = auditJson(data).find((e) => e.tool === "echo")!;
    expect(call.args).toEqual({ n: 0, card: "[REDACTED]", phone: "+34 612 345 789" });
    expect(call.result).toMatchObject({ structuredContent: { args: { n: 0, card: "[REDACTED]", phone: "+34 6XX XXX 789" } } });
    expect(call.redactions).toEqual(expect.arrayContaining([expect.objectContaining({ rule: "r-card", scope: "args" })]));
    expect(call.tokenHash).toBe(createHash("sha256").update(TOKEN).digest("hex").slice(0, 32));
    // Nothing redacted is in the store's files in clear (the journal and LMDB are not compressed).
    for (const f of readdirSync(data).filter((n) => n.startsWith("evidence") || n.endsWith(".journal"))) {
      expect(readFileSync(join(data, f)).includes(Buffer.from(CARD)), f).toBe(false);
    }
  });

  it("verifies live, against a checkpoint exported while it runs, and after shutdown", async () => {
    const cpFile = join(work, "checkpoint.json");
    const exported = talon(["audit", "checkpoint", "--export", "--data", data, "--out", cpFile]);
    expect(exported.status, exported.stderr).toBe(0);
    const cp = JSON.parse(readFileSync(cpFile, "utf8")) as { seq: number; publicKey: string };
    expect(cp.seq).toBeGreaterThanOrEqual(3);
    expect(cp.publicKey).toBe(SigningKey.parse(key, "test").publicKey);

    const live = talon(["audit", "verify", "--data", data, "--checkpoint", cpFile]);
    expect(live.status, live.stdout + live.stderr).toBe(0);
    expect(live.stdout).toMatch(/^OK: .*9 entries \(seq 1\.\.9\), chain intact/);

    await server.stop(); // signs a last checkpoint at shutdown
    const after = talon(["audit", "verify", "--data", data, "--checkpoint", cpFile], { TALON_EVIDENCE_KEY: key });
    expect(after.status, after.stdout + after.stderr).toBe(0);
    expect(after.stderr).not.toMatch(/not covered by a checkpoint/);
    const show = talon(["audit", "show", "1", "--data", data, "--json"]);
    expect(JSON.parse(show.stdout)).toMatchObject({ seq: 1, kind: "proxy_tool_request" });
  });
});
