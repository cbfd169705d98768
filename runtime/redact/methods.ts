/**
 * Redaction methods (LANGUAGE.md §8.1): what happens to a whole value or to matched spans of a
 * string. Pure functions; the walker decides where they apply and which one wins.
 */
import { createHash, createHmac } from "node:crypto";
import { canonicalJson } from "../helpers/canonical-json.js";

/** Method names the runtime knows (the compiler's TAL0604 vocabulary). */
export type RedactMethodName = "hash" | "remove" | "redact_full" | "replace" | "mask" | "mask_middle" | "truncate";

/** A method as compiled into the bundle: name plus literal arguments. */
export interface RedactMethod {
  readonly name: string;
  readonly args: readonly (string | number | boolean | null)[];
}

/** Composition order: the strongest method wins (§8.1); span masks rank below all whole-value methods. */
export const METHOD_STRENGTH: Readonly<Record<string, number>> = Object.freeze({
  remove: 7,
  redact_full: 6,
  replace: 6,
  hash: 5,
  mask: 4,
  mask_middle: 3,
  truncate: 2,
});

/** Returned by `applyWhole` for `remove`: the key or element is deleted. */
export const REMOVED: unique symbol = Symbol("removed");

const ALNUM = /[\p{L}\p{N}]/u;

function maskChar(m: RedactMethod): string {
  const s = m.args.find((a): a is string => typeof a === "string");
  return s === undefined ? "X" : s;
}

/** `mask("X")`: every letter or digit becomes the mask character; separators keep the shape. */
export function mask(s: string, ch = "X"): string {
  let out = "";
  for (const c of s) out += ALNUM.test(c) ? ch : c;
  return out;
}

/** `mask_middle(a, b, "X")`: keep the first `a` and last `b` letters/digits, mask the others. */
export function maskMiddle(s: string, keepFirst = 3, keepLast = 3, ch = "X"): string {
  const chars = [...s];
  const total = chars.reduce((n, c) => n + (ALNUM.test(c) ? 1 : 0), 0);
  let seen = 0;
  let out = "";
  for (const c of chars) {
    if (!ALNUM.test(c)) { out += c; continue; }
    out += seen < keepFirst || seen >= total - keepLast ? c : ch;
    seen += 1;
  }
  return out;
}

/** `truncate(n)`: the first n code points plus `…` (unchanged when not longer). */
export function truncate(s: string, n: number): string {
  const cps = [...s];
  return cps.length <= n ? s : cps.slice(0, n).join("") + "\u2026";
}

/** `hash`: `sha256:` + 64 hex digits of HMAC-SHA256(key, canonical JSON), or plain SHA-256 without a key. */
export function hashValue(value: unknown, key: string | null): string {
  let text: string;
  try {
    text = canonicalJson(value);
  } catch {
    // Only a value nested deeper than the stack allows gets here; never throw on hostile input.
    text = '"[unhashable]"';
  }
  const h = key === null ? createHash("sha256") : createHmac("sha256", key);
  return "sha256:" + h.update(text, "utf8").digest("hex");
}

function numArg(m: RedactMethod, i: number, dflt: number): number {
  const nums = m.args.filter((a): a is number => typeof a === "number");
  const v = nums[i];
  return v === undefined || !Number.isFinite(v) || v < 0 ? dflt : Math.floor(v);
}

/**
 * Apply `m` to a whole value. Returns the new value, `REMOVED`, or `undefined` when the method
 * does not apply (mask* on a non-string: a runtime no-op, TAL0602 at check).
 */
export function applyWhole(m: RedactMethod, value: unknown, key: string | null): unknown {
  switch (m.name) {
    case "remove":
      return REMOVED;
    case "redact_full":
      return "[REDACTED]";
    case "replace":
      return typeof m.args[0] === "string" ? m.args[0] : "[REDACTED]";
    case "hash":
      return hashValue(value, key);
    case "mask":
      return typeof value === "string" ? mask(value, maskChar(m)) : undefined;
    case "mask_middle":
      return typeof value === "string" ? maskMiddle(value, numArg(m, 0, 3), numArg(m, 1, 3), maskChar(m)) : undefined;
    case "truncate":
      return typeof value === "string" ? truncate(value, numArg(m, 0, 20)) : undefined;
    default:
      // Unknown methods never reach a bundle (TAL0604); if one did, fail closed.
      return "[REDACTED]";
  }
}

/** Apply `m` to one matched span's text (`remove` deletes the span). */
export function applySpan(m: RedactMethod, text: string, key: string | null): string {
  if (m.name === "remove") return "";
  const v = applyWhole(m, text, key);
  return typeof v === "string" ? v : "[REDACTED]";
}
