/**
 * Authentication of the admin HTTP API (`/admin/v1/…`): one bearer token, from the environment
 * variable TALON_ADMIN_TOKEN. Only its SHA-256 is kept; a request's token is hashed and the
 * digests compared with `timingSafeEqual`, so the comparison leaks nothing about a guess.
 *
 * Without a configured token the admin API is off: every request gets 403, not 401, since no
 * credential could help.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export const ADMIN_TOKEN_ENV = "TALON_ADMIN_TOKEN";

export type AdminAuthResult =
  | { readonly ok: true }
  | { readonly ok: false; readonly status: 401 | 403; readonly message: string; readonly headers: readonly (readonly [string, string])[] };

const CHALLENGE: readonly (readonly [string, string])[] = [["WWW-Authenticate", 'Bearer realm="talon-admin"']];

const DISABLED: AdminAuthResult = {
  ok: false,
  status: 403,
  message: `admin API disabled: set ${ADMIN_TOKEN_ENV}`,
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

  /** From `env.TALON_ADMIN_TOKEN`. */
  static fromEnv(env: NodeJS.ProcessEnv): AdminAuth {
    return AdminAuth.fromToken(env[ADMIN_TOKEN_ENV]);
  }

  get enabled(): boolean {
    return this.#digest !== null;
  }

  /** Checks the raw `Authorization` header value ("" when absent). */
  check(header: string): AdminAuthResult {
    if (this.#digest === null) return DISABLED;
    if (header === "") return { ok: false, status: 401, message: "admin token required: send Authorization: Bearer <TALON_ADMIN_TOKEN>", headers: CHALLENGE };
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return { ok: false, status: 401, message: "malformed Authorization header; expected Bearer <token>", headers: CHALLENGE };
    if (!timingSafeEqual(digest(m[1]!), this.#digest)) {
      return { ok: false, status: 401, message: "invalid admin token", headers: [["WWW-Authenticate", 'Bearer realm="talon-admin", error="invalid_token"']] };
    }
    return { ok: true };
  }
}
