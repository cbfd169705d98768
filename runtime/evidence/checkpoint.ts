/**
 * Signed checkpoints and purge anchors of the evidence chain (Ed25519, @noble/curves).
 *
 * A checkpoint says "entry `seq` of store `store` has hash `hash`", signed. Kept outside the
 * store's reach (`talon audit checkpoint --export`), it makes tail truncation, rollback and a
 * wholesale re-chain detectable: the chain must still reach `seq` and still have `hash` there
 * (SECURITY.md §1.6). The store also keeps every checkpoint it signs, so `verify` can bound
 * where a re-chain began. The signed message is a small text note in the spirit of C2SP
 * tlog-checkpoint; its first line names the format:
 *
 *     talon-evidence-checkpoint/v1\n<store id>\n<seq>\n<hash>\n<time ms>\n
 *
 * An anchor is written by `talon audit purge`: "this store now starts at `firstSeq`, and the entry
 * before it had hash `prev`", signed the same way, so the remaining chain still verifies.
 *
 * The signing key is a 32-byte Ed25519 secret (hex or base64, from a file or an environment
 * variable; never in the store). Verification needs only the public key.
 */
import fs from "node:fs";
import { ed25519 } from "@noble/curves/ed25519.js";
import { isHash } from "./chain.js";

export interface Checkpoint {
  readonly type: "talon-checkpoint";
  readonly version: 1;
  readonly store: string;
  readonly seq: number;
  readonly hash: string;
  readonly time: number;
  /** Ed25519 public key, hex. */
  readonly publicKey: string;
  /** Ed25519 signature of the note, hex. */
  readonly signature: string;
}

export interface Anchor {
  readonly type: "talon-anchor";
  readonly version: 1;
  readonly store: string;
  /** The first seq the store holds after the purge. */
  readonly firstSeq: number;
  /** Hash of the entry at firstSeq - 1 (deleted): the first kept entry's `prev`. */
  readonly prev: string;
  readonly time: number;
  /** Entries deleted by this and earlier purges. */
  readonly purged: number;
  readonly publicKey: string;
  readonly signature: string;
}

/** The environment variables a signing key can come from (a value, or a file path). */
export const SIGNING_KEY_ENV = "TALON_EVIDENCE_KEY";
export const SIGNING_KEY_FILE_ENV = "TALON_EVIDENCE_KEY_FILE";

/** A loaded signing key. */
export class SigningKey {
  readonly #secret: Uint8Array;
  readonly publicKey: string;

  private constructor(secret: Uint8Array) {
    this.#secret = secret;
    this.publicKey = Buffer.from(ed25519.getPublicKey(secret)).toString("hex");
  }

  /** From 32 bytes written as 64 hex characters or base64 (surrounding whitespace ignored). */
  static parse(text: string, where: string): SigningKey {
    return new SigningKey(parseKeyBytes(text, where, "signing key"));
  }

  static fromFile(file: string): SigningKey {
    let text: string;
    try {
      text = fs.readFileSync(file, "utf8");
    } catch (err) {
      throw new Error(`cannot read evidence signing key ${file}: ${(err as Error).message}`);
    }
    return SigningKey.parse(text, file);
  }

  /** From TALON_EVIDENCE_KEY (the key) or TALON_EVIDENCE_KEY_FILE (a path); null when neither is set. */
  static fromEnv(env: NodeJS.ProcessEnv): SigningKey | null {
    const value = env[SIGNING_KEY_ENV];
    if (value !== undefined && value !== "") return SigningKey.parse(value, SIGNING_KEY_ENV);
    const file = env[SIGNING_KEY_FILE_ENV];
    if (file !== undefined && file !== "") return SigningKey.fromFile(file);
    return null;
  }

  /** A new random key, hex (for `talon audit keygen` and dev setups). */
  static generateHex(): string {
    return Buffer.from(ed25519.utils.randomSecretKey()).toString("hex");
  }

