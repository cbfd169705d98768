/**
 * `auth oidc` end to end: a bundle built with the real `talonc` from a policy with two
 * `caller … { oidc sub … }`, run as a real process in front of a real stdio upstream, and a real
 * local issuer (discovery + JWKS on 127.0.0.1) whose tokens the SDK client sends. Grants follow
 * the token's subject; a subject nobody declared, a foreign audience, no token or a static token
 * are refused at the edge; a session stays bound to the principal that opened it.
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LocalIssuer, makeKey } from "../auth/local-issuer.js";
import { auditJson, buildPolicy, connectV1, mcpError, rawPost, ROOT, startTalon, type RunningTalon } from "./harness.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");

const policy = (issuer: string) => `talon 1
caller "coder-agent" { oidc sub "svc:coder" }
caller "docs-agent"  { oidc sub "svc:docs" }
agent "airlock" {
  auth oidc issuer ${JSON.stringify(issuer)} audience "airlock"
  posture read_write
  upstream stdio ["node", ${JSON.stringify(ECHO)}]
  tool echo { class read }
  tool notify { class write }
  grant anyone read on "*"
  grant caller "coder-agent" write on notify
}
`;

const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });
const LIST = JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list", params: {} });

describe("auth oidc through a running bundle", () => {
  let issuer: LocalIssuer;
  let talon: RunningTalon;
  beforeAll(async () => {
    issuer = await LocalIssuer.start([await makeKey("k1")]);
    const { bundle } = buildPolicy({ "airlock.talon": policy(issuer.issuer) });
    talon = await startTalon(bundle);
  });
  afterAll(async () => {
    await talon?.stop();
    await issuer?.close();
  });

  it("grants by the token's subject: write for coder-agent, read only for docs-agent", async () => {
    const coder = await connectV1(talon.url, await issuer.token("svc:coder", { aud: "airlock" }));
    const docs = await connectV1(talon.url, await issuer.token("svc:docs", { aud: "airlock" }));
    expect((await coder.callTool({ name: "echo", arguments: { x: 1 } })).structuredContent).toEqual({ args: { x: 1 } });
    expect((await docs.callTool({ name: "echo", arguments: { x: 2 } })).structuredContent).toEqual({ args: { x: 2 } });
    expect((await coder.callTool({ name: "notify", arguments: { level: "info" } })).isError).toBeFalsy();
    const denied = await mcpError(docs.callTool({ name: "notify", arguments: { level: "info" } }));
    expect(denied.data).toMatchObject({ reason: "default:no_grant" });
    expect((await docs.listTools()).tools.map((t) => t.name)).toEqual(["echo"]);
    await coder.close();
    await docs.close();
    const records = auditJson(talon.data).filter((r) => r.tool === "notify");
    expect(records.map((r) => [r.caller, r.decision])).toEqual([
      ["coder-agent", "allow"],
      ["docs-agent", "deny"],
    ]);
  });

  it("refuses at the edge: no token 401, static token 401, wrong audience 401 invalid_token, unknown subject 403", async () => {
    const none = await rawPost(talon.url, INIT);
    expect(none.status).toBe(401);
    expect(none.headers.get("www-authenticate")).toBe('Bearer realm="talon"');

    const stat = await rawPost(talon.url, INIT, { authorization: "Bearer a-static-token" });
    expect(stat.status).toBe(401);
    expect(stat.headers.get("www-authenticate")).toMatch(/error="invalid_token", error_description="not a JWT/);

    const aud = await rawPost(talon.url, INIT, { authorization: `Bearer ${await issuer.token("svc:coder", { aud: "elsewhere" })}` });
    expect(aud.status).toBe(401);
    expect(aud.headers.get("www-authenticate")).toMatch(/error="invalid_token", error_description="token audience is not this server"/);

    const stranger = await rawPost(talon.url, INIT, { authorization: `Bearer ${await issuer.token("svc:stranger", { aud: "airlock" })}` });
    expect(stranger.status).toBe(403);
    expect(stranger.text).toContain('no principal for subject \\"svc:stranger\\"');
  });

  it("binds a session to its principal: another subject's token on it is 403", async () => {
    const coderAuth = { authorization: `Bearer ${await issuer.token("svc:coder", { aud: "airlock" })}` };
    const init = await rawPost(talon.url, INIT, coderAuth);
    expect(init.status).toBe(200);
    const sid = init.headers.get("mcp-session-id")!;
    expect(sid).toMatch(/^[0-9a-f]{32}$/);
    const same = { ...coderAuth, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
    // A fresh token for the same subject keeps the session (tokens are refreshed; the principal is what counts).
    const refreshed = { ...same, authorization: `Bearer ${await issuer.token("svc:coder", { aud: "airlock", claims: { n: 2 } })}` };
    expect((await rawPost(talon.url, LIST, refreshed)).status).toBe(200);
    const other = { ...same, authorization: `Bearer ${await issuer.token("svc:docs", { aud: "airlock" })}` };
    const hijack = await rawPost(talon.url, LIST, other);
    expect(hijack.status).toBe(403);
    expect(hijack.text).toContain("this session belongs to another principal");
    // GET verifies a first-seen token asynchronously before opening the stream.
    const getOther = await fetch(talon.url, { headers: { ...other, authorization: `Bearer ${await issuer.token("svc:docs", { aud: "airlock", claims: { n: 3 } })}`, accept: "text/event-stream" } });
    expect(getOther.status).toBe(403);
    const ac = new AbortController();
    const stream = await fetch(talon.url, { headers: { ...refreshed, authorization: `Bearer ${await issuer.token("svc:coder", { aud: "airlock", claims: { n: 4 } })}`, accept: "text/event-stream" }, signal: ac.signal });
    expect([stream.status, stream.headers.get("content-type")]).toEqual([200, "text/event-stream"]);
    ac.abort();
    const del = await fetch(talon.url, { method: "DELETE", headers: other });
    expect(del.status).toBe(403);
    expect((await fetch(talon.url, { method: "DELETE", headers: same })).status).toBe(200);
  });
});
