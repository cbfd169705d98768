/**
 * The seed's proxy metrics (seed 002, "Key Metrics"), fed by the pipeline:
 *
 *   proxy_requests_total{vendor,tool,status}             one per answered tools/call
 *   proxy_pii_redactions_total{vendor,field}             redacted fields of committed calls
 *   proxy_upstream_latency_seconds{vendor,tool}          time waiting on the upstream (forwarded calls)
 *   proxy_policy_evaluation_duration_seconds{vendor}     time in the compiled `decide`
 *
 * Labels:
 * - `vendor` is the calling principal's id when it is a `vendor` principal (`zendesk-ai-agent`),
 *   otherwise the agent's name: callers, OIDC subjects and anonymous clients are not vendors,
 *   and the agent says which integration they came through. Bounded by the bundle.
 * - `tool` is the client tool name as called (the evidence record's `tool`). Clients choose it, so
 *   each vendor of each agent gets at most MAX_TOOLS distinct values; later new names count as
 *   `_other`.
 * - `status` follows from the record's outcome and reason (`requestStatus`).
 * - `field` is the redacted field's name as `talon audit list` prints it (evidence/format.ts),
 *   at most MAX_FIELDS per vendor, then `_other`.
 *
 * Hot path: `AgentMetrics.call(principal, tool)` resolves a `CallMetrics` once per call (two Map
 * lookups, vendor then tool, no string building); its methods are a histogram scan or a counter
 * add. Label children are created on first use, so unused combinations write no lines.
 */
import { redactedFieldCounts } from "../evidence/format.js";
import type { Principal } from "../hooks.js";
import { HistogramChild, POLICY_EVALUATION_BUCKETS, UPSTREAM_LATENCY_BUCKETS } from "./histogram.js";
import type { CounterChild, CounterFamily, HistogramFamily, Registry } from "./metrics.js";

export const REQUEST_STATUSES = ["allowed", "blocked", "rate_limited", "pending", "error"] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

/** Distinct `tool` values per agent and vendor, and `field` values per vendor, before `_other`. */
export const MAX_TOOLS = 256;
export const MAX_FIELDS = 128;
export const OTHER = "_other";

/** Field counts remembered per distinct report (see `ProxyMetrics.fieldCounts`): how many, and up to how many entries. */
const FIELD_MEMO_SIZE = 1024;
const FIELD_MEMO_MAX_ENTRIES = 32;

/**
 * The `status` of a call from its evidence record:
 * - `allowed`: forwarded and answered (`ok`, `tool_error`: the tool's own error result) or replayed
 *   from an idempotent duplicate; passthrough calls are `allowed` whatever they would have been.
 * - `rate_limited`: refused by a `limit` rule (HTTP 429).
 * - `pending`: waiting on a human: an approval deferred or required, a confirmation required.
 * - `error`: the upstream failed (died, timed out, invalid answer), the request was malformed, the
 *   runtime failed, or the record could not be committed (see `CallMetrics.unrecorded`).
 * - `blocked`: every other refusal: forbid, default deny, posture, paths, a declined
 *   confirmation, a denied or timed-out approval, a rejected duplicate, a withheld response.
 */
export function requestStatus(outcome: string, reason: string): RequestStatus {
  switch (outcome) {
    case "ok":
    case "tool_error":
    case "replayed":
      return "allowed";
    case "pending":
      return "pending";
    case "denied":
      if (reason === "rate_limited") return "rate_limited";
      if (reason === "approval_required" || reason === "confirm_required") return "pending";
      if (reason === "malformed" || reason === "internal") return "error";
      return "blocked";
    default:
      return "error";
  }
}

/** What the pipeline reports about one `tools/call`. Times are in milliseconds (`performance.now()` deltas). */
export interface CallMetrics {
  /** The compiled `decide` ran for `ms`. */
  decided(ms: number): void;
  /** The forwarded call waited `ms` on the upstream (an answer, an error or a timeout). */
  upstreamWaited(ms: number): void;
  /** The call's record was committed; `report` is what redaction changed (even when the record does not capture it). */
  recorded(outcome: string, reason: string, report: readonly { readonly pointer: string }[]): void;
  /** The call was answered with an evidence error (-32003): no record could be committed. */
  unrecorded(): void;
}

/** Per-agent entry point (`AgentContext.metrics`). */
export interface AgentMetrics {
  /** The series of one call, resolved once (cached per vendor and tool). */
  call(principal: Principal, tool: string): CallMetrics;
}

/** The four seed families, registered once per server. */
export class ProxyMetrics {
  readonly requests: CounterFamily;
  readonly redactions: CounterFamily;
  readonly upstreamLatency: HistogramFamily;
  readonly policyEvaluation: HistogramFamily;
  readonly #fieldMemo = new Map<string, readonly (readonly [string, number])[]>();

