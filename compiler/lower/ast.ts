/**
 * The AST: where the two front ends meet. `grammar/` + `cst-to-ast.ts` produce it from `.talon`
 * text; `config/` + `yaml-to-ast.ts` produce it from the seed's vendor YAML. Every node carries the
 * span of the text it came from (a `.talon` span or a YAML line:col), so `check` can point at
 * either. Nothing here is resolved: names are strings, tool refs are as written, expressions are
 * trees. `check` resolves and lowers to the IR.
 *
 * Shape rules: discriminated unions on `kind`; optional clauses are `undefined` when absent (the
 * AST says what was written, defaults are applied in `check`); lists keep source order.
 */
import type { Span } from "../source/source.js";

export interface Node {
  readonly span: Span;
}

/** A string as written (after unescaping), with the span of the literal. */
export interface Str extends Node {
  readonly value: string;
}

/** An identifier (keyword-free name), with its span. */
export interface Ident extends Node {
  readonly name: string;
}

/** `@id("…")`, `@reason("…")`, `@justification("…")`. */
export interface Annotation extends Node {
  readonly name: string;
  readonly value: string;
}

/** `env("VAR")`, `file("path")`, `sha256("hex")`. YAML `${VAR}` lowers to `env`. */
export interface SecretRef extends Node {
  readonly kind: "env" | "file" | "sha256";
  readonly value: string;
}

/** A duration in milliseconds, with the text as written (`15m`, `1h30m`, YAML `365` days). */
export interface Duration extends Node {
  readonly ms: number;
  readonly text: string;
}

/** A size in bytes (`4MiB`). */
export interface Size extends Node {
  readonly bytes: number;
  readonly text: string;
}

/** A tool reference: an exact name (identifier or string) or a glob (a string containing `*`). */
export interface ToolRef extends Node {
  readonly name: string;
}

// ─── Files and declarations ────────────────────────────────────────────────────────────────────

export interface FileAst extends Node {
  readonly kind: "file";
  /** Display path of the source file. */
  readonly path: string;
  /** Which front end produced it. */
  readonly origin: "talon" | "yaml";
  readonly version: number;
  readonly imports: readonly Str[];
  readonly decls: readonly Decl[];
}

export type Decl = ConstDecl | SecretDecl | DetectorDecl | TeamDecl | PrincipalDecl | AgentDecl | TestDecl;

export interface ConstDecl extends Node {
  readonly kind: "const";
  readonly annotations: readonly Annotation[];
  readonly name: Ident;
  readonly value: Expr;
}

export interface SecretDecl extends Node {
  readonly kind: "secret";
  readonly annotations: readonly Annotation[];
  readonly name: Ident;
  readonly ref: SecretRef;
}

export interface DetectorDecl extends Node {
  readonly kind: "detector";
  readonly annotations: readonly Annotation[];
  readonly name: Ident;
  readonly patterns: readonly RegexLit[];
  readonly validators: readonly Ident[];
}

export interface TeamDecl extends Node {
  readonly kind: "team";
  readonly annotations: readonly Annotation[];
  readonly name: Ident;
  readonly members: readonly Str[];
  readonly approvers: readonly Str[];
  readonly claims: readonly { readonly key: Str; readonly value: Str; readonly span: Span }[];
}

/** `vendor "id" { … }` or `caller "id" { … }` (seed `proxy.auth.tokens[]`). */
export interface PrincipalDecl extends Node {
  readonly kind: "principal";
  readonly annotations: readonly Annotation[];
  readonly principalKind: "vendor" | "caller";
  readonly id: Str;
  readonly token: SecretRef | undefined;
  readonly oidcSub: Str | undefined;
  /** The boundary (seed `allowed_tools`); undefined = no boundary clause written. */
  readonly tools: readonly ToolRef[] | undefined;
  readonly teams: readonly Ident[];
  readonly attrs: ObjectExpr | undefined;
  /** A literal secret where a reference belongs (YAML `token: "abc"`): kept so check can say TAL1001. */
  readonly literalToken?: Str;
}

export interface AgentDecl extends Node {
  readonly kind: "agent";
  readonly annotations: readonly Annotation[];
  readonly name: Str;
  readonly items: readonly AgentItem[];
}

// ─── Agent items ───────────────────────────────────────────────────────────────────────────────

