/**
 * OIDC access-token authentication of downstream clients (`auth oidc issuer "…" audience "…"`).
 *
 * A client sends `Authorization: Bearer <JWT>`. The token is verified against the issuer's keys,
 * found by discovery (`<issuer>/.well-known/openid-configuration` → `jwks_uri`) and held by jose's
 * `createRemoteJWKSet`: cached, refetched when a token names an unknown `kid` (at most once per
 * cooldown, so forged kids cannot make us hammer the issuer) and when the cache is older than its
 * max age (so a removed key stops working). The token must be signed with an asymmetric algorithm
 * (never HS*, where the issuer's public key could serve as the secret, nor `none`), carry
 * `iss` = the issuer, `aud` containing the audience, `exp`, and `sub`; `exp`/`nbf` get a small
 * clock tolerance. `sub` selects the principal declared with that `oidc sub`. Static bearer tokens
 * are not JWTs and are refused: an `auth oidc` agent accepts issuer tokens only.
 *
 * Fail closed: when discovery or the key set cannot be fetched, requests get 503 (no key, no
 * entry); a bad, expired or foreign token gets 401 with an RFC 6750 `invalid_token` challenge; a
 * valid token whose subject no principal claims gets 403.
 *
 * Verified tokens are remembered by their exact header value until they expire (bounded, oldest
 * first out), so a session's steady stream of requests is answered synchronously by a map lookup.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from "jose";
import type { Principal, PrincipalSpec } from "../hooks.js";
import { BASIC_CHALLENGE, type AuthResult, type ClientAuth } from "./client-auth.js";

/** Asymmetric JWS algorithms only (RFC 8725 §3.1, §3.2). */
export const OIDC_ALGORITHMS: readonly string[] = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA", "Ed25519"];

export interface OidcOptions {
  /** Seconds of clock skew allowed on `exp`/`nbf`/`iat` (default 60). */
  readonly clockToleranceS?: number;
  /** Minimum time between key-set refetches for unknown kids (default 30 s, jose's default). */
  readonly cooldownMs?: number;
  /** How long a fetched key set is trusted without refetching (default 10 min). */
  readonly cacheMaxAgeMs?: number;
  /** Timeout of each discovery and key-set fetch (default 5 s). */
  readonly timeoutMs?: number;
  /** After a failed discovery, requests get 503 without retrying for this long (default 5 s). */
  readonly retryMs?: number;
  /** Verified tokens remembered (default 1024). */
  readonly cacheSize?: number;
}

/** A failure to reach the issuer (as opposed to a bad token). */
class IssuerUnavailable extends Error {}

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** Token errors (→ 401); any other failure during verification is the issuer's keys (→ 503). */
const TOKEN_ERRORS: ReadonlySet<string> = new Set([
  "ERR_JOSE_ALG_NOT_ALLOWED",
  "ERR_JOSE_NOT_SUPPORTED",
  "ERR_JWKS_NO_MATCHING_KEY",
  "ERR_JWKS_MULTIPLE_MATCHING_KEYS",
  "ERR_JWS_INVALID",
  "ERR_JWS_SIGNATURE_VERIFICATION_FAILED",
  "ERR_JWT_CLAIM_VALIDATION_FAILED",
  "ERR_JWT_EXPIRED",
  "ERR_JWT_INVALID",
]);

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
}