  constructor(registry: Registry) {
    this.requests = registry.counter("proxy_requests_total", "tools/call requests answered, by vendor, tool and status (allowed, blocked, rate_limited, pending, error).", ["vendor", "tool", "status"]);
    this.redactions = registry.counter("proxy_pii_redactions_total", "Fields redacted in committed calls, by vendor and field name.", ["vendor", "field"]);
    this.upstreamLatency = registry.histogram("proxy_upstream_latency_seconds", "Time forwarded tools/call requests waited on the upstream.", ["vendor", "tool"], UPSTREAM_LATENCY_BUCKETS);
    this.policyEvaluation = registry.histogram("proxy_policy_evaluation_duration_seconds", "Time spent in the compiled policy's decide().", ["vendor"], POLICY_EVALUATION_BUCKETS);
  }

  forAgent(agent: string): AgentMetrics {
    return new AgentSeries(this, agent);
  }

  /**
   * `redactedFieldCounts` (evidence/format.ts), remembered by the report's pointers. It costs a
   * few µs, while a tool's calls mostly redact the same pointers again;
   * a repeated report costs one key and one lookup. Small reports only, a bounded number of them.
   */
  fieldCounts(report: readonly { readonly pointer: string }[]): readonly (readonly [string, number])[] {
    if (report.length > FIELD_MEMO_MAX_ENTRIES) return [...redactedFieldCounts(report)];
    let key = "";
    for (const e of report) key += `${e.pointer.length}:${e.pointer}`;
    let counts = this.#fieldMemo.get(key);
    if (counts === undefined) {
      counts = [...redactedFieldCounts(report)];
      if (this.#fieldMemo.size < FIELD_MEMO_SIZE) this.#fieldMemo.set(key, counts);
    }
    return counts;
  }
}

class AgentSeries implements AgentMetrics {
  readonly #vendors = new Map<string, VendorSeries>();

  constructor(
    private readonly metrics: ProxyMetrics,
    private readonly agent: string,
  ) {}

  call(principal: Principal, tool: string): CallMetrics {
    const vendor = principal.kind === "vendor" ? principal.id : this.agent;
    let v = this.#vendors.get(vendor);
    if (v === undefined) {
      v = new VendorSeries(this.metrics, vendor);
      this.#vendors.set(vendor, v);
    }
    return v.tool(tool);
  }
}

/** One vendor as seen through one agent (label children are shared between agents by the families). */
class VendorSeries {
  readonly policy: HistogramChild;
  readonly #tools = new Map<string, ToolSeries>();
  readonly #fields = new Map<string, CounterChild>();
  /** Where calls to new tool names go once MAX_TOOLS are tracked. */
  #other: ToolSeries | undefined;

  constructor(
    readonly metrics: ProxyMetrics,
    readonly vendor: string,
  ) {
    this.policy = metrics.policyEvaluation.labels(vendor);
  }

  tool(name: string): ToolSeries {
    const t = this.#tools.get(name);
    if (t !== undefined) return t;
    if (this.#tools.size >= MAX_TOOLS) return (this.#other ??= new ToolSeries(this, OTHER));
    const created = new ToolSeries(this, name);
    this.#tools.set(name, created);
    return created;
  }

  redacted(report: readonly { readonly pointer: string }[]): void {
    for (const [field, n] of this.metrics.fieldCounts(report)) (this.#fields.get(field) ?? this.#field(field)).inc(n);
  }

  #field(field: string): CounterChild {
    if (this.#fields.size >= MAX_FIELDS) return this.metrics.redactions.labels(this.vendor, OTHER);
    const c = this.metrics.redactions.labels(this.vendor, field);
    this.#fields.set(field, c);
    return c;
  }
}

/** One (vendor, tool): the call hooks. Children are created on first use. */
class ToolSeries implements CallMetrics {
  readonly #byStatus: Record<RequestStatus, CounterChild | undefined> = { allowed: undefined, blocked: undefined, rate_limited: undefined, pending: undefined, error: undefined };
  #latency: HistogramChild | undefined;

  constructor(
    private readonly vendor: VendorSeries,
    private readonly tool: string,
  ) {}

  decided(ms: number): void {
    this.vendor.policy.observe(ms / 1000);
  }

  upstreamWaited(ms: number): void {
    (this.#latency ??= this.vendor.metrics.upstreamLatency.labels(this.vendor.vendor, this.tool)).observe(ms / 1000);
  }

  recorded(outcome: string, reason: string, report: readonly { readonly pointer: string }[]): void {
    this.#count(requestStatus(outcome, reason));
    if (report.length > 0) this.vendor.redacted(report);
  }

  unrecorded(): void {
    this.#count("error");
  }

  #count(status: RequestStatus): void {
    (this.#byStatus[status] ??= this.vendor.metrics.requests.labels(this.vendor.vendor, this.tool, status)).inc();
  }
}
