/** The fixed words of the language that check resolves against (LANGUAGE.md §3–§8). */

/** Tool classes, least to most dangerous. */
export const CLASSES = ["read", "write", "destructive"] as const;
/** Grant access words: a class or `all`. */
export const ACCESS = [...CLASSES, "all"] as const;
/** Detectors every bundle has without declaring them (§13). */
export const BUILTIN_DETECTORS = ["email", "phone", "card", "iban", "ipv4", "jwt", "private_key", "aws_key"] as const;
/** `validate` words of a declared detector (the runtime's `VALIDATORS` in runtime/helpers/detectors.ts). */
export const DETECTOR_VALIDATORS = ["luhn", "iban"] as const;
/** Redaction scopes; a rule without `in` covers all of them (§8.1). */
export const REDACT_SCOPES = ["args", "result", "errors", "notifications"] as const;
/** Redaction methods (§8.1). */
export const REDACT_METHODS = ["hash", "remove", "redact_full", "mask", "mask_middle", "replace", "truncate"] as const;
/** `limit … by` dimensions (§4). */
export const LIMIT_DIMENSIONS = ["caller", "vendor", "team", "tool", "ip", "agent"] as const;
/** `evidence { capture … }` kinds (§8.2). */
export const CAPTURE = ["requests", "responses", "redactions", "decisions", "approvals"] as const;

/** Roots an expression may start at anywhere (§5). */
export const ROOTS = ["args", "meta", "now", "caller", "tool", "agent"] as const;
/** Roots allowed only in `redact` and `block` (TAL0407 elsewhere). */
export const RESPONSE_ROOTS = ["result", "response"] as const;
/** Functions called without a receiver. */
export const GLOBAL_FUNCTIONS = ["has", "detect", "args_hash", "size"] as const;
/** Methods (called on a receiver). */
export const METHODS = ["size", "startsWith", "endsWith", "contains", "lower", "upper", "trim", "nfkc", "exists", "all", "hour", "weekday"] as const;
/** Quantifier methods: their first argument binds a variable. */
export const QUANTIFIERS = ["exists", "all"] as const;

/** Typed membership test for the word lists above. */
export function isOneOf<T extends string>(list: readonly T[], word: string): word is T {
  return (list as readonly string[]).includes(word);
}
