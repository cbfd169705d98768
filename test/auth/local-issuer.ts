/**
 * A real local OIDC issuer for tests: a node:http server on 127.0.0.1 that serves discovery and a
 * JWKS of keys made with jose `generateKeyPair`, and signs access tokens with jose `SignJWT`.
 * Tests can rotate keys, take the JWKS endpoint down, and count its fetches.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from "jose";

export interface IssuerKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
  readonly publicJwk: JWK;
}

export async function makeKey(kid: string, alg = "RS256"): Promise<IssuerKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg, use: "sig" };
  return { kid, alg, privateKey, publicJwk };
}

export class LocalIssuer {
  /** Keys published in the JWKS. */
  published: IssuerKey[] = [];
  /** When false, the JWKS endpoint answers 503. */
  jwksUp = true;
  /** When false, discovery answers 503. */
  discoveryUp = true;
  jwksFetches = 0;
  private server!: Server;
  issuer = "";

  static async start(keys: IssuerKey[]): Promise<LocalIssuer> {
    const i = new LocalIssuer();
    i.published = keys;
    i.server = createServer((req, res) => {
      if (req.url === "/.well-known/openid-configuration" && i.discoveryUp) {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ issuer: i.issuer, jwks_uri: `${i.issuer}/jwks.json`, id_token_signing_alg_values_supported: ["RS256", "ES256"] }));
        return;
      }
      if (req.url === "/jwks.json") {
        i.jwksFetches++;
        if (i.jwksUp) {
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify({ keys: i.published.map((k) => k.publicJwk) }));
          return;
        }
      }
      res.writeHead(503).end();
    });
    await new Promise<void>((r) => i.server.listen(0, "127.0.0.1", r));
    i.issuer = `http://127.0.0.1:${(i.server.address() as AddressInfo).port}`;
    return i;
  }

  /** A token signed by `key` (default: the first published) for `sub`; `claims` override the defaults. */
  async token(sub: string, opts: { key?: IssuerKey; aud?: string | string[]; iss?: string; expiresIn?: string | number; claims?: JWTPayload } = {}): Promise<string> {
    const key = opts.key ?? this.published[0]!;
    let jwt = new SignJWT({ ...opts.claims })
      .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: "at+jwt" })
      .setSubject(sub)
      .setIssuer(opts.iss ?? this.issuer)
      .setIssuedAt()
      .setExpirationTime(opts.expiresIn ?? "5m");
    if (opts.aud !== undefined) jwt = jwt.setAudience(opts.aud);
    return jwt.sign(key.privateKey);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
