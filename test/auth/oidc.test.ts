/**
 * OIDC client authentication against a real local issuer (node:http on 127.0.0.1 serving discovery
 * and a JWKS; tokens signed with jose). Covers the 401 cases of the MCP conformance
 * `auth-token-audience` scenario and RFC 8725's algorithm rules, 503 when the keys cannot be
 * fetched, key rotation, and the synchronous answer for tokens already verified.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { base64url, exportSPKI, importJWK, SignJWT, type CryptoKey } from "jose";
import type { PrincipalSpec } from "../../runtime/hooks.js";
import type { AuthResult } from "../../runtime/auth/client-auth.js";
import { OidcAuth, type OidcOptions } from "../../runtime/auth/oidc.js";
import { LocalIssuer, makeKey, type IssuerKey } from "./local-issuer.js";

const PRINCIPALS: PrincipalSpec[] = [
  { id: "coder-agent", kind: "caller", index: 0, token: null, oidcSub: "svc:coder", teams: ["sre"] },
  { id: "docs-agent", kind: "caller", index: 1, token: null, oidcSub: "svc:docs", teams: [] },
  { id: "static", kind: "vendor", index: 2, token: { kind: "sha256", value: "00".repeat(32) }, oidcSub: null, teams: [] },
];

let issuer: LocalIssuer;
let k1: IssuerKey;

beforeAll(async () => {
  k1 = await makeKey("k1");
  issuer = await LocalIssuer.start([k1]);
});
afterAll(async () => {
  await issuer.close();
});

function auth(opts: OidcOptions = {}, iss = issuer.issuer): OidcAuth {
  return new OidcAuth(PRINCIPALS, iss, "airlock", opts);
}

const bearer = (t: string) => `Bearer ${t}`;

async function fail(a: OidcAuth, header: string): Promise<Extract<AuthResult, { ok: false }>> {
  const r = await a.authenticate(header);
  if (r.ok) throw new Error(`expected a refusal, got principal ${r.principal.id}`);
  return r;
}

describe("valid tokens", () => {
  test("a valid token maps its sub to the declared principal, with its claims", async () => {
    const a = auth();
    const token = await issuer.token("svc:coder", { aud: ["other", "airlock"], claims: { groups: ["sre"] } });
    const r = await a.authenticate(bearer(token));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.principal).toMatchObject({ id: "coder-agent", kind: "caller", index: 0, teams: ["sre"] });
    expect(r.principal.claims).toMatchObject({ sub: "svc:coder", iss: issuer.issuer, groups: ["sre"] });
  });

  test("a verified token is answered synchronously from the cache (the hot path)", async () => {
    const a = auth();
    const h = bearer(await issuer.token("svc:docs", { aud: "airlock" }));
    const first = a.authenticate(h);
    expect(first).toBeInstanceOf(Promise);
    expect((await first).ok).toBe(true);
    const second = a.authenticate(h);
    expect(second).not.toBeInstanceOf(Promise);
    expect(second).toMatchObject({ ok: true, principal: { id: "docs-agent" } });
  });

  test("a cached token stops working when it expires", async () => {
    const a = auth({ clockToleranceS: 0 });
    const h = bearer(await issuer.token("svc:docs", { aud: "airlock", expiresIn: Math.floor(Date.now() / 1000) + 2 }));
    expect((await a.authenticate(h)).ok).toBe(true);
    await new Promise((r) => setTimeout(r, 2_100));
    const r = await fail(a, h);
    expect(r.status).toBe(401);
    expect(r.challenge).toContain('error_description="token expired"');
  });

  test("an unknown subject is 403 even with a valid token", async () => {
    const r = await fail(auth(), bearer(await issuer.token("svc:intruder", { aud: "airlock" })));
    expect(r.status).toBe(403);
    expect(r.message).toContain('no principal for subject "svc:intruder"');
  });
});

describe("bad tokens are 401 invalid_token", () => {
  const cases: [string, () => Promise<string>, RegExp][] = [
    ["wrong audience", () => issuer.token("svc:coder", { aud: "someone-else" }), /audience/],
    ["missing audience", () => issuer.token("svc:coder"), /audience|"aud"/],
    ["wrong issuer", () => issuer.token("svc:coder", { aud: "airlock", iss: "https://evil.example" }), /issuer/],
    ["expired", () => issuer.token("svc:coder", { aud: "airlock", expiresIn: Math.floor(Date.now() / 1000) - 600 }), /expired/],
    [
      "alg none",
      async () => {
        const enc = (o: object) => base64url.encode(JSON.stringify(o));
        return `${enc({ alg: "none", typ: "JWT" })}.${enc({ sub: "svc:coder", iss: issuer.issuer, aud: "airlock", exp: Math.floor(Date.now() / 1000) + 300 })}.`;
      },
      /algorithm|malformed/,
    ],
    [
      "HS256 signed with the issuer's public key as the secret",
      async () => {
        const pem = await exportSPKI((await importJWK(k1.publicJwk, "RS256")) as CryptoKey);
        return new SignJWT({})
          .setProtectedHeader({ alg: "HS256", kid: "k1" })
          .setSubject("svc:coder")
          .setIssuer(issuer.issuer)
          .setAudience("airlock")
          .setExpirationTime("5m")
          .sign(new TextEncoder().encode(pem));
      },
      /algorithm/,
    ],
    [
      "a kid the issuer does not publish",
      async () => issuer.token("svc:coder", { aud: "airlock", key: { ...(await makeKey("ghost")) } }),
      /does not publish/,
    ],
    [
      "tampered payload",
      async () => {
        const [h, p, s] = (await issuer.token("svc:docs", { aud: "airlock" })).split(".");
        const claims = JSON.parse(Buffer.from(p!, "base64url").toString()) as Record<string, unknown>;
        return `${h}.${base64url.encode(JSON.stringify({ ...claims, sub: "svc:coder" }))}.${s}`;
      },
      /signature/,
    ],
    ["a static bearer token", async () => "s3cr3t-static-token", /not a JWT/],
  ];
  for (const [name, make, why] of cases) {
    test(name, async () => {
      const r = await fail(auth({ cooldownMs: 0 }), bearer(await make()));
      expect(r.status).toBe(401);
      expect(r.challenge).toMatch(/^Bearer realm="talon", error="invalid_token", error_description="[^"]+"$/);
      expect(r.challenge).toMatch(why);
    });
  }

  test("no Authorization header is 401 without an error code", async () => {
    const r = await fail(auth(), "");
    expect(r.status).toBe(401);
    expect(r.challenge).toBeUndefined();
  });
});

describe("the issuer's keys", () => {
  test("JWKS down → 503 (fail closed), and back up → accepted", async () => {
    const a = auth();
    const h = bearer(await issuer.token("svc:coder", { aud: "airlock" }));
    issuer.jwksUp = false;
    try {
      const r = await fail(a, h);
      expect(r.status).toBe(503);
      expect(r.message).toContain(`issuer ${issuer.issuer}`);
    } finally {
      issuer.jwksUp = true;
    }
    expect((await a.authenticate(h)).ok).toBe(true);
  });

  test("discovery down → 503, retried after the retry delay", async () => {
    const a = auth({ retryMs: 200 });
    const h = bearer(await issuer.token("svc:coder", { aud: "airlock" }));
    issuer.discoveryUp = false;
    try {
      const r = await fail(a, h);
      expect(r.status).toBe(503);
      expect(r.message).toMatch(/discovery .* answered 503/);
    } finally {
      issuer.discoveryUp = true;
    }
    expect((await fail(a, h)).status).toBe(503); // still inside the retry delay
    await new Promise((r) => setTimeout(r, 250));
    expect((await a.authenticate(h)).ok).toBe(true);
  });

  test("key rotation: a token under a new kid is accepted after one refetch", async () => {
    const a = auth({ cooldownMs: 0 });
    expect((await a.authenticate(bearer(await issuer.token("svc:coder", { aud: "airlock" })))).ok).toBe(true);
    const k2 = await makeKey("k2", "ES256");
    issuer.published = [k1, k2];
    const before = issuer.jwksFetches;
    try {
      const r = await a.authenticate(bearer(await issuer.token("svc:docs", { aud: "airlock", key: k2 })));
      expect(r).toMatchObject({ ok: true, principal: { id: "docs-agent" } });
      expect(issuer.jwksFetches).toBe(before + 1);
    } finally {
      issuer.published = [k1];
    }
  });

  test("unknown kids refetch the JWKS at most once per cooldown", async () => {
    const a = auth({ cooldownMs: 60_000 });
    expect((await a.authenticate(bearer(await issuer.token("svc:coder", { aud: "airlock" })))).ok).toBe(true);
    const before = issuer.jwksFetches;
    for (let i = 0; i < 5; i++) {
      const ghost = await makeKey(`ghost-${i}`);
      expect((await fail(a, bearer(await issuer.token("svc:coder", { aud: "airlock", key: ghost })))).status).toBe(401);
    }
    expect(issuer.jwksFetches).toBe(before);
  });
});

describe("configuration", () => {
  test("a plain-http issuer off loopback is refused at start", () => {
    expect(() => auth({}, "http://id.example.com")).toThrow(/must be https/);
  });

  test("two principals with one oidc sub are refused at start", () => {
    const dup: PrincipalSpec[] = [PRINCIPALS[0]!, { ...PRINCIPALS[1]!, oidcSub: "svc:coder" }];
    expect(() => new OidcAuth(dup, "https://id.example", "a")).toThrow(/claimed by both caller "coder-agent" and caller "docs-agent"/);
  });
});
