/**
 * The hash chain of the evidence log (SECURITY.md §1.6).
 *
 * Every entry is stored as one line of JSON whose members are the entry's fields with `hash`
 * last. The entry's *body* is that same JSON text without the `hash` member; it holds `seq` and
 * `prev` (the previous entry's hash), so
 *
 *     hash_i = SHA-256(body_i)   with body_i ∋ prev = hash_{i-1}   (hex; 64 zeros before seq 1)
 *
 * which is h_i = H(h_{i-1} ‖ rec_i) over the exact bytes stored and exported: a verifier needs no
 * canonicalisation, only this file's rule: cut the trailing `,"hash":"<64 hex>"}` and close the
 * object. Editing or deleting an entry breaks the recomputation from there on; tail truncation
 * and a wholesale re-chain are caught only against signed checkpoints (checkpoint.ts).
 */
import { createHash } from "node:crypto";

/** `prev` of the first entry of a store. */
export const GENESIS_HASH = "0".repeat(64);

const HASH_HEAD = ',"hash":"';
/** `,"hash":"` + 64 hex + `"}` */
const SUFFIX_LENGTH = HASH_HEAD.length + 64 + 2;
const HEX64 = /^[0-9a-f]{64}$/;

export function sha256Hex(text: string): string {
  return createHash("sha256").update(text, "utf8").digest("hex");
}

/**
 * Seals an entry: `fields` must already hold id, seq and prev (first, in that order) and no
 * `hash`. Returns the stored line (no newline) and the hash; sets `fields.hash`.
 */
export function seal<T extends { hash?: string }>(fields: T): { line: string; hash: string } {
  const body = JSON.stringify(fields);
  const hash = sha256Hex(body);
  fields.hash = hash;
  return { line: body.slice(0, -1) + HASH_HEAD + hash + '"}', hash };
}

/** A stored line taken apart: its body, the hash it claims, and the hash its body has. */
export interface OpenedLine {
  readonly body: string;
  readonly claimed: string;
  readonly actual: string;
}

/** Splits a line into body and claimed hash; null when it does not end the way `seal` ends lines. */
export function openLine(line: string): OpenedLine | null {
  if (line.length < SUFFIX_LENGTH + 2 || !line.endsWith('"}')) return null;
  const cut = line.length - SUFFIX_LENGTH;
  if (line.slice(cut, cut + HASH_HEAD.length) !== HASH_HEAD) return null;
  const claimed = line.slice(cut + HASH_HEAD.length, line.length - 2);
  if (!HEX64.test(claimed)) return null;
  const body = line.slice(0, cut) + "}";
  return { body, claimed, actual: sha256Hex(body) };
}

export function isHash(value: unknown): value is string {
  return typeof value === "string" && HEX64.test(value);
}
