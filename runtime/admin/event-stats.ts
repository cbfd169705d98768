/**
 * `GET /api/events/stats`: counts over the entries of a time window.
 *
 * `total` and `byKind` count every entry. `byDecision`, `byAgent` and `byTool` count tool-call
 * decisions (`proxy_tool_call`) only, so a write call, which also has its `proxy_tool_request`
 * entry, is counted once. `byOutcome` counts the outcomes of tool calls and of external events
 * (those that name one). `redactions` is the number of redactions reported (one per redacted
 * value), `redactedEntries` the entries with at least one.
 */
import type { EvidenceEntry, EvidenceKind } from "../evidence/record.js";
import { EVIDENCE_KINDS } from "../evidence/record.js";

export interface EventWindowStats {
  window: { since: string | null; until: string | null };
  total: number;
  byKind: Record<EvidenceKind, number>;
  byDecision: Record<string, number>;
  byOutcome: Record<string, number>;
  byAgent: Record<string, number>;
  byTool: Record<string, number>;
  redactions: number;
  redactedEntries: number;
  /** Lowest and highest seq in the window; null when it is empty. */
  firstSeq: number | null;
  lastSeq: number | null;
}

function bump(m: Record<string, number>, key: string): void {
  m[key] = (m[key] ?? 0) + 1;
}

export function windowStats(entries: Iterable<EvidenceEntry>, since: number | undefined, until: number | undefined): EventWindowStats {
  const s: EventWindowStats = {
    window: { since: since === undefined ? null : new Date(since).toISOString(), until: until === undefined ? null : new Date(until).toISOString() },
    total: 0,
    byKind: Object.fromEntries(EVIDENCE_KINDS.map((k) => [k, 0])) as Record<EvidenceKind, number>,
    byDecision: {},
    byOutcome: {},
    byAgent: {},
    byTool: {},
    redactions: 0,
    redactedEntries: 0,
    firstSeq: null,
    lastSeq: null,
  };
  for (const e of entries) {
    s.total++;
    s.byKind[e.kind]++;
    if (s.firstSeq === null || e.seq < s.firstSeq) s.firstSeq = e.seq;
    if (s.lastSeq === null || e.seq > s.lastSeq) s.lastSeq = e.seq;
    if (e.kind === "proxy_tool_call") {
      bump(s.byDecision, e.decision);
      bump(s.byOutcome, e.outcome);
      bump(s.byAgent, e.agent);
      bump(s.byTool, e.tool);
      if (e.redactions && e.redactions.length > 0) {
        s.redactions += e.redactions.length;
        s.redactedEntries++;
      }
    } else if (e.kind === "external_event" && e.outcome !== null) {
      bump(s.byOutcome, e.outcome);
    }
  }
  return s;
}
