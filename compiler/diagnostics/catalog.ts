/**
 * The diagnostic catalog (LANGUAGE.md §12): every TALnnnn code with its severity and message
 * template. Templates use `{name}` placeholders filled from a diagnostic's `args`. Codes are never
 * reused; a code's docs page is `docs/diagnostics/<code>.md` (OPA practice).
 */

export type Severity = "error" | "security-warning" | "warning" | "note";

export interface CatalogEntry {
  readonly severity: Severity;
  readonly template: string;
}

const E = "error" as const;
const S = "security-warning" as const;
const W = "warning" as const;
const N = "note" as const;

export const CATALOG = {
  TAL0101: { severity: E, template: "unterminated string literal" },
  TAL0102: { severity: E, template: "invalid escape sequence `\\{c}`" },
  TAL0103: { severity: E, template: "invalid regex: {error}" },
  TAL0104: { severity: E, template: "regex feature outside RE2: {feature}" },
  TAL0105: { severity: E, template: "invalid duration `{t}`; units are ms s m h d w" },
  TAL0106: { severity: E, template: "invalid size `{t}`; use B KiB MiB GiB" },
  TAL0107: { severity: E, template: "unexpected character `{c}`" },
  TAL0108: { severity: E, template: "file must start with `talon 1` (found `{v}`)" },
  TAL0109: { severity: E, template: "bidirectional control character in source" },
  TAL0110: { severity: E, template: "number out of range (|n| > 2^53)" },
  TAL0201: { severity: E, template: "expected {expected}, found {found}" },
  TAL0202: { severity: E, template: "unknown declaration `{kw}`" },
  TAL0203: { severity: E, template: "`{clause}` set twice in `{block}`" },
  TAL0204: { severity: E, template: "`{op}` is not an operator; use `&&` `||` `!`" },
  TAL0205: { severity: E, template: "`=` in a condition; did you mean `==`?" },
  TAL0301: { severity: E, template: "unknown {kind} `{name}`" },
  TAL0302: { severity: E, template: "duplicate {kind} `{name}`" },
  TAL0303: { severity: E, template: "import cycle: {cycle}" },
  TAL0304: { severity: E, template: "import not found: `{path}`" },
  TAL0305: { severity: E, template: "unknown root or function `{name}`" },
  TAL0306: { severity: E, template: "tool `{n}` maps to two upstream tools `{u1}`, `{u2}`" },
  TAL0307: { severity: W, template: "tool name `{n}` outside the MCP name alphabet or length" },
  TAL0308: { severity: E, template: "invalid glob `{p}`: {why}" },
  TAL0401: { severity: E, template: "cannot compare {t1} with {t2}" },
  TAL0402: { severity: E, template: "`{path}` is not in the schema of `{tool}`" },
  TAL0403: { severity: W, template: "`{path}` may be absent; the condition then resolves to {outcome}; use `has()` or `??`" },
  TAL0404: { severity: E, template: "{unit} expected, found `{t}`" },
  TAL0405: { severity: E, template: "condition has type {t}, expected bool" },
  TAL0406: { severity: W, template: "condition is always {value}" },
  TAL0407: { severity: E, template: "`result`/`response` used outside `redact`/`block`" },
  TAL0408: { severity: E, template: "quantifiers nested deeper than 2" },
  TAL0409: { severity: E, template: "unknown time zone `{tz}`" },
  TAL0410: { severity: E, template: "`matches` needs a regex literal or a detector" },
  TAL0501: { severity: W, template: "rule `{id}` is ineffective: all its tools are forbidden" },
  TAL0502: { severity: W, template: "`{glob}` matches no exposed tool" },
  TAL0503: { severity: S, template: "`anyone` granted {access} on `{glob}`" },
  TAL0504: { severity: E, template: "destructive tool `{t}` reachable without `confirm` or `approve` under read_only" },
  TAL0505: { severity: W, template: "write tool `{t}` has no idempotency rule" },
  TAL0506: { severity: W, template: "agent `{a}` exposes tools but grants none; every call is denied" },
  TAL0508: { severity: E, template: "approval team `{T}` is undefined or has no approvers" },
  TAL0509: { severity: E, template: "`{scalar}` of agent `{a}` set in two sources ({s1}, {s2})" },
  TAL0510: { severity: N, template: "forbid `{p}` also matches upstream name `{u}` of `{n}`" },
  TAL0511: { severity: E, template: "`{n}` renames to forbidden upstream tool `{u}`" },
  TAL0512: { severity: S, template: "class of `{t}` taken from untrusted annotations" },
  TAL0513: { severity: E, template: "idempotency key may be unknown and has no `??` default" },
  TAL0514: { severity: E, template: "rate limit needs rate ≥ 1 and burst ≥ 1" },
  TAL0515: { severity: E, template: "model `{m}` allowed under a budget but has no `price`" },
  TAL0601: { severity: E, template: "invalid field path `{p}`" },
  TAL0602: { severity: E, template: "`{method}` needs a string at `{p}`; schema says {t}" },
  TAL0603: { severity: W, template: "`{p}` cannot occur in the output of `{tool}`" },
  TAL0604: { severity: E, template: "unknown redaction method `{m}`" },
  TAL0605: { severity: S, template: "`hash` without `redaction_key` is unkeyed SHA-256, reversible for low-entropy PII" },
  TAL0606: { severity: N, template: "`**` scans up to max_depth × max_elements nodes per message" },
  TAL0607: { severity: N, template: "rules {ids} overlap on `{p}`; `{method}` applies" },
  TAL0608: { severity: E, template: "`matching` on non-string target `{p}`" },
  TAL0701: { severity: E, template: "YAML: {message}" },
  TAL0702: { severity: E, template: "unknown key `{k}`" },
  TAL0703: { severity: E, template: "duplicate key `{k}`" },
  TAL0704: { severity: E, template: "`{k}` must be {type}, found {found}" },
  TAL0705: { severity: N, template: "YAML agent `{a}` lowered with posture read_write and `grant anyone all`" },
  TAL0706: { severity: N, template: "`audit_retention: {n}` read as {n} days" },
  TAL0707: { severity: N, template: "`conditions` of `{tool}` joined with `||` (any one triggers oversight)" },
  TAL0708: { severity: E, template: "`{v}` is a string in YAML 1.2; write true/false" },
  TAL0709: { severity: E, template: "YAML alias expansion limit exceeded" },
  TAL0801: { severity: E, template: "test `{name}`: expected {want}, got {got} (determining: {ids})" },
  TAL0802: { severity: E, template: "test `{name}` names unknown {kind} `{x}`" },
  TAL0803: { severity: W, template: "rule `{id}` never determining in any test" },
  TAL0804: { severity: E, template: "test `{name}`: `{p}` not redacted with `{method}` (got {got})" },
  TAL0901: { severity: E, template: "expression exceeds {n} nodes / depth {d}" },
  TAL0902: { severity: E, template: "worst-case cost {c} exceeds budget {b}" },
  TAL0903: { severity: N, template: "regex at {span} not provably backtracking-safe; using the linear-time engine" },
  TAL0904: { severity: E, template: "list literal longer than 4096 items" },
  TAL1001: { severity: E, template: "literal secret in source; use env(), file() or sha256()" },
  TAL1002: { severity: S, template: "upstream auth passes the client's token through (MCP anti-pattern)" },
  TAL1003: { severity: S, template: "gdpr: audit_retention {n}d exceeds 3y without `@justification`" },
  TAL1004: { severity: E, template: "nis2: evidence must capture requests and decisions" },
  TAL1005: { severity: S, template: "agent `{a}` accepts unauthenticated clients" },
  TAL1006: { severity: S, template: "gdpr: `blobs pass` lets uninspected binary content through" },
  TAL1007: { severity: S, template: "root `{r}` maps to `/` or a home directory" },
  // Codes added by this project (not in the LANGUAGE.md table); each says why it exists.
  /** A feature is declared and carried in the IR, but this runtime does not enforce it yet. */
  TAL1101: { severity: N, template: "{feature} is carried in the bundle but not enforced by this runtime yet{detail}" },
  /** A file or directory given on the command line could not be read. */
  TAL1102: { severity: E, template: "cannot read `{path}`: {reason}" },
  /** Nothing to compile. */
  TAL1103: { severity: E, template: "no `*.talon` or `*.talon.yaml` files in `{dir}`" },
  /**
   * Seed YAML's `human_oversight` implies a team `approvers` that the YAML cannot declare; the seed
   * must compile as written, and an approval nobody can give denies, so this is a warning there.
   */
  TAL1104: { severity: W, template: "approval team `{T}` is not declared; calls this oversight rule applies to are denied until it is" },
  /** `talonc convert`: the YAML holds something `.talon` cannot spell so that the IR stays identical. */
  TAL1120: { severity: E, template: "cannot convert to .talon: {why}" },
  /** `talonc convert` self-check: the printed `.talon` does not compile to the YAML's canonical IR (a converter bug). */
  TAL1121: { severity: E, template: "converted .talon does not reproduce the YAML's IR: {why}" },
} as const satisfies Record<string, CatalogEntry>;

export type Code = keyof typeof CATALOG;

/** Fill a template's `{name}` placeholders; unknown names stay visible so a bug shows in output. */
export function formatMessage(code: Code, args: Readonly<Record<string, string | number>>): string {
  return CATALOG[code].template.replace(/\{(\w+)\}/g, (m, k: string) => (k in args ? String(args[k]) : m));
}
