/**
 * Bearer-token authentication of downstream clients. Tokens are never kept in clear: at start each
 * principal's token is reduced to its SHA-256 digest; a request's token is hashed and looked up,
 * then the digests are compared with `timingSafeEqual`, so neither the lookup nor the comparison
 * leaks how much of a guessed token was right.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Principal, PrincipalSpec } from "../hooks.js";
import type { AuthResult, ClientAuth } from "./client-auth.js";
import { resolveSecret } from "./secrets.js";

export type { AuthResult } from "./client-auth.js";

export const ANONYMOUS: Principal = Object.freeze({ id: "anonymous", kind: "anonymous", index: -1, teams: Object.freeze([]) as readonly string[] });

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/** How many recently verified Authorization values are remembered. */
const CACHE_SIZE = 1024;

export class BearerAuth implements ClientAuth {
  private readonly byDigest = new Map<string, { digest: Buffer; principal: Principal }>();
  /**
   * Authorization header values already verified, so a session's steady stream of requests costs
   * a map lookup instead of a SHA-256 each. Only successful verifications are cached, the cache is
   * bounded (oldest first out), and it holds nothing the process does not already hold.
   */
  private readonly verified = new Map<string, Principal>();

  /**
   * @param principals the bundle's principals; those without a token cannot log in by bearer.
   * @param allowAnonymous whether a request without credentials is the anonymous principal.
   */
  constructor(
    principals: readonly PrincipalSpec[],
    private readonly allowAnonymous: boolean,
    baseDir: string,
  ) {
    for (const p of principals) {
      if (!p.token) continue;
      const value = resolveSecret(p.token, `token of ${p.kind} "${p.id}"`, baseDir);
      const d = p.token.kind === "sha256" ? Buffer.from(value, "hex") : digest(value);
      const principal: Principal = Object.freeze({ id: p.id, kind: p.kind, index: p.index, teams: Object.freeze([...p.teams]) });
      this.byDigest.set(d.toString("hex"), { digest: d, principal });
    }
  }

  /** Authenticate from the raw `Authorization` header value ("" when absent). */
  authenticate(header: string): AuthResult {
    if (header === "") {
      return this.allowAnonymous ? { ok: true, principal: ANONYMOUS } : { ok: false, status: 401, message: "authentication required: send Authorization: Bearer <token>" };
    }
    const cached = this.verified.get(header);
    if (cached) return { ok: true, principal: cached };
    const m = /^Bearer[ ]+([\x21-\x7e]+)[ ]*$/i.exec(header);
    if (!m) return { ok: false, status: 401, message: "malformed Authorization header; expected Bearer <token>" };
    const d = digest(m[1]!);
    const hit = this.byDigest.get(d.toString("hex"));
    if (!hit || !timingSafeEqual(hit.digest, d)) return { ok: false, status: 401, message: "invalid bearer token" };
    if (this.verified.size >= CACHE_SIZE) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(header, hit.principal);
    return { ok: true, principal: hit.principal };
  }
}