  sign(note: string): string {
    return Buffer.from(ed25519.sign(Buffer.from(note, "utf8"), this.#secret)).toString("hex");
  }
}

function parseKeyBytes(text: string, where: string, what: string): Uint8Array {
  const t = text.trim();
  let bytes: Buffer | null = null;
  if (/^[0-9a-fA-F]{64}$/.test(t)) bytes = Buffer.from(t, "hex");
  else if (/^[A-Za-z0-9+/]{43}=?$/.test(t)) bytes = Buffer.from(t, "base64");
  if (!bytes || bytes.length !== 32) throw new Error(`${where}: an Ed25519 ${what} must be 32 bytes written as 64 hex characters or base64`);
  return new Uint8Array(bytes);
}

/** A public key given as hex or base64 (32 bytes), normalised to hex. */
export function parsePublicKey(text: string, where: string): string {
  return Buffer.from(parseKeyBytes(text, where, "public key")).toString("hex");
}

export function checkpointNote(store: string, seq: number, hash: string, time: number): string {
  return `talon-evidence-checkpoint/v1\n${store}\n${seq}\n${hash}\n${time}\n`;
}

export function anchorNote(store: string, firstSeq: number, prev: string, time: number, purged: number): string {
  return `talon-evidence-anchor/v1\n${store}\n${firstSeq}\n${prev}\n${time}\n${purged}\n`;
}

export function signCheckpoint(key: SigningKey, store: string, seq: number, hash: string, time: number): Checkpoint {
  return { type: "talon-checkpoint", version: 1, store, seq, hash, time, publicKey: key.publicKey, signature: key.sign(checkpointNote(store, seq, hash, time)) };
}

export function signAnchor(key: SigningKey, store: string, firstSeq: number, prev: string, time: number, purged: number): Anchor {
  return {
    type: "talon-anchor",
    version: 1,
    store,
    firstSeq,
    prev,
    time,
    purged,
    publicKey: key.publicKey,
    signature: key.sign(anchorNote(store, firstSeq, prev, time, purged)),
  };
}

function verifySignature(signature: string, note: string, publicKey: string): boolean {
  if (!/^[0-9a-f]{128}$/.test(signature) || !/^[0-9a-f]{64}$/.test(publicKey)) return false;
  try {
    return ed25519.verify(Buffer.from(signature, "hex"), Buffer.from(note, "utf8"), Buffer.from(publicKey, "hex"));
  } catch {
    return false;
  }
}

/**
 * Checks a checkpoint's shape and signature against `trusted` (hex public key). Returns what is
 * wrong, or null. Without a trusted key the checkpoint's own key is used, which proves only
 * that the checkpoint was not edited, not who made it; callers say so.
 */
export function checkpointProblem(cp: unknown, trusted: string | null): string | null {
  const c = cp as Partial<Checkpoint> | null;
  if (c === null || typeof c !== "object" || c.type !== "talon-checkpoint" || c.version !== 1) return "not a talon checkpoint (type talon-checkpoint, version 1)";
  if (typeof c.store !== "string" || !Number.isSafeInteger(c.seq) || (c.seq as number) < 0 || !(isHash(c.hash) || c.hash === undefined) || !Number.isFinite(c.time))
    return "checkpoint fields store, seq, hash, time are missing or malformed";
  if (!isHash(c.hash)) return "checkpoint hash is not 64 hex characters";
  if (typeof c.publicKey !== "string" || typeof c.signature !== "string") return "checkpoint has no publicKey or signature";
  if (trusted !== null && c.publicKey !== trusted) return `checkpoint is signed by key ${c.publicKey.slice(0, 16)}…, not the trusted key ${trusted.slice(0, 16)}…`;
  if (!verifySignature(c.signature, checkpointNote(c.store, c.seq!, c.hash, c.time!), c.publicKey)) return "checkpoint signature does not verify";
  return null;
}

export function anchorProblem(a: unknown, trusted: string | null): string | null {
  const x = a as Partial<Anchor> | null;
  if (x === null || typeof x !== "object" || x.type !== "talon-anchor" || x.version !== 1) return "not a talon anchor";
  if (typeof x.store !== "string" || !Number.isSafeInteger(x.firstSeq) || !isHash(x.prev) || !Number.isFinite(x.time) || !Number.isSafeInteger(x.purged))
    return "anchor fields are missing or malformed";
  if (typeof x.publicKey !== "string" || typeof x.signature !== "string") return "anchor has no publicKey or signature";
  if (trusted !== null && x.publicKey !== trusted) return `anchor is signed by key ${x.publicKey.slice(0, 16)}…, not the trusted key`;
  if (!verifySignature(x.signature, anchorNote(x.store, x.firstSeq!, x.prev, x.time!, x.purged!), x.publicKey)) return "anchor signature does not verify";
  return null;
}
