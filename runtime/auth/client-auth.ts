/**
 * What the MCP endpoint asks of a client authenticator (bearer tokens, `bearer.ts`; OIDC access
 * tokens, `oidc.ts`). `authenticate` answers synchronously whenever it can (bearer always, OIDC
 * for tokens it has already verified), so the hot path of every POST pays no promise; only a token
 * that must be checked against the issuer's keys gives a Promise.
 */
import type { Principal } from "../hooks.js";

export type AuthResult =
  | { readonly ok: true; readonly principal: Principal }
  | {
      readonly ok: false;
      /** 401 no or bad credential; 403 valid token but no principal for it; 503 issuer keys unavailable. */
      readonly status: 400 | 401 | 403 | 503;
      readonly message: string;
      /** The `WWW-Authenticate` value of a 401 (RFC 6750 §3); absent = `Bearer realm="talon"`. */
      readonly challenge?: string;
    };

export interface ClientAuth {
  /** Authenticate from the raw `Authorization` header value ("" when absent). Never rejects. */
  authenticate(header: string): AuthResult | Promise<AuthResult>;
}

/** The challenge of a 401 without an error code (no credential sent, RFC 6750 §3.1). */
export const BASIC_CHALLENGE = 'Bearer realm="talon"';

/** Whether two principals are the same declared client (OIDC gives a fresh object per token). */
export function samePrincipal(a: Principal, b: Principal): boolean {
  return a === b || (a.index === b.index && a.kind === b.kind && a.id === b.id);
}