/** An https URL, or http on a loopback host (local issuers in development and tests). */
function checkUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new Error(`${what} "${value}" is not a URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopback(url.hostname))) {
    throw new Error(`${what} "${value}" must be https (plain http only on a loopback address)`);
  }
  return url;
}

/** RFC 6750 §3 `invalid_token` challenge; the description is quoted-string safe. */
function invalidToken(description: string): AuthResult {
  const safe = description.replace(/["\\\r\n]/g, "'");
  return { ok: false, status: 401, message: `invalid token: ${description}`, challenge: `${BASIC_CHALLENGE}, error="invalid_token", error_description="${safe}"` };
}

function unavailable(issuer: string, why: string): AuthResult {
  return { ok: false, status: 503, message: `cannot verify tokens: the keys of issuer ${issuer} are unavailable (${why})` };
}

const JWT_SHAPE = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

export class OidcAuth implements ClientAuth {
  private readonly bySub = new Map<string, PrincipalSpec>();
  private readonly verified = new Map<string, { readonly principal: Principal; readonly expiresMs: number }>();
  private readonly inFlight = new Map<string, Promise<AuthResult>>();
  private keys: KeySet | undefined;
  private discovering: Promise<KeySet> | undefined;
  private failedUntil = 0;
  private lastFailure = "";
  private readonly tolerance: number;
  private readonly cacheSize: number;

  /**
   * @param issuer the `issuer` as written (compared exactly with the token's `iss` and discovery's `issuer`).
   * @param audience a value the token's `aud` must contain.
   */
  constructor(
    principals: readonly PrincipalSpec[],
    private readonly issuer: string,
    private readonly audience: string,
    private readonly opts: OidcOptions = {},
  ) {
    checkUrl(issuer, "auth oidc issuer");
    if (audience === "") throw new Error("auth oidc audience must not be empty");
    for (const p of principals) {
      if (p.oidcSub === null) continue;
      const other = this.bySub.get(p.oidcSub);
      if (other) throw new Error(`oidc sub "${p.oidcSub}" is claimed by both ${other.kind} "${other.id}" and ${p.kind} "${p.id}"`);
      this.bySub.set(p.oidcSub, p);
    }
    this.tolerance = opts.clockToleranceS ?? 60;
    this.cacheSize = opts.cacheSize ?? 1024;
  }

  authenticate(header: string): AuthResult | Promise<AuthResult> {
    if (header === "") return { ok: false, status: 401, message: "authentication required: send Authorization: Bearer <access token>" };
    const hit = this.verified.get(header);
    if (hit) {
      if (Date.now() < hit.expiresMs) return { ok: true, principal: hit.principal };
      this.verified.delete(header);
    }
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return invalidToken("malformed Authorization header; expected Bearer <access token>");
    const token = m[1]!;
    if (!JWT_SHAPE.test(token)) return invalidToken("not a JWT access token from the issuer");
    let pending = this.inFlight.get(header);
    if (!pending) {
      pending = this.verify(header, token).finally(() => this.inFlight.delete(header));
      this.inFlight.set(header, pending);
    }
    return pending;
  }

  private async verify(header: string, token: string): Promise<AuthResult> {
    let keys: KeySet;
    try {
      keys = await this.keySet();
    } catch (err) {
      return unavailable(this.issuer, (err as Error).message);
    }
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, {
        issuer: this.issuer,
        audience: this.audience,
        algorithms: [...OIDC_ALGORITHMS],
        clockTolerance: this.tolerance,
        requiredClaims: ["exp", "sub"],
      }));
    } catch (err) {
      if (err instanceof errors.JOSEError && TOKEN_ERRORS.has(err.code)) return invalidToken(describe(err));
      return unavailable(this.issuer, (err as Error).message);
    }
    const sub = payload.sub!;
    const spec = this.bySub.get(sub);
    if (!spec) return { ok: false, status: 403, message: `no principal for subject "${sub}" (declare one with oidc sub "${sub}")` };
    const principal: Principal = Object.freeze({
      id: spec.id,
      kind: spec.kind,
      index: spec.index,
      teams: Object.freeze([...spec.teams]),
      claims: Object.freeze({ ...payload }),
    });
    this.remember(header, principal, payload.exp! * 1000);
    return { ok: true, principal };
  }

  private remember(header: string, principal: Principal, expiresMs: number): void {
    if (this.cacheSize <= 0) return;
    if (this.verified.size >= this.cacheSize) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(header, { principal, expiresMs });
  }

  /** The issuer's key set, discovered once; a failed discovery is retried after `retryMs`. */
  private keySet(): Promise<KeySet> {
    if (this.keys) return Promise.resolve(this.keys);
    if (Date.now() < this.failedUntil) return Promise.reject(new IssuerUnavailable(this.lastFailure));
    this.discovering ??= this.discover().then(
      (keys) => {
        this.keys = keys;
        this.discovering = undefined;
        return keys;
      },
      (err: unknown) => {
        this.discovering = undefined;
        this.lastFailure = (err as Error).message;
        this.failedUntil = Date.now() + (this.opts.retryMs ?? 5_000);
        throw err;
      },
    );
    return this.discovering;
  }

  private async discover(): Promise<KeySet> {
    const where = `${this.issuer.replace(/\/+$/, "")}/.well-known/openid-configuration`;
    let doc: unknown;
    try {
      const res = await fetch(where, { redirect: "error", signal: AbortSignal.timeout(this.opts.timeoutMs ?? 5_000), headers: { accept: "application/json" } });
      if (res.status !== 200) throw new IssuerUnavailable(`discovery ${where} answered ${res.status}`);
      doc = await res.json();
    } catch (err) {
      if (err instanceof IssuerUnavailable) throw err;
      throw new IssuerUnavailable(`discovery ${where} failed: ${(err as Error).message}`);
    }
    const d = doc as { issuer?: unknown; jwks_uri?: unknown } | null;
    // OIDC Discovery §4.3: the document must name the issuer it was fetched for.
    if (d === null || typeof d !== "object" || d.issuer !== this.issuer) {
      throw new IssuerUnavailable(`discovery ${where} names issuer ${JSON.stringify(d?.issuer)}, not "${this.issuer}"`);
    }
    if (typeof d.jwks_uri !== "string") throw new IssuerUnavailable(`discovery ${where} has no jwks_uri`);
    let jwks: URL;
    try {
      jwks = checkUrl(d.jwks_uri, "jwks_uri");
    } catch (err) {
      throw new IssuerUnavailable((err as Error).message);
    }
    return createRemoteJWKSet(jwks, {
      cooldownDuration: this.opts.cooldownMs ?? 30_000,
      cacheMaxAge: this.opts.cacheMaxAgeMs ?? 600_000,
      timeoutDuration: this.opts.timeoutMs ?? 5_000,
    });
  }
}

/** A client-facing reason for a token error (no token contents). */
function describe(err: InstanceType<typeof errors.JOSEError>): string {
  if (err instanceof errors.JWTExpired) return "token expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "token audience is not this server";
    if (err.claim === "iss") return "token issuer is not the configured issuer";
    if (err.reason === "missing") return `token has no "${err.claim}" claim`;
    return `token claim "${err.claim}" is not valid (${err.message})`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return "token signing algorithm not allowed";
  if (err instanceof errors.JWKSNoMatchingKey) return "token signed with a key the issuer does not publish";
  if (err instanceof errors.JWSSignatureVerificationFailed) return "token signature verification failed";
  return `malformed token (${err.message})`;
}
