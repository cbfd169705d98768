/**
 * Step 6 of §7.1, the keying half: which `idempotent` rule applies to a call and under what key.
 * The key is always scoped by (caller, agent, upstream tool); its last part is, in order of
 * preference, the rule's `key e, …` values, the client's `_meta["talon/idempotency-key"]`, or
 * args_hash() (SHA-256 of the RFC 8785 JSON of the arguments). Keys are stored as SHA-256 hex, so
 * their size does not depend on the client.
 */
import { createHash } from "node:crypto";
import type { CompiledAgent, IdempotencySpec } from "../hooks.js";
import { canonicalJson } from "../helpers/canonical-json.js";
import type { CallFacts } from "./facts.js";
import { TargetMemo } from "./targets.js";

export const IDEMPOTENCY_META_KEY = "talon/idempotency-key";

export type IdempotencyKey =
  | { readonly kind: "key"; readonly spec: IdempotencySpec; readonly key: string; readonly argsHash: string }
  /** A `key` expression is unknown for this call: the call is denied (§5). */
  | { readonly kind: "unknown"; readonly spec: IdempotencySpec };

const memos = new WeakMap<CompiledAgent, TargetMemo<IdempotencySpec>>();

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");

/** args_hash(): the arguments' canonical JSON, hashed (absent arguments hash as `{}`). */
export function argsHash(args: unknown): string {
  return sha256(canonicalJson(args ?? {}));
}

/** The idempotency key of a call, or null when no `idempotent` rule applies. The first rule by id wins. */
export function idempotencyKey(agent: CompiledAgent, f: CallFacts): IdempotencyKey | null {
  let memo = memos.get(agent);
  if (!memo) {
    memo = new TargetMemo(agent.idempotency ?? [], (s) => s.on);
    memos.set(agent, memo);
  }
  const spec = memo.applicable(f.tool, f.upstream, f.cls)[0];
  if (spec === undefined) return null;
  const hash = argsHash(f.args);
  let part: unknown;
  if (spec.key !== null) {
    const values = spec.key(f.principal, f.args, f.meta, f.now, f.tool, f.upstream, f.cls);
    if (values === null) return { kind: "unknown", spec };
    part = ["key", values];
  } else {
    const fromMeta = metaKey(f.meta);
    part = fromMeta !== undefined ? ["meta", fromMeta] : ["args", hash];
  }
  const key = sha256(canonicalJson([f.principal.kind, f.principal.id, f.agent, f.upstream, part]));
  return { kind: "key", spec, key, argsHash: hash };
}

function metaKey(meta: unknown): string | undefined {
  if (meta === null || typeof meta !== "object" || Array.isArray(meta)) return undefined;
  const v = (meta as Record<string, unknown>)[IDEMPOTENCY_META_KEY];
  return typeof v === "string" && v.length > 0 && v.length <= 256 ? v : undefined;
}
