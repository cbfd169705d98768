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
  /** Decide a `tools/call` by client tool name. Pure; never throws by design (the runtime still guards it). */
  decide(tool: string, principal: Principal, args: unknown): Decision;
  /** The client name an upstream tool is listed under, or null when the policy does not expose it. */
  clientName(upstreamName: string): string | null;
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