export type AgentItem =
  | ModeItem
  | UpstreamItem
  | UpstreamAuthItem
  | AuthItem
  | PostureItem
  | FlagItem
  | CatalogItem
  | BlobsItem
  | AllowMethodItem
  | LimitsItem
  | ComplianceItem
  | EvidenceItem
  | TlsItem
  | ToolItem
  | RootItem
  | PathDenyItem
  | Rule
  | TestDecl;

export interface ModeItem extends Node {
  readonly kind: "mode";
  readonly value: "intercept" | "passthrough" | "shadow";
}

/**
 * `upstream "https://…" [vendor "label"]` | `upstream stdio ["cmd", …]` | `upstream unix "…"`.
 * `vendor` is the upstream's label for metrics (seed `proxy.upstream.vendor`); this project's
 * addition to §10 so that the YAML key has a `.talon` twin.
 */
export type UpstreamItem =
  | (Node & { readonly kind: "upstream"; readonly transport: "http"; readonly url: Str; readonly vendor: Str | undefined })
  | (Node & { readonly kind: "upstream"; readonly transport: "stdio"; readonly argv: readonly Str[]; readonly vendor: Str | undefined })
  | (Node & { readonly kind: "upstream"; readonly transport: "unix"; readonly path: Str; readonly vendor: Str | undefined });

/** `upstream_auth bearer env(..) [header "X-Api-Key"]` | `upstream_auth passthrough [header "…"]`. */
export interface UpstreamAuthItem extends Node {
  readonly kind: "upstream_auth";
  readonly scheme: "bearer" | "passthrough";
  readonly secret: SecretRef | undefined;
  readonly header: Str | undefined;
}

/** `auth bearer` | `auth none` | `auth oidc issuer "…" audience "…"`. */
export interface AuthItem extends Node {
  readonly kind: "auth";
  readonly scheme: "bearer" | "none" | "oidc";
  readonly issuer: Str | undefined;
  readonly audience: Str | undefined;
}

export interface PostureItem extends Node {
  readonly kind: "posture";
  readonly value: "read_only" | "read_write";
}

/** Boolean agent settings: `trust_annotations true`, `require_listed false`, `realpath_check true`. */
export interface FlagItem extends Node {
  readonly kind: "flag";
  readonly name: "trust_annotations" | "require_listed" | "realpath_check";
  readonly value: boolean;
}

export interface CatalogItem extends Node {
  readonly kind: "catalog";
  readonly path: Str;
  readonly strict: boolean;
}

export interface BlobsItem extends Node {
  readonly kind: "blobs";
  readonly value: "pass" | "drop" | "block";
}

export interface AllowMethodItem extends Node {
  readonly kind: "allow_method";
  readonly methods: readonly Str[];
}

export interface LimitsItem extends Node {
  readonly kind: "limits";
  readonly entries: readonly { readonly name: Ident; readonly value: number; readonly text: string; readonly span: Span }[];
}

export interface ComplianceItem extends Node {
  readonly kind: "compliance";
  /** `@justification("…")` written before the block (TAL1003); absent from YAML. */
  readonly annotations?: readonly Annotation[];
  readonly frameworks: readonly Ident[];
  readonly auditRetention: Duration | undefined;
}

export interface EvidenceItem extends Node {
  readonly kind: "evidence";
  readonly capture: readonly Ident[];
  readonly sink: Str | undefined;
}

/** `tls { cert "…" key "…" client_ca "…" verify_client true }` (seed `proxy.tls`, carried verbatim). */
export interface TlsItem extends Node {
  readonly kind: "tls";
  readonly entries: readonly { readonly name: Ident; readonly value: Str | boolean; readonly span: Span }[];
}

/** `tool a, "b_*" [-> "upstream"] [{ class read  path args.p  schema "f.json" }]`. */
export interface ToolItem extends Node {
  readonly kind: "tool";
  readonly annotations: readonly Annotation[];
  readonly refs: readonly ToolRef[];
  readonly upstream: Str | undefined;
  readonly toolClass: Ident | undefined;
  readonly paths: readonly FieldPath[];
  readonly schema: Str | undefined;
}

export interface RootItem extends Node {
  readonly kind: "root";
  readonly name: Ident;
  readonly path: Str;
  readonly access: "read" | "read_write";
}

