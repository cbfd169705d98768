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
  | "approval_unavailable"
  | "confirm_unavailable"
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

/** A preallocated, frozen decision. The bundle never builds one per request. */
export interface Decision {
  readonly effect: "allow" | "deny";
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
  readonly teams: readonly string[];
}

/** One governed upstream (`agent "…"`), compiled. */
export interface CompiledAgent {
  readonly name: string;
  readonly mode: "intercept" | "passthrough" | "shadow";
  readonly upstream: UpstreamSpec;
  readonly upstreamAuth: { readonly scheme: "bearer" | "passthrough"; readonly header: string; readonly secret: SecretSpec | null } | null;
  /** True when clients need no credential (no principal of the bundle has a token). */
  readonly allowAnonymous: boolean;
  /**
   * Decide a `tools/call` by client tool name. Pure; never throws by design (the runtime still
   * guards it). `listed` does not depend on `args` or `ctx` (§7.3).
   */
  decide(tool: string, principal: Principal, args: unknown, ctx?: DecideContext): Decision;
  /** The client name an upstream tool is listed under, or null when the policy does not expose it. */
  clientName(upstreamName: string): string | null;
  /** The agent's `redact` rules as data (§8.1); the runtime compiles and applies them. */
  readonly redactions: readonly RedactionRuleSpec[];
  /** `secret redaction_key` (keys `hash`); null = plain SHA-256 (TAL0605). */
  readonly redactionKey: SecretSpec | null;
}

export type RedactionScope = "args" | "result" | "errors" | "notifications";

/** One `redact` rule, compiled to data (LANGUAGE.md §8.1). */
export interface RedactionRuleSpec {
  readonly id: string;
  /** Paths relative to the scope root, as written (`tickets[*].requester.email`). */
  readonly paths: readonly string[];
  /** `matching …`: regexes, and built-in detectors by name (declared detectors are expanded to regexes). */
  readonly matching: readonly ({ readonly kind: "regex"; readonly source: string; readonly flags: string } | { readonly kind: "detector"; readonly name: string })[];
  readonly method: { readonly name: string; readonly args: readonly (string | number | boolean | null)[] };
  /** `RedactionScope` names; empty = every scope. */
  readonly scopes: readonly string[];
  /** `on tool …` refs (globs; matched case-insensitively, like forbid); null = every tool. */
  readonly tools: readonly string[] | null;
  /** `on class …` (`ToolClass` names); null = every class. */
  readonly classes: readonly string[] | null;
  /** The rule has a `when`; until conditions are evaluated here, it redacts (U fires redaction, §5). */
  readonly conditional: boolean;
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

/** What `policy.mjs` exports. */
export interface CompiledBundle {
  readonly manifest: BundleManifest;
  readonly principals: readonly PrincipalSpec[];
  readonly agents: readonly CompiledAgent[];
}
