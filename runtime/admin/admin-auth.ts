/**
 * Authentication of the admin HTTP API (`/admin/v1/…`, `/api/events…`): one bearer token, from
 * the environment variable TALON_ADMIN_TOKEN, or only its SHA-256 (64 hex digits) from
 * TALON_ADMIN_TOKEN_SHA256 so the clear token need not be on the host at all. Only the digest is
 * kept; a request's token is hashed and the digests compared with `timingSafeEqual`, so the
 * comparison leaks nothing about a guess.
 *
 * Without a configured token the admin API is off: every request gets 403, not 401, since no
 * credential could help.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export const ADMIN_TOKEN_ENV = "TALON_ADMIN_TOKEN";
export const ADMIN_TOKEN_SHA256_ENV = "TALON_ADMIN_TOKEN_SHA256";

export type AdminAuthResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string; readonly headers: readonly (readonly [string, string])[] };

const CHALLENGE: readonly (readonly [string, string])[] = [["WWW-Authenticate", 'Bearer realm="talon-admin"']];

const DISABLED: AdminAuthResult = {
  ok: false,
  status: 403,
  message: `admin API disabled: set ${ADMIN_TOKEN_ENV} (or ${ADMIN_TOKEN_SHA256_ENV})`,
  headers: [],
};

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

export class AdminAuth {
  /** SHA-256 of the admin token; null = admin API disabled. */
  readonly #digest: Buffer | null;

  private constructor(digestOfToken: Buffer | null) {
    this.#digest = digestOfToken;
  }

  /** From a token in clear (null or "" = disabled). */
  static fromToken(token: string | null | undefined): AdminAuth {
    if (token === null || token === undefined || token === "") return new AdminAuth(null);
    if (!/^[\x21-\x7e]+$/.test(token)) throw new Error(`${ADMIN_TOKEN_ENV} must be printable ASCII without spaces (it is sent as a bearer token)`);
    return new AdminAuth(digest(token));
  }

  /** From the token's SHA-256 as 64 hex digits (null or "" = disabled). */
  static fromSha256(hex: string | null | undefined): AdminAuth {
    if (hex === null || hex === undefined || hex === "") return new AdminAuth(null);
    const h = hex.trim();
    if (!/^[0-9a-fA-F]{64}$/.test(h)) throw new Error(`${ADMIN_TOKEN_SHA256_ENV} must be the token's SHA-256 as 64 hex digits (e.g. printf %s "$TOKEN" | sha256sum)`);
    return new AdminAuth(Buffer.from(h, "hex"));
  }

  /** From `env.TALON_ADMIN_TOKEN` or `env.TALON_ADMIN_TOKEN_SHA256`; both set is a configuration error. */
  static fromEnv(env: NodeJS.ProcessEnv): AdminAuth {
    const clear = env[ADMIN_TOKEN_ENV];
    const hashed = env[ADMIN_TOKEN_SHA256_ENV];
    if (clear && hashed) throw new Error(`set only one of ${ADMIN_TOKEN_ENV} and ${ADMIN_TOKEN_SHA256_ENV}`);
    return hashed ? AdminAuth.fromSha256(hashed) : AdminAuth.fromToken(clear);
  }

  get enabled(): boolean {
    return this.#digest !== null;
  }

  /**
   * The first 12 hex digits of the token's SHA-256 (null when disabled): enough for an operator
   * to tell which credential a server holds, far too little to help guess a random token.
   */
  get tokenSha256Prefix(): string | null {
    return this.#digest === null ? null : this.#digest.toString("hex").slice(0, 12);
  }

  /** Checks the raw `Authorization` header value ("" when absent). */
  check(header: string): AdminAuthResult {
    if (this.#digest === null) return DISABLED;
    if (header === "") return { ok: false, status: 401, message: "admin token required: send Authorization: Bearer <admin token>", headers: CHALLENGE };
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return { ok: false, status: 401, message: "malformed Authorization header; expected Bearer <token>", headers: CHALLENGE };
    if (!timingSafeEqual(digest(m[1]!), this.#digest)) {
      return { ok: false, status: 401, message: "invalid admin token", headers: [["WWW-Authenticate", 'Bearer realm="talon-admin", error="invalid_token"']] };
    }
    return { ok: true };
  }
}
