/**
 * Metadata about every secret the running server uses, for `GET /admin/v1/secrets`: where each
 * one comes from and whether it resolves now, never its value. The bundle's references
 * (principal tokens, upstream credentials, redaction keys; `SecretSpec` in hooks.ts) plus the
 * runtime's own (the admin credential, the evidence signing key).
 *
 * A value is read only to learn whether it resolves, and dropped at once. The one thing derived
 * from a secret that is shown is a `fingerprint` for `sha256(…)` references and
 * TALON_ADMIN_TOKEN_SHA256, which are digests already, published in the policy or environment.
 */
import { resolve } from "node:path";
import { resolveSecret } from "../auth/secrets.js";
import { SIGNING_KEY_ENV, SIGNING_KEY_FILE_ENV } from "../evidence/checkpoint.js";
import type { CompiledAgent, PrincipalSpec, SecretSpec } from "../hooks.js";
import { ADMIN_TOKEN_ENV, ADMIN_TOKEN_SHA256_ENV } from "./admin-auth.js";

export type SecretPurpose = "principal_token" | "upstream_auth" | "redaction_key" | "admin_token" | "evidence_signing_key";

export interface SecretMetadata {
  /** Stable name: `principal/<id>/token`, `agent/<name>/upstream_auth`, `agent/<name>/redaction_key`, `runtime/admin_token`, `runtime/evidence_signing_key`. */
  readonly name: string;
  readonly purpose: SecretPurpose;
  /** Where the value comes from: an environment variable, a file, or a SHA-256 digest written in the policy or environment. */
  readonly source: "env" | "file" | "sha256";
  /** The environment variable, for `env` (and for the runtime's own secrets). */
  readonly env?: string;
  /** The file's absolute path, for `file`. */
  readonly file?: string;
  /** Whether it resolves now (variable set, file readable and not empty). */
  readonly resolves: boolean;
  /** Why it does not resolve (names the variable or file, never a value). */
  readonly problem?: string;
  /** First 12 hex digits of the digest, for `sha256` sources only. */
  readonly fingerprint?: string;
}

/**
 * What the inventory reads: the bundle's principals and agents, and the runtime's configuration.
 * Environment variables are read from `process.env`, as the server resolved them at start.
 */
export interface SecretSources {
  readonly principals: readonly PrincipalSpec[];
  readonly agents: readonly CompiledAgent[];
  /** Base directory of relative `file(…)` references (the policy's source directory). */
  readonly baseDir: string;
  /** `--evidence-key FILE`, which takes precedence over the environment. */
  readonly evidenceKeyFile: string | null;
}

function fromSpec(name: string, purpose: SecretPurpose, spec: SecretSpec, baseDir: string): SecretMetadata {
  let resolves = true;
  let problem: string | undefined;
  try {
    resolveSecret(spec, name, baseDir); // the value is not kept
  } catch (err) {
    resolves = false;
    problem = (err as Error).message;
  }
  const where =
    spec.kind === "env" ? { env: spec.value } : spec.kind === "file" ? { file: resolve(baseDir, spec.value) } : resolves ? { fingerprint: spec.value.toLowerCase().slice(0, 12) } : {};
  return { name, purpose, source: spec.kind, ...where, resolves, ...(problem !== undefined ? { problem } : {}) };
}

export function secretInventory(src: SecretSources): SecretMetadata[] {
  const out: SecretMetadata[] = [];
  for (const p of src.principals) {
    if (p.token) out.push(fromSpec(`principal/${p.id}/token`, "principal_token", p.token, src.baseDir));
  }
  for (const a of src.agents) {
    if (a.upstreamAuth?.secret) out.push(fromSpec(`agent/${a.name}/upstream_auth`, "upstream_auth", a.upstreamAuth.secret, src.baseDir));
    if (a.redactionKey) out.push(fromSpec(`agent/${a.name}/redaction_key`, "redaction_key", a.redactionKey, src.baseDir));
  }
  const env = process.env;
  if (env[ADMIN_TOKEN_SHA256_ENV]) {
    out.push({ name: "runtime/admin_token", purpose: "admin_token", source: "sha256", env: ADMIN_TOKEN_SHA256_ENV, resolves: true, fingerprint: env[ADMIN_TOKEN_SHA256_ENV]!.trim().toLowerCase().slice(0, 12) });
  } else if (env[ADMIN_TOKEN_ENV]) {
    out.push({ name: "runtime/admin_token", purpose: "admin_token", source: "env", env: ADMIN_TOKEN_ENV, resolves: true });
  }
  // The signing key was loaded at start (a bad one stops the start), in SigningKey's precedence.
  const keyFile = src.evidenceKeyFile ?? (env[SIGNING_KEY_ENV] ? null : env[SIGNING_KEY_FILE_ENV] || null);
  if (keyFile !== null) out.push(fromSpec("runtime/evidence_signing_key", "evidence_signing_key", { kind: "file", value: keyFile }, process.cwd()));
  else if (env[SIGNING_KEY_ENV]) out.push({ name: "runtime/evidence_signing_key", purpose: "evidence_signing_key", source: "env", env: SIGNING_KEY_ENV, resolves: true });
  return out;
}
