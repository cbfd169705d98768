/**
 * The IR: checked, resolved, JSON-serializable. Both front ends reach it through `check`; the
 * emitter and the reference interpreter read only this. Spans are kept as `file:line:col` strings
 * (`at`) so the IR stays plain data; `canonicalIr` drops them (and sorts), which is what
 * `talonc ir --canonical` prints and what the YAML/.talon equivalence test compares.
 *
 * Resolution done before this point: principals and teams by name, defaults (mode intercept,
 * posture read_only), rule ids (explicit `@id` or `<agent>.<kind>.<hash of canonical rule>`),
 * YAML args-scope conditions (`priority` → `args.priority`), durations in ms.
 *
 * Additions by the back end (beyond the first skeleton): `detectors`, team `claims`, principal
 * `attrs`, the agent settings that have no runtime contract yet (`auth`, `trustAnnotations`,
 * `requireListed`, `realpathCheck`, `blobs`, `allowMethods`, `limits`, `catalog`, `roots`,
 * `denyPaths`), tool `paths`/`schema`, and the `detector` expression. They are carried so that no
 * declaration is dropped silently; `check` notes (TAL1101) each one the runtime does not enforce.
 */

export type ToolClass = "read" | "write" | "destructive";

export interface BundleIR {
  readonly version: 1;
  readonly principals: readonly PrincipalIR[];
  readonly teams: readonly TeamIR[];
  readonly secrets: readonly { readonly name: string; readonly ref: SecretRefIR; readonly at: string }[];
  readonly agents: readonly AgentIR[];
  /** User-declared detectors (§5); built-in detector names need no declaration. */
  readonly detectors: readonly DetectorIR[];
  /**
   * `test` blocks (§11), sorted by agent then name. Not policy: `canonicalIr` and the bundle hash
   * leave them out (`policyOf`), so editing a test never changes what evidence records name.
   */
  readonly tests: readonly TestIR[];
}

export interface DetectorIR {
  readonly name: string;
  readonly patterns: readonly { readonly source: string; readonly flags: string }[];
  readonly validators: readonly string[];
  readonly at: string;
}

export interface SecretRefIR {
  readonly kind: "env" | "file" | "sha256";
  readonly value: string;
}

export interface PrincipalIR {
  readonly id: string;
  readonly kind: "vendor" | "caller";
  readonly token: SecretRefIR | null;
  readonly oidcSub: string | null;
  /** Boundary globs (seed `allowed_tools`); null = no boundary. */
  readonly tools: readonly string[] | null;
  readonly teams: readonly string[];
  /** `attrs { … }` lowered as an object expression; null when absent. */
  readonly attrs: ExprIR | null;
  readonly at: string;
}

export interface TeamIR {
  readonly name: string;
  readonly members: readonly string[];
  readonly approvers: readonly string[];
  /** Claim-based membership (`claim "groups" = "sre"`). */
  readonly claims: readonly { readonly key: string; readonly value: string }[];
  readonly at: string;
}

export type UpstreamIR =
  | { readonly transport: "http"; readonly url: string; readonly vendor: string | null }
  | { readonly transport: "stdio"; readonly argv: readonly string[]; readonly vendor: string | null }
  | { readonly transport: "unix"; readonly path: string; readonly vendor: string | null };

