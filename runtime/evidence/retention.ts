/**
 * `compliance { audit_retention Nd }` applied by the running server: once at start and then every
 * hour, entries older than the retention are purged behind a signed anchor (store.ts `purge`).
 * One chain serves every agent, and a chain can only lose its oldest entries, so the longest
 * retention any agent declares applies to all; agents without one do not shorten it. Without any
 * declared retention nothing is purged.
 */
import type { CompiledAgent } from "../hooks.js";
import type { EvidenceStore } from "./store.js";

const SWEEP_MS = 60 * 60_000;
const DAY_MS = 86_400_000;

/** The retention that applies to a store shared by `agents`, in ms; null = keep everything. */
export function retentionMs(agents: readonly CompiledAgent[]): number | null {
  let days: number | null = null;
  for (const a of agents) {
    const d = a.compliance?.auditRetentionDays;
    if (typeof d === "number" && d > 0) days = Math.max(days ?? 0, d);
  }
  return days === null ? null : days * DAY_MS;
}

export function startRetention(store: EvidenceStore, agents: readonly CompiledAgent[], now: () => number = Date.now): { stop(): void } | null {
  const keep = retentionMs(agents);
  if (keep === null) return null;
  const sweep = () => {
    store.purge(now() - keep).then(
      ({ purged, anchor }) => {
        if (purged > 0) process.stderr.write(`[evidence] retention: purged ${purged} entries older than ${keep / DAY_MS} days; the chain now starts at seq ${anchor!.firstSeq}\n`);
      },
      (err: unknown) => process.stderr.write(`[evidence] retention sweep failed (will retry): ${(err as Error).message}\n`),
    );
  };
  const first = setTimeout(sweep, 1000);
  const timer = setInterval(sweep, SWEEP_MS);
  first.unref();
  timer.unref();
  return {
    stop() {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
