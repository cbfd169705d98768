/**
 * The contract between a compiled policy bundle and the runtime. The runtime owns it; the emitter
 * (`compiler/emit`) targets it, and the emitted `policy.ts` imports these types only (erased in
 * `policy.mjs`). Everything here is plain data and pure functions: the bundle holds no state, so
 * the runtime can run `decide` in passthrough and shadow modes without side effects.
 */

export type ToolClass = "read" | "write" | "destructive";

/** An authenticated (or, where the agent allows it, anonymous) client. */
export interface Principal {
  /** Declared id (`vendor "zendesk-ai-agent"`), or "anonymous". */
  readonly id: string;
  readonly kind: "vendor" | "caller" | "anonymous";
  /** Index into `CompiledBundle.principals`; -1 for anonymous. Grants are compiled to index sets. */
  readonly index: number;
  readonly teams: readonly string[];
  /**
   * The verified claims of the client's token (`auth oidc` agents; LANGUAGE.md §5 `caller.claims.*`).
   * Absent for bearer-token and anonymous clients.
   */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** Why a decision came out as it did (§7.1); `default:*` are the default-deny steps. */
export type DecisionReason =
  | "allow"
  | "malformed"
  | "invalid_tool_name"
  | "forbid"
  | "default:not_exposed"
  | "default:outside_boundary"
  | "default:no_grant"
  | "posture"
  // Steps 7–8 left to the runtime (effect "pending"): the call needs a confirmation / an approval.
  | "confirm_required"
  | "approval_required"
  // Decided by the runtime from injected state (steps 5–8 and response rules), never by `decide`.
  | "rate_limited"
  | "duplicate"
  | "idempotency_key_unknown"
  | "idempotency_conflict"
  | "confirm_declined"
  | "approval_denied"
  | "approval_timeout"
  | "blocked"
  // Virtual roots (§8.4), checked by the runtime right after `decide`; they deny like a forbid.
  | "path:outside_roots"
  | "path:denied"
  | "path:read_only_root"
  | "internal";

/**
 * What conditions read besides the tool name, principal and arguments (LANGUAGE.md §5): the
 * request's `_meta` and the request time, fixed once per request (ms since the epoch). Absent
 * fields read as unknown.
 */
export interface DecideContext {
  readonly meta?: unknown;
  readonly now?: number;
}

/**
 * A preallocated, frozen decision. The bundle builds one per request only where the set of
 * determining rules depends on the call (conditional forbids, confirms, approvals).
 *
 * `effect` "pending" = steps 1–4 allow the call, but a `confirm` and/or `approve` applies
 * (condition true or unknown, §5): the runtime must satisfy `confirm` (step 7), then `approval`
 * (step 8), before it forwards. Rate limits (step 5) and idempotency (step 6) come from the
 * agent's `limits`/`idempotency` specs and apply to "allow" and "pending" alike, before step 7.
 * Anything that reads only `effect === "allow"` treats "pending" as not allowed (fail closed).
 */
export interface Decision {
  readonly effect: "allow" | "deny" | "pending";
  readonly reason: DecisionReason;
  /** Determining rule ids (forbid ids, the grant that allowed, …); empty for default denies. */
  readonly ruleIds: readonly string[];
  /** Client-visible text: names the deciding rule or the default deny. */
  readonly message: string;
  /** Upstream tool name for an allowed call; null means "same as the client name" (glob exposure). */
  readonly upstream: string | null;
  readonly toolClass: ToolClass | null;
  /** Whether `tools/list` shows the tool to this principal (§7.3). */
  readonly listed: boolean;
  /** Step 7, when effect is "pending" and a `confirm` applies; else null. */
  readonly confirm: ConfirmNeed | null;
  /** Step 8, when effect is "pending" and an `approve` applies; else null. */
  readonly approval: ApprovalNeed | null;
}

/** The `confirm` rules that apply to a call (§7.1 step 7), merged. */
export interface ConfirmNeed {
  /** Ids of the applicable `confirm` rules, sorted. */
  readonly ruleIds: readonly string[];
  /**
   * Channels every applicable rule accepts (intersection of their `via`; default
   * elicitation_or_token). An empty intersection (one rule says elicitation, another token)
   * becomes "token": the explicit, hash-bound channel.
   */
  readonly via: "elicitation" | "token" | "elicitation_or_token";
}

/** The `approve` rules that apply to a call (§7.1 step 8), merged. */
export interface ApprovalNeed {
  /** Ids of the applicable `approve` rules, sorted. */
  readonly ruleIds: readonly string[];
  /** The named teams, sorted, deduplicated. */
  readonly teams: readonly string[];
  /** Union of those teams' `approvers`, sorted, deduplicated. */
  readonly approvers: readonly string[];
  /** The maximum `quorum` of the applicable rules (default 1). */
  readonly quorum: number;
  /** The minimum `timeout` of the applicable rules, ms (default 15 minutes). */
  readonly timeoutMs: number;
  /** "defer" only when every applicable rule says `defer`; else "hold" (the default). */
  readonly wait: "hold" | "defer";
}

/**
 * A compiled condition (§5), three-valued: 0 = false, 1 = true, 2 = unknown. Rule boundary: a
 * `redact … when` / `block … when` fires unless the result is 0. `response` is the whole
 * CallToolResult (undefined outside the response path, so reading it is unknown); `result` is
 * derived from it by the bundle (structuredContent, else the first text block parsed as JSON).
 */
export type ConditionFn = (
  caller: Principal,
  args: unknown,
  meta: unknown,
  now: number | undefined,
  tool: string,
  upstream: string,
  cls: ToolClass | null,
  response: unknown,
) => 0 | 1 | 2;

/** Tool targets of a rule as data: tool refs (globs; ASCII case-insensitive against client and upstream name, like forbid) or classes. */
export type TargetsSpec = { readonly tools: readonly string[] } | { readonly classes: readonly ToolClass[] };

/** `limit rate N per dur [burst B] [by …] [on …]` (§8.3): a token bucket per distinct `by` key. */
export interface LimitSpec {
  readonly id: string;
  /** Tokens added per `perMs`; the bucket refills continuously. */
  readonly rate: number;
  readonly perMs: number;
  /** Capacity (default max(1, ceil(rate·1s/per)), resolved by the compiler). */
  readonly burst: number;
  /** Key dimensions; `vendor` is `caller`. Empty = one bucket for the whole agent. */
  readonly by: readonly ("caller" | "vendor" | "team" | "tool" | "ip" | "agent")[];
  /** null = every tool. */
  readonly on: TargetsSpec | null;
  /** YAML `rate_limits[].vendor`: the bucket applies only to this principal id; null = everyone. */
  readonly principal: string | null;
}

/** `idempotent <targets> [key e, …] window dur [on_duplicate …]` (§7.1 step 6, §8.3). */
export interface IdempotencySpec {
  readonly id: string;
  readonly on: TargetsSpec;
  readonly windowMs: number;
  readonly onDuplicate: "replay" | "reject";
  /**
   * The `key e, …` expressions, evaluated for a call: their values (JSON data) in order, or null
   * when any is unknown (the call is then denied, §5). null = no `key` clause: the runtime uses
   * args_hash(), or `meta["talon/idempotency-key"]` when the client sends one. The full key is
   * always scoped by (caller id, upstream tool).
   */
  readonly key: ((caller: Principal, args: unknown, meta: unknown, now: number | undefined, tool: string, upstream: string, cls: ToolClass | null) => readonly unknown[] | null) | null;
}

/** `block response [on …] when e` (§7.3): a response for which `when` is not 0 is withheld. */
export interface BlockSpec {
  readonly id: string;
  readonly on: TargetsSpec | null;
  readonly when: ConditionFn;
  /** `@reason`, or null. */
  readonly reason: string | null;
}

/** One tool as an upstream lists it (the subset of MCP `Tool` the policy reads). */
export interface UpstreamTool {
  readonly name: string;
  readonly annotations?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

export type UpstreamSpec =
  | { readonly transport: "http"; readonly url: string; readonly vendor: string | null }
  | { readonly transport: "stdio"; readonly argv: readonly string[]; readonly vendor: string | null }
  | { readonly transport: "unix"; readonly path: string; readonly vendor: string | null };

export interface SecretSpec {
  readonly kind: "env" | "file" | "sha256";
  readonly value: string;
}

export interface PrincipalSpec {
  readonly id: string;
  readonly kind: "vendor" | "caller";
  readonly index: number;
  readonly token: SecretSpec | null;
  /** `oidc sub "…"`: the token subject that authenticates as this principal on `auth oidc` agents. */
  readonly oidcSub: string | null;
  readonly teams: readonly string[];
}

/** How clients of an agent authenticate (`auth …`); null = by bearer token, the default. */
export type ClientAuthSpec = { readonly scheme: "bearer" } | { readonly scheme: "oidc"; readonly issuer: string; readonly audience: string };

/** One governed upstream (`agent "…"`), compiled. */
export interface CompiledAgent {
  readonly name: string;
  readonly mode: "intercept" | "passthrough" | "shadow";
  readonly upstream: UpstreamSpec;
  readonly upstreamAuth: { readonly scheme: "bearer" | "passthrough"; readonly header: string; readonly secret: SecretSpec | null } | null;
  /** True when clients need no credential (`auth none`, or no principal of the bundle has a token and the agent is not `auth oidc`). */
  readonly allowAnonymous: boolean;
  /** `auth bearer` / `auth oidc issuer … audience …`; null when not written (bearer) or `auth none`. */
  readonly auth: ClientAuthSpec | null;
  /**
   * Decide a `tools/call` by client tool name. Pure; never throws by design (the runtime still
   * guards it). `listed` does not depend on `args` or `ctx` (§7.3).
   */
  decide(tool: string, principal: Principal, args: unknown, ctx?: DecideContext): Decision;
  /** The client name an upstream tool is listed under, or null when the policy does not expose it. */
  clientName(upstreamName: string): string | null;
  /**
   * The upstream tool a client name is forwarded under whatever the decision: the rename of an
   * exact exposure, else the name itself. Passthrough mode forwards denied calls too (§7.2), and a
   * deny decision carries no upstream name.
   */
  upstreamName(tool: string): string;
  /** The agent's `redact` rules as data (§8.1); the runtime compiles and applies them. */
  readonly redactions: readonly RedactionRuleSpec[];
  /** `limit` rules (§8.3), in id order. */
  readonly limits: readonly LimitSpec[];
  /** `idempotent` rules (§8.3), in id order. */
  readonly idempotency: readonly IdempotencySpec[];
  /** `block response` rules (§7.3), in id order. */
  readonly blocks: readonly BlockSpec[];
  /**
   * `blobs pass|drop|block` (§8.1): base64 content (image/audio `data`, embedded resource `blob`)
   * cannot be inspected, so this decides what happens to it in results. Absent = pass.
   */
  readonly blobs?: "pass" | "drop" | "block";
  /** `secret redaction_key` (keys `hash`); null = plain SHA-256 (TAL0605). */
  readonly redactionKey: SecretSpec | null;
  /** Virtual roots, `deny path` and tool path arguments (§8.4); null = the agent declares none. */
  readonly roots?: RootsSpec | null;
  /**
   * `evidence { capture … }` (§8.2): which of requests, responses, redactions, decisions,
   * approvals the records hold. Absent = no `evidence` block: decisions, redactions and approvals
   * (reports and ids, never bodies).
   */
  readonly evidence?: { readonly capture: readonly string[]; readonly sink: string | null };
  /**
   * The conditions of conditional `forbid`/`approve`/`confirm` rules, by rule id, with the request
   * paths each reads (§5: evidence records each U-resolution and the path of the first U). The
   * `test` functions are the ones `decide` uses; absent = no such rules.
   */
  readonly conditions?: readonly RuleCondition[];
  /** `compliance { frameworks …  audit_retention Nd }` (§8.2); absent = none declared. */
  readonly compliance?: { readonly frameworks: readonly string[]; readonly auditRetentionDays: number | null };
}

/** One rule's condition (`CompiledAgent.conditions`): 0 false, 1 true, 2 unknown. */
export interface RuleCondition {
  readonly rule: string;
  readonly test: (caller: Principal, args: unknown, meta: unknown, now: number | undefined, tool: string, upstream: string, cls: ToolClass | null) => number;
  /** `args.…`/`meta.…` paths the condition reads, in source order. */
  readonly paths: readonly string[];
}

/** Virtual roots of an agent (LANGUAGE.md §8.4) as data; runtime/roots/ checks and rewrites with it. */
export interface RootsSpec {
  /** `root <name> { path "/host/dir"  access read|read_write }`, in name order. */
  readonly roots: readonly { readonly name: string; readonly path: string; readonly access: "read" | "read_write" }[];
  /** `deny path` globs, as written (`*` within a segment, `**` across segments). */
  readonly denyPaths: readonly string[];
  /** Tool path arguments: `tool` is an exact client name or a glob; `paths` as written (`args.paths[*]`). */
  readonly toolPaths: readonly { readonly tool: string; readonly paths: readonly string[] }[];
  /** `realpath_check on`. */
  readonly realpathCheck: boolean;
}

export type RedactionScope = "args" | "result" | "errors" | "notifications";

/** One `redact` rule, compiled to data (LANGUAGE.md §8.1). */
export interface RedactionRuleSpec {
  readonly id: string;
  /** Paths relative to the scope root, as written (`tickets[*].requester.email`). */
  readonly paths: readonly string[];
  /**
   * `matching …`: regexes, built-in detectors by name, and declared detectors — expanded to their
   * regexes when they have no validators, else carried whole (`declared`) so the validators apply.
   */
  readonly matching: readonly (
    | { readonly kind: "regex"; readonly source: string; readonly flags: string }
    | { readonly kind: "detector"; readonly name: string }
    | {
        readonly kind: "declared";
        readonly name: string;
        readonly patterns: readonly { readonly source: string; readonly flags: string }[];
        readonly validators: readonly string[];
      }
  )[];
  readonly method: { readonly name: string; readonly args: readonly (string | number | boolean | null)[] };
  /** `RedactionScope` names; empty = every scope. */
  readonly scopes: readonly string[];
  /** `on tool …` refs (globs; matched case-insensitively, like forbid); null = every tool. */
  readonly tools: readonly string[] | null;
  /** `on class …` (`ToolClass` names); null = every class. */
  readonly classes: readonly string[] | null;
  /** The rule's `when`/`unless` (null = none): the rule redacts a call unless this gives 0 (U fires, §5). */
  readonly when: ConditionFn | null;
}

export interface BundleManifest {
  readonly bundleHash: string;
  readonly compilerVersion: string;
  readonly sources: readonly { readonly path: string; readonly sha256: string }[];
  readonly rules: readonly { readonly id: string; readonly agent: string; readonly kind: string; readonly span: string }[];
  /** Absolute directory the policy sources came from; relative stdio commands run there. */
  readonly sourceDir: string;
  /** Notes the compiler wants operators to see at start (features carried but not enforced). */
  readonly notes: readonly string[];
}

/** A compiled string matcher the runtime lends a bundle. */
export interface TextMatcher {
  /** Whether `text` contains a hit. */
  test(text: string): boolean;
}

/**
 * What the runtime lends a bundle at load (`CompiledBundle.bind`): linear-time matching the bundle
 * cannot carry itself, since it imports nothing and the built-in detectors need RE2. Pure.
 */
export interface BundleRuntime {
  /** Does `text` contain a hit of the built-in detector `name` (pattern + validator, e.g. Luhn)? Throws for an unknown name. */
  detect(name: string, text: string): boolean;
  /** A compiled matcher for a regex literal (RE2 syntax; linear-time engine when not provably safe). Throws on a bad pattern. */
  regex(source: string, flags: string): TextMatcher;
  /**
   * A user-declared detector (`detector x { pattern /…/ validate luhn }`): a hit is a match of one
   * of `patterns` that every validator accepts. Throws on a validator this runtime does not know.
   */
  detector(patterns: readonly { readonly source: string; readonly flags: string }[], validators: readonly string[]): TextMatcher;
  /**
   * `args_hash()` (§5): hex SHA-256 of the RFC 8785 JSON of a call's arguments (absent = `{}`), the
   * value idempotency keys use. Optional: without it, `args_hash()` conditions are unknown.
   */
  argsHash?(args: unknown): string;
}

/** What `policy.mjs` exports. */
export interface CompiledBundle {
  readonly manifest: BundleManifest;
  readonly principals: readonly PrincipalSpec[];
  readonly agents: readonly CompiledAgent[];
  /** Bind the runtime's matchers; before this, detector and non-safe regex conditions are unknown. */
  bind(rt: BundleRuntime): void;
}
