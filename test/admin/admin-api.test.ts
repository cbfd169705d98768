/**
 * The admin API (runtime/admin/admin-api.ts) and the admin credential (admin-auth.ts) on a real
 * uWS app over a real evidence store: who the credential is, the secret inventory (metadata
 * only: no response ever carries a secret's value), the evidence-store stats, and the token
 * given only as its SHA-256 (TALON_ADMIN_TOKEN_SHA256).
 */
import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { us_listen_socket } from "uWebSockets.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN_ENV, ADMIN_TOKEN_SHA256_ENV, AdminAuth } from "../../runtime/admin/admin-auth.js";
import { registerAdminRoutes } from "../../runtime/admin/admin-api.js";
import { secretInventory, type SecretMetadata } from "../../runtime/admin/secret-inventory.js";
import { EvidenceStore } from "../../runtime/evidence/store.js";
import type { CompiledAgent, PrincipalSpec } from "../../runtime/hooks.js";
import { createApp, listen } from "../../runtime/server/app.js";
import { guardConfig } from "../../runtime/server/guard.js";
import { loadUws } from "../../runtime/server/uws.js";

const TOKEN = "admin-api-token-for-tests";
const sha = (s: string) => createHash("sha256").update(s).digest("hex");

/** Secret values that must never appear in an answer. */
const VALUES = {
  vendorToken: "vendor-token-value-1f9a",
  upstreamToken: "upstream-bearer-value-77c2",
  redactionKey: "redaction-key-value-0b3e",
  fileSecret: "file-secret-value-5d41",
};

const srcDir = fs.mkdtempSync(path.join(os.tmpdir(), "talon-secrets-"));
fs.writeFileSync(path.join(srcDir, "caller.token"), `${VALUES.fileSecret}\n`);
/** Set in process.env for this file (its own worker), where the server resolves secrets from. */
const env: NodeJS.ProcessEnv = {
  TEST_VENDOR_TOKEN: VALUES.vendorToken,
  TEST_UPSTREAM_TOKEN: VALUES.upstreamToken,
  TEST_REDACTION_KEY: VALUES.redactionKey,
  [ADMIN_TOKEN_ENV]: TOKEN,
};

const principals: PrincipalSpec[] = [
  { id: "vendor-a", kind: "vendor", index: 0, token: { kind: "env", value: "TEST_VENDOR_TOKEN" }, oidcSub: null, teams: [] },
  { id: "bot", kind: "caller", index: 1, token: { kind: "file", value: "caller.token" }, oidcSub: null, teams: [] },
  { id: "hashed", kind: "caller", index: 2, token: { kind: "sha256", value: sha("hashed-token") }, oidcSub: null, teams: [] },
  { id: "missing", kind: "vendor", index: 3, token: { kind: "env", value: "TEST_NOT_SET" }, oidcSub: null, teams: [] },
  { id: "gone", kind: "caller", index: 4, token: { kind: "file", value: "no-such.token" }, oidcSub: null, teams: [] },
  { id: "oidc-only", kind: "caller", index: 5, token: null, oidcSub: "sub-1", teams: [] },
];
const agents = [
  { name: "zendesk", upstreamAuth: { scheme: "bearer", header: "Authorization", secret: { kind: "env", value: "TEST_UPSTREAM_TOKEN" } }, redactionKey: { kind: "env", value: "TEST_REDACTION_KEY" } },
  { name: "fs", upstreamAuth: null, redactionKey: null },
] as unknown as CompiledAgent[];

let store: EvidenceStore;
const sockets: us_listen_socket[] = [];
let base = "";

async function serve(auth: AdminAuth, secrets: () => SecretMetadata[]): Promise<string> {
  const app = createApp({
    guard: guardConfig("127.0.0.1", [], []),
    endpoints: new Map(),
    routes: (a) => registerAdminRoutes(a, { auth, evidence: store, secrets, stream: { subscribers: 2, dropped: 1 } }),
  });
  const { socket, port } = await listen(app, "127.0.0.1", 0);
  sockets.push(socket);
  return `http://127.0.0.1:${port}`;
}

async function get(url: string, token = TOKEN): Promise<{ status: number; text: string; body: Record<string, unknown> }> {
  const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, text, body: JSON.parse(text) as Record<string, unknown> };
}

beforeAll(async () => {
  Object.assign(process.env, env);
  store = EvidenceStore.open(fs.mkdtempSync(path.join(os.tmpdir(), "talon-admin-api-")));
  base = await serve(AdminAuth.fromEnv(env), () => secretInventory({ principals, agents, baseDir: srcDir, evidenceKeyFile: null }));
});
afterAll(async () => {
  for (const s of sockets) loadUws().uws.us_listen_socket_close(s);
  await store.close();
});

describe("GET /admin/v1/me", () => {
  it("says who the credential is, with a short prefix of the token's SHA-256", async () => {
    const r = await get(`${base}/admin/v1/me`);
    expect(r).toMatchObject({ status: 200, body: { principal: "admin", auth: "bearer", tokenSha256Prefix: sha(TOKEN).slice(0, 12) } });
    expect((await get(`${base}/admin/v1/me`, "wrong")).status).toBe(401);
  });
});

