/**
 * The vendor-config shape (seed 002): a JSON Schema for ajv and the TypeScript type of a document
 * that passed it. The schema is the source of truth; `VendorConfig` mirrors it by hand, and the
 * tests load the seed and every seed snippet through both.
 *
 * Every object sets `additionalProperties: false`, so a typo (`forbiden_tools`) is an error with a
 * suggestion instead of a silently dropped forbid (LANGUAGE.md §9). `x-expected` is our annotation
 * keyword: the phrase a TAL0704 message uses for "must be {type}" where the bare JSON type would
 * not say enough (an http(s) URL, a whole number of days, an identifier).
 */
import type { SchemaObject } from "ajv";

/** Names that become `.talon` identifiers (frameworks, redaction methods). */
const IDENT = "^[A-Za-z_][A-Za-z0-9_]*$";

const str = { type: "string", minLength: 1, "x-expected": "a non-empty string" };
const bool = { type: "boolean" };
const ident = { type: "string", pattern: IDENT, "x-expected": "an identifier ([A-Za-z_][A-Za-z0-9_]*)" };
const list = (items: object, expected: string) => ({ type: "array", items, "x-expected": expected });
const obj = (properties: Record<string, object>, required: string[] = []) => ({
  type: "object",
  additionalProperties: false,
  required,
  properties,
});

/** `allowed_tools[]`: a bare name, or `{name, upstream_name}` (a rename). */
const allowedTool = {
  if: { type: "string" },
  then: str,
  else: { ...obj({ name: str, upstream_name: str }, ["name"]), "x-expected": "a tool name or a {name, upstream_name} mapping" },
};

const upstream = obj(
  {
    vendor: str,
    url: { type: "string", pattern: "^https?://[^\\s]+$", "x-expected": "an http(s) URL" },
    auth: obj({ type: { enum: ["bearer"] }, header: str, value: str }, ["type"]),
  },
  ["url"],
);

const proxy = obj(
  {
    mode: { enum: ["intercept", "passthrough", "shadow"] },
    upstream,
    allowed_tools: list(allowedTool, "a list of tools"),
    forbidden_tools: list(str, "a list of tool names or globs"),
    auth: obj({
      required: bool,
      tokens: list(obj({ vendor: str, token: str, allowed_tools: list(str, "a list of tool names or globs") }, ["vendor", "token"]), "a list of vendor tokens"),
    }),
    rate_limits: list(
      obj({ vendor: str, requests_per_minute: { type: "integer" }, burst: { type: "integer" } }, ["vendor", "requests_per_minute"]),
      "a list of rate limits",
    ),
    tls: obj({ enabled: bool, cert: str, key: str, client_ca: str, verify_client: bool }),
  },
  ["upstream"],
);

/** The whole document. */
export const VENDOR_CONFIG_SCHEMA: SchemaObject = {
  ...obj(
    {
      agent: obj({ name: str, type: { const: "mcp_proxy" } }, ["name", "type"]),
      proxy,
      pii_handling: obj({
        redaction_rules: list(
          obj({ field: str, method: ident, patterns: list(str, "a list of regular expressions") }, ["field", "method"]),
          "a list of redaction rules",
        ),
      }),
      compliance: obj({
        frameworks: list(ident, "a list of framework names"),
        audit_retention: { type: "integer", minimum: 1, "x-expected": "a whole number of days (≥ 1)" },
        human_oversight: obj({
          required_for: list(obj({ tool: str, conditions: list(str, "a list of conditions") }, ["tool"]), "a list of oversight entries"),
        }),
      }),
      evidence: obj({ capture_requests: bool, capture_responses: bool, capture_redactions: bool }),
    },
    ["agent", "proxy"],
  ),
  "x-expected": "a mapping with `agent` and `proxy`",
};

// ─── The validated shape ───────────────────────────────────────────────────────────────────────

/** A document that passed `VENDOR_CONFIG_SCHEMA`. */
export interface VendorConfig {
  readonly agent: { readonly name: string; readonly type: "mcp_proxy" };
  readonly proxy: ProxyConfig;
  readonly pii_handling?: { readonly redaction_rules?: readonly RedactionRuleConfig[] };
  readonly compliance?: ComplianceConfig;
  readonly evidence?: { readonly capture_requests?: boolean; readonly capture_responses?: boolean; readonly capture_redactions?: boolean };
}

export interface ProxyConfig {
  readonly mode?: "intercept" | "passthrough" | "shadow";
  readonly upstream: {
    readonly vendor?: string;
    readonly url: string;
    readonly auth?: { readonly type: "bearer"; readonly header?: string; readonly value?: string };
  };
  readonly allowed_tools?: readonly (string | { readonly name: string; readonly upstream_name?: string })[];
  readonly forbidden_tools?: readonly string[];
  readonly auth?: { readonly required?: boolean; readonly tokens?: readonly TokenConfig[] };
  readonly rate_limits?: readonly { readonly vendor: string; readonly requests_per_minute: number; readonly burst?: number }[];
  readonly tls?: TlsConfig;
}

export interface TokenConfig {
  readonly vendor: string;
  readonly token: string;
  readonly allowed_tools?: readonly string[];
}

export interface TlsConfig {
  readonly enabled?: boolean;
  readonly cert?: string;
  readonly key?: string;
  readonly client_ca?: string;
  readonly verify_client?: boolean;
}

export interface RedactionRuleConfig {
  readonly field: string;
  readonly method: string;
  readonly patterns?: readonly string[];
}

export interface ComplianceConfig {
  readonly frameworks?: readonly string[];
  readonly audit_retention?: number;
  readonly human_oversight?: { readonly required_for?: readonly { readonly tool: string; readonly conditions?: readonly string[] }[] };
}
