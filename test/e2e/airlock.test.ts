/**
 * LANGUAGE.md §13.3 through a running bundle: the airlock-fs example policy (virtual roots, `deny
 * path`, OIDC callers) compiled by talonc and served in front of the example filesystem server,
 * with tokens from a local OIDC issuer on 127.0.0.1. The client sees `/workspace/…` and
 * `/docs/…`; the upstream works on host paths under a temp dir; host paths in answers are
 * rewritten back; escapes, denied paths and writes into the read-only root never reach the disk.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer, makeKey } from "../auth/local-issuer.js";
import { AIRLOCK_SEED, AIRLOCK_UPSTREAM } from "../fixtures/spawn-server.js";
import { auditJson, buildPolicy, connectV1, mcpError, ROOT, startTalon, tempDir, type RunningTalon } from "./harness.js";

const POLICY = readFileSync(join(ROOT, "examples/airlock-fs/airlock-fs.talon"), "utf8");

describe("airlock-fs example (§13.3) through Talon", () => {
  let issuer: LocalIssuer;
  let talon: RunningTalon;
  let base: string;
  let coderToken: string;
  let docsToken: string;

  beforeAll(async () => {
    issuer = await LocalIssuer.start([await makeKey("k1")]);
    base = join(tempDir("airlock-"), "data");
    // The example's fixed data dir, relative upstream and real issuer, pointed at this test's.
    const policy = POLICY.replaceAll("/tmp/talon-airlock", base)
      .replace('"upstream/server.mjs"', JSON.stringify(AIRLOCK_UPSTREAM))
      .replace('"--seed", "seed"', `"--seed", ${JSON.stringify(AIRLOCK_SEED)}`)
      .replace('issuer "https://id.acme.example"', `issuer ${JSON.stringify(issuer.issuer)}`);
    expect(policy).toContain(issuer.issuer);
    const { bundle } = buildPolicy({ "airlock.talon": policy });
    talon = await startTalon(bundle);
    coderToken = await issuer.token("svc:coder", { aud: "airlock" });
    docsToken = await issuer.token("svc:docs", { aud: "airlock" });
  }, 60_000);
  afterAll(async () => {
    await talon?.stop();
    await issuer?.close();
  });

  it("reads through virtual roots, masks keys, and never shows a host path", async () => {
    const coder = await connectV1(talon.url, coderToken);
    const cfg = await coder.callTool({ name: "read_text_file", arguments: { path: "/workspace/cfg.txt" } });
    const text = JSON.stringify(cfg);
    expect(text).not.toMatch(/AKIA[A-Z0-9]{16}/);
    expect(text).toMatch(/X{20}/);
    const info = await coder.callTool({ name: "get_file_info", arguments: { path: "/workspace/a.md" } });
    expect(info.isError).toBeFalsy();
    expect(JSON.stringify(info)).toContain("/workspace/a.md");
    expect(JSON.stringify(info)).not.toContain(base);
    await coder.close();
  });

  it("denies escapes, denied paths and writes into the read-only root before the upstream", async () => {
    const docs = await connectV1(talon.url, docsToken);
    const coder = await connectV1(talon.url, coderToken);
    expect((await mcpError(docs.callTool({ name: "read_text_file", arguments: { path: "/docs/../../etc/passwd" } }))).data).toMatchObject({
      reason: "path:outside_roots",
    });
    expect((await mcpError(coder.callTool({ name: "read_text_file", arguments: { path: "/etc/passwd" } }))).data).toMatchObject({ reason: "path:outside_roots" });
    expect((await mcpError(coder.callTool({ name: "read_text_file", arguments: { path: "/workspace/app/.env" } }))).data).toMatchObject({ reason: "path:denied" });
    expect((await mcpError(coder.callTool({ name: "write_file", arguments: { path: "/docs/x.md", content: "x" } }))).data).toMatchObject({
      reason: "path:read_only_root",
    });
    expect((await mcpError(docs.callTool({ name: "write_file", arguments: { path: "/workspace/x.md", content: "x" } }))).data).toMatchObject({
      reason: "default:no_grant",
    });
    expect(existsSync(join(base, "docs/x.md"))).toBe(false);
    expect(existsSync(join(base, "workspace/x.md"))).toBe(false);
    const recs = auditJson(talon.data).filter((r) => r.decision === "deny");
    expect(recs.every((r) => r.upstreamTool === null || r.outcome === "denied")).toBe(true);
    await docs.close();
    await coder.close();
  });

  it("writes under the read-write root, and moves a file only after the user confirms", async () => {
    const coder = new Client({ name: "coder", version: "1.0.0" }, { capabilities: { elicitation: {} } });
    coder.setRequestHandler(ElicitRequestSchema, async () => ({ action: "accept", content: { confirm: true } }));
    await connectV1(talon.url, coderToken, coder);
    const wrote = await coder.callTool({ name: "write_file", arguments: { path: "/workspace/new.md", content: "hello" } });
    expect(wrote.isError, JSON.stringify(wrote)).toBeFalsy();
    expect(readFileSync(join(base, "workspace/new.md"), "utf8")).toBe("hello");
    const moved = await coder.callTool({ name: "move_file", arguments: { source: "/workspace/new.md", destination: "/workspace/moved.md" } });
    expect(moved.isError, JSON.stringify(moved)).toBeFalsy();
    expect(existsSync(join(base, "workspace/moved.md"))).toBe(true);
    expect(auditJson(talon.data, ["--tool", "move_file"]).at(-1)).toMatchObject({ decision: "allow", confirmation: "elicitation" });
    await coder.close();
  });
});