describe("GET /admin/v1/secrets", () => {
  it("lists every secret reference with its source and state, and never a value", async () => {
    const r = await get(`${base}/admin/v1/secrets`);
    expect(r.status).toBe(200);
    const secrets = r.body.secrets as SecretMetadata[];
    const byName = Object.fromEntries(secrets.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(
      [
        "agent/zendesk/redaction_key",
        "agent/zendesk/upstream_auth",
        "principal/bot/token",
        "principal/gone/token",
        "principal/hashed/token",
        "principal/missing/token",
        "principal/vendor-a/token",
        "runtime/admin_token",
      ].sort(),
    );
    expect(byName["principal/vendor-a/token"]).toEqual({ name: "principal/vendor-a/token", purpose: "principal_token", source: "env", env: "TEST_VENDOR_TOKEN", resolves: true });
    expect(byName["principal/bot/token"]).toEqual({ name: "principal/bot/token", purpose: "principal_token", source: "file", file: path.join(srcDir, "caller.token"), resolves: true });
    expect(byName["principal/hashed/token"]).toEqual({ name: "principal/hashed/token", purpose: "principal_token", source: "sha256", resolves: true, fingerprint: sha("hashed-token").slice(0, 12) });
    expect(byName["principal/missing/token"]).toMatchObject({ source: "env", env: "TEST_NOT_SET", resolves: false, problem: expect.stringContaining("TEST_NOT_SET is not set") });
    expect(byName["principal/gone/token"]).toMatchObject({ source: "file", resolves: false, problem: expect.stringContaining("no-such.token") });
    expect(byName["agent/zendesk/upstream_auth"]).toMatchObject({ purpose: "upstream_auth", env: "TEST_UPSTREAM_TOKEN", resolves: true });
    expect(byName["agent/zendesk/redaction_key"]).toMatchObject({ purpose: "redaction_key", env: "TEST_REDACTION_KEY", resolves: true });
    expect(byName["runtime/admin_token"]).toEqual({ name: "runtime/admin_token", purpose: "admin_token", source: "env", env: ADMIN_TOKEN_ENV, resolves: true });

    // No value, whole or in part, nor a digest of one (other than the sha256 references' own).
    for (const v of [...Object.values(VALUES), TOKEN]) {
      expect(r.text).not.toContain(v);
      expect(r.text).not.toContain(v.slice(0, 10));
      expect(r.text).not.toContain(sha(v).slice(0, 12));
      expect(r.text).not.toContain(Buffer.from(v).toString("base64").slice(0, 12));
    }
  });
});

describe("GET /admin/v1/audit/stats", () => {
  it("reports the evidence store's state and the stream's counters", async () => {
    const e = await store.appendEntry({ kind: "external_event", time: Date.now(), source: "admin", type: "t", actor: null, action: null, resource: null, outcome: null, data: null });
    const r = await get(`${base}/admin/v1/audit/stats`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({
      storeId: store.storeId,
      lastSeq: e.seq,
      headHash: e.hash,
      writable: true,
      failures: 0,
      lastError: null,
      entries: 1,
      checkpoints: 0,
      latestCheckpoint: null,
      stream: { subscribers: 2, dropped: 1 },
    });
    expect(r.body.journalBytes).toBeGreaterThan(0);
  });
});

describe("admin credential stored hashed", () => {
  it("TALON_ADMIN_TOKEN_SHA256 accepts the token whose digest it is, and only that", async () => {
    const other = "another-admin-token";
    const auth = AdminAuth.fromEnv({ [ADMIN_TOKEN_SHA256_ENV]: sha(other).toUpperCase() });
    expect(auth.tokenSha256Prefix).toBe(sha(other).slice(0, 12));
    const url = await serve(auth, () => []);
    expect((await get(`${url}/admin/v1/me`, other)).status).toBe(200);
    expect((await get(`${url}/admin/v1/me`, sha(other))).status).toBe(401);
    expect((await get(`${url}/admin/v1/me`, TOKEN)).status).toBe(401);
    const saved = process.env[ADMIN_TOKEN_ENV];
    delete process.env[ADMIN_TOKEN_ENV];
    process.env[ADMIN_TOKEN_SHA256_ENV] = sha(other);
    try {
      expect(secretInventory({ principals: [], agents: [], baseDir: srcDir, evidenceKeyFile: null })).toEqual([
        { name: "runtime/admin_token", purpose: "admin_token", source: "sha256", env: ADMIN_TOKEN_SHA256_ENV, resolves: true, fingerprint: sha(other).slice(0, 12) },
      ]);
    } finally {
      delete process.env[ADMIN_TOKEN_SHA256_ENV];
      process.env[ADMIN_TOKEN_ENV] = saved;
    }
  });

  it("refuses a malformed digest and both variables at once", () => {
    expect(() => AdminAuth.fromEnv({ [ADMIN_TOKEN_SHA256_ENV]: "abc" })).toThrow(/64 hex digits/);
    expect(() => AdminAuth.fromEnv({ [ADMIN_TOKEN_SHA256_ENV]: sha("x"), [ADMIN_TOKEN_ENV]: "x" })).toThrow(/only one/);
    expect(AdminAuth.fromEnv({}).enabled).toBe(false);
    expect(AdminAuth.fromEnv({}).tokenSha256Prefix).toBeNull();
  });
});