export interface AgentIR {
  readonly name: string;
  readonly mode: "intercept" | "passthrough" | "shadow";
  readonly posture: "read_only" | "read_write";
  readonly upstream: UpstreamIR;
  readonly upstreamAuth: { readonly scheme: "bearer" | "passthrough"; readonly header: string; readonly secret: SecretRefIR | null } | null;
  readonly tools: readonly ToolIR[];
  readonly rules: readonly RuleIR[];
  readonly compliance: { readonly frameworks: readonly string[]; readonly auditRetentionDays: number | null } | null;
  readonly evidence: { readonly capture: readonly string[]; readonly sink: string | null } | null;
  readonly tls: Readonly<Record<string, string | boolean>> | null;
  /** Client authentication scheme (`auth …`); null = not written. */
  readonly auth: { readonly scheme: "bearer" | "none" | "oidc"; readonly issuer: string | null; readonly audience: string | null } | null;
  /** `trust_annotations` (default false). */
  readonly trustAnnotations: boolean;
  /** `require_listed` (default true). */
  readonly requireListed: boolean;
  /** `realpath_check` (default false). */
  readonly realpathCheck: boolean;
  /** `blobs pass|drop|block`; null = not written. */
  readonly blobs: "pass" | "drop" | "block" | null;
  /** Extra MCP methods let through (`allow method …`). */
  readonly allowMethods: readonly string[];
  /** `limits { max_message 4MiB … }`, sizes in bytes. */
  readonly limits: Readonly<Record<string, number>>;
  readonly catalog: { readonly path: string; readonly strict: boolean } | null;
  readonly roots: readonly { readonly name: string; readonly path: string; readonly access: "read" | "read_write"; readonly at: string }[];
  readonly denyPaths: readonly string[];
  readonly at: string;
}

/** An exposure: a client name or glob, its upstream name (rename) and class. */
export interface ToolIR {
  /** Client tool name, or a glob when `glob` is true. */
  readonly name: string;
  readonly glob: boolean;
  /** Upstream name when renamed; null = same as the client name. */
  readonly upstream: string | null;
  /** Declared class; null = not declared (destructive unless annotations are trusted, §3). */
  readonly class: ToolClass | null;
  /** Path arguments (§8.4), as written (`args.path`). */
  readonly paths: readonly string[];
  /** Input schema file, as written; null when absent. */
  readonly schema: string | null;
  readonly at: string;
}

/** `tool <refs>` or `class <classes>`; refs are exact names or globs (containing `*`). */
export type TargetsIR =
  | { readonly kind: "tools"; readonly refs: readonly string[] }
  | { readonly kind: "classes"; readonly classes: readonly ToolClass[] };

export type WhoIR =
  | { readonly kind: "principal"; readonly principalKind: "vendor" | "caller"; readonly id: string }
  | { readonly kind: "team"; readonly team: string }
  | { readonly kind: "anyone" };

interface RuleBase {
  readonly id: string;
  /** Client-visible deny text from `@reason`, or null. */
  readonly reason: string | null;
  readonly at: string;
}

export type RuleIR =
  | (RuleBase & { readonly kind: "forbid"; readonly targets: TargetsIR; readonly when: ExprIR | null })
  | (RuleBase & { readonly kind: "grant"; readonly who: WhoIR; readonly access: readonly (ToolClass | "all")[]; readonly on: readonly string[]; readonly when: ExprIR | null })
  | (RuleBase & {
      readonly kind: "approve";
      readonly targets: TargetsIR;
      readonly when: ExprIR | null;
      readonly team: string;
      readonly timeoutMs: number | null;
      readonly quorum: number;
      readonly wait: "hold" | "defer";
    })
  | (RuleBase & { readonly kind: "confirm"; readonly targets: TargetsIR; readonly when: ExprIR | null; readonly via: "elicitation" | "token" | "elicitation_or_token" })
  | (RuleBase & {
      readonly kind: "limit";
      readonly rate: number;
      readonly perMs: number;
      readonly burst: number;
      readonly by: readonly string[];
      readonly on: TargetsIR | null;
      readonly principal: string | null;
    })
  | (RuleBase & { readonly kind: "idempotent"; readonly targets: TargetsIR; readonly key: readonly ExprIR[]; readonly windowMs: number; readonly onDuplicate: "replay" | "reject" })
  | (RuleBase & {
      readonly kind: "redact";
      readonly paths: readonly string[];
      readonly matching: readonly MatcherIR[];
      readonly method: { readonly name: string; readonly args: readonly (string | number | boolean | null)[] };
      readonly scopes: readonly string[];
      readonly on: TargetsIR | null;
      readonly when: ExprIR | null;
    })
  | (RuleBase & { readonly kind: "block"; readonly on: TargetsIR | null; readonly when: ExprIR });

