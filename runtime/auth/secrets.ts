/**
 * Resolving secret references (`env("VAR")`, `file("path")`, `sha256("hex")`) at start. A missing
 * secret stops the start with a message naming it: a proxy that silently runs without a token
 * would let everyone in or no one.
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import type { SecretSpec } from "../hooks.js";

export class SecretError extends Error {}

/** The secret's value; for `sha256` the hex digest itself (the caller compares digests). */
export function resolveSecret(spec: SecretSpec, what: string, baseDir: string): string {
  switch (spec.kind) {
    case "env": {
      const v = process.env[spec.value];
      if (v === undefined || v === "") throw new SecretError(`${what}: environment variable ${spec.value} is not set`);
      return v;
    }
    case "file": {
      try {
        const v = readFileSync(resolve(baseDir, spec.value), "utf8").trim();
        if (!v) throw new SecretError(`${what}: secret file ${spec.value} is empty`);
        return v;
      } catch (err) {
        if (err instanceof SecretError) throw err;
        throw new SecretError(`${what}: cannot read secret file ${spec.value}: ${(err as Error).message}`);
      }
    }
    case "sha256": {
      if (!/^[0-9a-f]{64}$/i.test(spec.value)) throw new SecretError(`${what}: sha256(...) needs 64 hex digits`);
      return spec.value.toLowerCase();
    }
  }
}