export interface PathDenyItem extends Node {
  readonly kind: "path_deny";
  readonly globs: readonly Str[];
}

// ─── Rules (§4) ────────────────────────────────────────────────────────────────────────────────

/** `tool <refs>` or `class <classes>`. */
export type Targets =
  | (Node & { readonly kind: "tools"; readonly refs: readonly ToolRef[] })
  | (Node & { readonly kind: "classes"; readonly classes: readonly Ident[] });

/** `when e` or `unless e` (`unless e` is `when !e`, kept apart for printing). */
export interface Cond extends Node {
  readonly negated: boolean;
  readonly expr: Expr;
}

export type Who =
  | (Node & { readonly kind: "principal"; readonly principalKind: "vendor" | "caller"; readonly id: Str })
  | (Node & { readonly kind: "team"; readonly team: Ident })
  | (Node & { readonly kind: "anyone" });

interface RuleBase extends Node {
  readonly annotations: readonly Annotation[];
}

export interface ForbidRule extends RuleBase {
  readonly kind: "forbid";
  readonly targets: Targets;
  readonly cond: Cond | undefined;
}

export interface GrantRule extends RuleBase {
  readonly kind: "grant";
  readonly who: Who;
  /** Classes or `all`, as identifiers. */
  readonly access: readonly Ident[];
  readonly on: readonly ToolRef[];
  readonly cond: Cond | undefined;
}

export interface ApproveRule extends RuleBase {
  readonly kind: "approve";
  readonly targets: Targets;
  readonly cond: Cond | undefined;
  readonly team: Ident;
  readonly timeout: Duration | undefined;
  readonly onTimeout: "deny" | undefined;
  readonly quorum: number | undefined;
  readonly wait: "hold" | "defer" | undefined;
}

export interface ConfirmRule extends RuleBase {
  readonly kind: "confirm";
  readonly targets: Targets;
  readonly cond: Cond | undefined;
  readonly via: "elicitation" | "token" | "elicitation_or_token" | undefined;
}

export interface LimitRule extends RuleBase {
  readonly kind: "limit";
  readonly rate: number;
  readonly per: Duration;
  readonly burst: number | undefined;
  readonly by: readonly Ident[];
  readonly on: Targets | undefined;
  /** `limit vendor "id" rate …` (YAML `rate_limits[].vendor`): the limit applies only to this principal. */
  readonly principal?: Str;
}

export interface IdempotentRule extends RuleBase {
  readonly kind: "idempotent";
  readonly targets: Targets;
  readonly key: readonly Expr[];
  readonly window: Duration;
  readonly onDuplicate: "replay" | "reject" | undefined;
}

export interface RedactRule extends RuleBase {
  readonly kind: "redact";
  readonly paths: readonly FieldPath[];
  readonly matching: readonly (RegexLit | Ident)[];
  readonly method: Method;
  readonly scopes: readonly Ident[];
  readonly on: Targets | undefined;
  readonly cond: Cond | undefined;
}

export interface BlockRule extends RuleBase {
  readonly kind: "block";
  readonly on: Targets | undefined;
  readonly cond: Cond;
}

export type Rule = ForbidRule | GrantRule | ApproveRule | ConfirmRule | LimitRule | IdempotentRule | RedactRule | BlockRule;

/** `hash`, `mask("X")`, `mask_middle(3, 3, "X")`, `truncate(20)`, … */
export interface Method extends Node {
  readonly name: Ident;
  readonly args: readonly Literal[];
}

/** A field path (§8.1): `requester.email`, `tickets[*].requester.email`, `**.token`, `["a b"]`. */
export interface FieldPath extends Node {
  readonly segments: readonly PathSegment[];
  /** The path as written, for messages and ids. */
  readonly text: string;
}

export type PathSegment =
  | { readonly kind: "key"; readonly key: string }
  | { readonly kind: "index"; readonly index: number }
  | { readonly kind: "elements" } // [*]
  | { readonly kind: "members" } // *
  | { readonly kind: "descendants" }; // **

// ─── Tests (§11) ───────────────────────────────────────────────────────────────────────────────

export interface TestDecl extends Node {
  readonly kind: "test";
  readonly name: Str;
  /** `on "agent"` when declared at top level. */
  readonly on: Str | undefined;
  readonly stmts: readonly TestStmt[];
}