export type MatcherIR = { readonly kind: "regex"; readonly source: string; readonly flags: string } | { readonly kind: "detector"; readonly name: string };

/**
 * Expressions, resolved: paths start at a root (`args`, `meta`, `caller`, `tool`, `agent`, `now`,
 * `result`, `response`) with literal steps; `unless` has become `!`. Typed literals carry their
 * unit. This is the form both the interpreter and the emitter walk. A variable bound by a
 * quantifier (`xs.exists(x, …)`) is a path whose root is `$x` (`$` cannot start an identifier, so
 * it never clashes with a root); `const` names are inlined; detector names become `detector`.
 */
export type ExprIR =
  | { readonly op: "lit"; readonly value: string | number | boolean | null }
  | { readonly op: "duration"; readonly ms: number }
  | { readonly op: "size"; readonly bytes: number }
  | { readonly op: "money"; readonly micros: number; readonly currency: string }
  | { readonly op: "regex"; readonly source: string; readonly flags: string }
  | { readonly op: "path"; readonly root: string; readonly steps: readonly (string | number | ExprIR)[] }
  | { readonly op: "list"; readonly items: readonly ExprIR[] }
  | { readonly op: "object"; readonly entries: readonly (readonly [string, ExprIR])[] }
  | { readonly op: "not"; readonly operand: ExprIR }
  | { readonly op: "neg"; readonly operand: ExprIR }
  | { readonly op: "binary"; readonly kind: string; readonly left: ExprIR; readonly right: ExprIR }
  | { readonly op: "in_range"; readonly value: ExprIR; readonly low: ExprIR; readonly high: ExprIR }
  | { readonly op: "call"; readonly fn: string; readonly target: ExprIR | null; readonly args: readonly ExprIR[] }
  | { readonly op: "detector"; readonly name: string };

// ─── Tests (§11) ───────────────────────────────────────────────────────────────────────────────

/** One `test` block, resolved to its agent; values are JSON data (`with`, `meta`, `returns`). */
export interface TestIR {
  readonly name: string;
  readonly agent: string;
  /** Statements in source order (order matters: they run in sequence). */
  readonly steps: readonly TestStepIR[];
  readonly at: string;
}

/** A verdict of `expect`: `by` is a rule id (or a reason such as `path:denied`), any `default:*`, or an approval team. */
export interface TestVerdictIR {
  readonly verdict: "allow" | "deny" | "approval" | "confirm" | "rate_limited" | "blocked" | "duplicate";
  readonly by: { readonly kind: "rule"; readonly id: string } | { readonly kind: "default" } | { readonly kind: "team"; readonly team: string } | null;
}

/** Statements. `clock` is `at "ISO time"` (the key `at` is provenance). */
export type TestStepIR =
  | { readonly kind: "call"; readonly tool: string; readonly as: string; readonly args: unknown; readonly meta: unknown; readonly at: string }
  | { readonly kind: "chat"; readonly model: string; readonly as: string; readonly args: unknown; readonly at: string }
  | { readonly kind: "clock"; readonly time: string; readonly ms: number; readonly at: string }
  | { readonly kind: "confirmed"; readonly at: string }
  | { readonly kind: "approved"; readonly at: string }
  | { readonly kind: "returns"; readonly form: "object" | "error" | "text"; readonly value: unknown; readonly at: string }
  | { readonly kind: "expect_verdicts"; readonly verdicts: readonly TestVerdictIR[]; readonly at: string }
  | { readonly kind: "expect_redacted"; readonly path: string; readonly method: string; readonly at: string }
  | { readonly kind: "expect_expr"; readonly expr: ExprIR; readonly at: string };

/** The policy part of a bundle: everything but its tests (what `canonicalIr` prints and the bundle hash covers). */
export function policyOf(ir: BundleIR): Omit<BundleIR, "tests"> {
  const { tests: _tests, ...policy } = ir;
  return policy;
}
