/**
 * The human form of an evidence record, as `talon audit list` prints it (the seed's "Verify
 * Evidence" block):
 *
 *   [16:42:13] proxy_tool_call
 *     Tool: zendesk_ticket_search
 *     Upstream: ticket_search (zendesk-ai-vendor.com)
 *     Caller: zendesk-ai-agent (vendor)
 *     Policy: ALLOWED (rule grant-xyz)
 *     Latency: 1.234 ms
 *     Evidence: evt_abc123
 *
 * An `Outcome:` line follows `Policy:` only when the outcome is not the one the decision implies
 * (a tool error or an upstream failure after an allow). `PII redacted: 1 email, 1 phone` follows
 * `Upstream:` when the call redacted anything (as in the seed).
 *
 * Every string from a record passes through `printable`: tool names, messages and errors come
 * from clients and upstreams, and a raw newline in a tool name could forge a whole record in
 * the audit output.
 */
import type { EvidenceEntry, EvidenceRecord } from "./record.js";

/** Any chain entry as lines of text: tool calls as below, requests and external events in the same spirit. */
export function formatEntry(e: EvidenceEntry): string[] {
  if (e.kind === "proxy_tool_call") return formatEvidence(e);
  if (e.kind === "proxy_tool_request") {
    return [
      `[${localClock(e.time)}] ${printable(e.kind)}`,
      `  Tool: ${printable(e.tool)} (${printable(e.toolClass)})`,
      `  Upstream: ${printable(e.upstreamTool)} (${printable(e.upstream)}) — committed before forwarding`,
      `  Caller: ${e.caller === null ? "anonymous" : `${printable(e.caller)} (${printable(e.callerKind)})`}`,
      `  Evidence: ${printable(e.id)}`,
    ];
  }
  const lines = [`[${localClock(e.time)}] ${printable(e.kind)}: ${printable(e.type)}`, `  Source: ${printable(e.source)}`];
  if (e.actor !== null) lines.push(`  Actor: ${printable(e.actor)}`);
  if (e.action !== null) lines.push(`  Action: ${printable(e.action)}${e.resource !== null ? ` on ${printable(e.resource)}` : ""}`);
  if (e.outcome !== null) lines.push(`  Outcome: ${printable(e.outcome)}`);
  lines.push(`  Evidence: ${printable(e.id)}`);
  return lines;
}

/** The record as lines of text (no trailing newlines). */
export function formatEvidence(rec: EvidenceRecord): string[] {
  const lines = [
    `[${localClock(rec.time)}] ${printable(rec.kind)}`,
    `  Tool: ${printable(rec.tool)}`,
    `  Upstream: ${upstreamText(rec)}`,
    ...(rec.redactions && rec.redactions.length > 0 ? [`  PII redacted: ${printable(summarizeRedactions(rec.redactions))}`] : []),
    `  Caller: ${rec.caller === null ? "anonymous" : `${printable(rec.caller)} (${printable(rec.callerKind)})`}`,
    `  Policy: ${policyText(rec)}`,
  ];
  const outcome = outcomeText(rec);
  if (outcome) lines.push(`  Outcome: ${outcome}`);
  if (rec.confirmation) lines.push(`  Confirmed: by the user (${rec.confirmation})`);
  if (rec.approval) {
    const who = rec.approval.approvers.length > 0 ? ` by ${printable(rec.approval.approvers.join(", "))}` : "";
    lines.push(`  Approval: ${printable(rec.approval.id)} ${printable(rec.approval.status)}${who}`);
  }
  if (rec.would && rec.would.length > 0) lines.push(`  Passthrough: ${printable(rec.would.join(", "))}`);
  if (rec.unknowns && rec.unknowns.length > 0) {
    const text = rec.unknowns.map((u) => `${u.rule}${u.path !== null ? ` (${u.path} absent)` : ""}`).join(", ");
    lines.push(`  Unknown, resolved to the safe side: ${printable(text)}`);
  }
  lines.push(`  Latency: ${rec.latencyMs.toFixed(3)} ms`, `  Evidence: ${printable(rec.id)}`);
  return lines;
}

/**
 * "1 email, 1 phone": redacted fields counted by the last segment of their pointer, by name. A result's
 * structuredContent and its mirrored text block are one field, so the part prefix
 * (`/structuredContent`, `/content/0/text`) is dropped before counting distinct pointers.
 */
export function summarizeRedactions(report: readonly { readonly pointer: string }[]): string {
  return [...redactedFieldCounts(report)].map(([k, n]) => `${n} ${k}`).join(", ");
}

/** The counts behind `summarizeRedactions`, by field label in code-unit order (also `proxy_pii_redactions_total{field}`). */
export function redactedFieldCounts(report: readonly { readonly pointer: string }[]): Map<string, number> {
  const fields = new Set<string>();
  for (const e of report) fields.add(e.pointer.replace(/^\/(?:structuredContent|content\/\d+\/text|content\/\d+\/resource\/text)(?=\/|$)/, ""));
  const counts = new Map<string, number>();
  for (const f of fields) {
    const seg = f.slice(f.lastIndexOf("/") + 1).replace(/~1/g, "/").replace(/~0/g, "~");
    const label = seg === "" ? "value" : /^\d+$/.test(seg) ? "item" : seg;
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return new Map([...counts].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Local wall-clock time HH:MM:SS, like the seed. */
export function localClock(ms: number): string {
  const d = new Date(ms);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, "0")).join(":");
}

function upstreamText(rec: EvidenceRecord): string {
  if (rec.upstreamTool === null) return `${printable(rec.upstream)} (not called)`;
  return `${printable(rec.upstreamTool)} (${printable(rec.upstream)})`;
}

/**
 * `ALLOWED (rule grant-xyz)`, `DENIED (forbid zd-forbidden: <message>)`,
 * `DENIED (default:no_grant)`. Default denies carry no rule and a generic message, so only the
 * reason is shown; other denies show the reason, the rule ids and the client-visible message.
 */
function policyText(rec: EvidenceRecord): string {
  const ids = printable(rec.ruleIds.join(", "));
  const reason = printable(rec.reason);
  if (rec.decision === "allow") {
    if (ids) return `ALLOWED (${rec.ruleIds.length === 1 ? "rule" : "rules"} ${ids})`;
    return reason === "allow" ? "ALLOWED" : `ALLOWED (${reason})`;
  }
  if (reason.startsWith("default:")) return `DENIED (${reason})`;
  const head = ids ? `${reason} ${ids}` : reason;
  return rec.message ? `DENIED (${head}: ${printable(rec.message)})` : `DENIED (${head})`;
}

function outcomeText(rec: EvidenceRecord): string | null {
  switch (rec.outcome) {
    case "ok":
      return null;
    case "denied":
      return rec.decision === "deny" ? null : "denied";
    case "tool_error":
      return "tool_error (the tool reported an error)";
    case "upstream_error":
      return rec.error ? `upstream_error (${printable(rec.error)})` : "upstream_error";
    case "replayed":
      return "replayed (an identical call's stored result; the upstream was not called)";
    case "pending":
      return "pending (waiting for approval)";
  }
}

/** C0/C1 controls, and the bidi overrides that can reorder a terminal line. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** The text with control and bidi characters shown as `\uXXXX` escapes (newline as `\n`). */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, (c) =>
    c === "\n" ? "\\n" : c === "\t" ? "\\t" : c === "\r" ? "\\r" : `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