export type TestStmt =
  | (Node & { readonly kind: "call"; readonly tool: ToolRef; readonly as: Str; readonly with: ObjectExpr | undefined; readonly meta: ObjectExpr | undefined })
  | (Node & { readonly kind: "chat"; readonly model: Str; readonly as: Str; readonly with: ObjectExpr | undefined })
  | (Node & { readonly kind: "at"; readonly time: Str })
  | (Node & { readonly kind: "confirmed" })
  | (Node & { readonly kind: "approved" })
  | (Node & { readonly kind: "returns"; readonly form: "object" | "error" | "text"; readonly value: ObjectExpr | Str })
  | (Node & { readonly kind: "expect_verdicts"; readonly verdicts: readonly Verdict[] })
  | (Node & { readonly kind: "expect_redacted"; readonly path: FieldPath; readonly method: Ident })
  | (Node & { readonly kind: "expect_expr"; readonly expr: Expr });

export interface Verdict extends Node {
  readonly verdict: "allow" | "deny" | "approval" | "confirm" | "rate_limited" | "blocked" | "duplicate";
  /** `by "id"`, `by default`, `by team T`. */
  readonly by:
    | { readonly kind: "rule"; readonly id: Str }
    | { readonly kind: "default"; readonly span: Span }
    | { readonly kind: "team"; readonly team: Ident }
    | undefined;
}

// ─── Expressions (§5) ──────────────────────────────────────────────────────────────────────────

export type Expr =
  | Literal
  | RegexLit
  | PathExpr
  | ListExpr
  | ObjectExpr
  | UnaryExpr
  | BinaryExpr
  | InRangeExpr
  | CallExpr;

/** JSON scalars plus typed values. */
export type Literal =
  | (Node & { readonly kind: "null" })
  | (Node & { readonly kind: "bool"; readonly value: boolean })
  | (Node & { readonly kind: "number"; readonly value: number; readonly text: string })
  | (Node & { readonly kind: "string"; readonly value: string })
  | (Node & { readonly kind: "duration"; readonly ms: number; readonly text: string })
  | (Node & { readonly kind: "size"; readonly bytes: number; readonly text: string })
  | (Node & { readonly kind: "money"; readonly micros: number; readonly currency: string; readonly text: string });

/** `/body/flags`. */
export interface RegexLit extends Node {
  readonly kind: "regex";
  readonly source: string;
  readonly flags: string;
}

/**
 * A name followed by member and index accesses: `args.tickets[0].id`, `caller.id`, `control_plane`.
 * `root` is the leading identifier (resolved in check: a root, a const or a detector).
 */
export interface PathExpr extends Node {
  readonly kind: "path";
  readonly root: Ident;
  readonly steps: readonly PathStep[];
}

export type PathStep =
  | { readonly kind: "member"; readonly name: string; readonly span: Span }
  | { readonly kind: "index"; readonly index: Expr; readonly span: Span };

export interface ListExpr extends Node {
  readonly kind: "list";
  readonly items: readonly Expr[];
}

export interface ObjectExpr extends Node {
  readonly kind: "object";
  readonly entries: readonly { readonly key: string; readonly keySpan: Span; readonly value: Expr }[];
}

export interface UnaryExpr extends Node {
  readonly kind: "unary";
  readonly op: "!" | "-";
  readonly operand: Expr;
}

export type BinaryOp = "||" | "&&" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "matches" | "??" | "+" | "-" | "*";

export interface BinaryExpr extends Node {
  readonly kind: "binary";
  readonly op: BinaryOp;
  readonly left: Expr;
  readonly right: Expr;
}

/** `x in 8..18` (inclusive range). */
export interface InRangeExpr extends Node {
  readonly kind: "in_range";
  readonly value: Expr;
  readonly low: Literal;
  readonly high: Literal;
}

/**
 * A call: `has(args.x)`, `detect(response, jwt)`, `args_hash()` (callee is a bare name, `target`
 * undefined) or a method call `args.tags.exists(t, t == "x")`, `now.hour("Europe/Madrid")`
 * (`target` is the receiver).
 */
export interface CallExpr extends Node {
  readonly kind: "call";
  readonly target: Expr | undefined;
  readonly callee: Ident;
  readonly args: readonly Expr[];
}
