/**
 * The reserved words of `.talon` (LANGUAGE.md §10). Every fixed word of the grammar is a keyword
 * token; identifiers are what is left. Keywords stay usable wherever the grammar asks for a *name*
 * (after `.`, object keys, field-path segments, team/root names, tool names, id lists): those
 * positions consume the `Name` category, which every keyword belongs to.
 *
 * Words that only ever appear where a name is read (redaction methods `hash`/`mask`, scopes,
 * frameworks, capture kinds, limit entry names) are deliberately *not* keywords: `check` validates
 * them with "did you mean" help (TAL0604 and friends), which a parser error could not give.
 */

/** Every keyword, in no particular order (the lexer sorts them longest first). */
export const KEYWORD_WORDS = [
  // file structure and declarations
  "talon", "import", "const", "secret", "detector", "team", "vendor", "caller", "agent", "gateway", "test",
  "env", "file", "sha256", "pattern", "validate", "members", "approvers", "claim",
  "token", "oidc", "sub", "tools", "teams", "attrs",
  // agent items
  "mode", "intercept", "passthrough", "shadow", "upstream", "stdio", "unix", "upstream_auth", "bearer", "header",
  "auth", "none", "issuer", "audience", "posture", "read_only", "read_write", "trust_annotations",
  "require_listed", "realpath_check", "catalog", "strict", "blobs", "pass", "drop", "block", "allow", "method",
  "limits", "compliance", "frameworks", "audit_retention", "evidence", "capture", "sink", "tls",
  "tool", "class", "path", "schema", "root", "access", "read", "write", "destructive", "deny",
  // rules
  "forbid", "grant", "approve", "confirm", "limit", "idempotent", "redact", "when", "unless", "by", "on",
  "anyone", "timeout", "on_timeout", "quorum", "hold", "defer", "via", "elicitation", "elicitation_or_token",
  "rate", "per", "burst", "key", "window", "on_duplicate", "replay", "reject", "matching", "with", "in",
  "response",
  // tests
  "call", "as", "meta", "chat", "at", "confirmed", "approved", "returns", "error", "text", "expect", "redacted",
  "approval", "rate_limited", "blocked", "duplicate", "default",
  // expressions
  "true", "false", "null", "matches",
  // reserved so that `and`/`or`/`not` get TAL0204 instead of a confusing syntax error
  "and", "or", "not",
] as const;

export type KeywordWord = (typeof KEYWORD_WORDS)[number];

/**
 * Keywords that may also start an expression path (LANGUAGE.md §5 roots): `caller.id`,
 * `tool.name`, `agent.name`, `meta["talon/confirm"]`, `response.content[0]`.
 */
export const ROOT_KEYWORDS: readonly KeywordWord[] = ["caller", "tool", "agent", "meta", "response"];

/** Keywords that start a top-level declaration (used for error recovery and "did you mean"). */
export const DECLARATION_WORDS: readonly KeywordWord[] = [
  "const", "secret", "detector", "team", "vendor", "caller", "agent", "gateway", "test",
];

/** Keywords that start an agent item or rule (for "did you mean" and misplaced-item help). */
export const AGENT_ITEM_WORDS: readonly KeywordWord[] = [
  "mode", "upstream", "upstream_auth", "auth", "posture", "trust_annotations", "require_listed", "realpath_check",
  "catalog", "blobs", "allow", "limits", "compliance", "evidence", "tls", "tool", "root", "deny",
  "forbid", "grant", "approve", "confirm", "limit", "idempotent", "redact", "block", "test",
];

/** `read_write` → `ReadWrite`: the token name Chevrotain uses as the CST child key. */
export function keywordTokenName(word: string): string {
  return word
    .split("_")
    .map((p) => (p === "" ? "" : p[0]!.toUpperCase() + p.slice(1)))
    .join("")
    .replace(/^(\d)/, "K$1");
}
