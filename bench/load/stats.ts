/**
 * Latency and throughput summaries for the load generator. Latencies are recorded per request in
 * nanoseconds (from `process.hrtime.bigint()`) and reported in milliseconds.
 */

/** What the load generator reports about one measured phase. */
export interface LatencySummary {
  /** Completed requests (successes and errors) per second of wall time. */
  readonly reqPerSec: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

/** Nearest-rank percentile of an ascending-sorted array (`p` in 0..100); 0 for an empty array. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function round(value: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/**
 * Summarize the first `count` latencies of `latenciesNs` (the array is sorted in place) for a
 * phase that took `wallNs` nanoseconds.
 */
export function summarize(latenciesNs: Float64Array, count: number, wallNs: number): LatencySummary {
  const sorted = latenciesNs.subarray(0, count).sort();
  const ms = (ns: number): number => round(ns / 1e6, 3);
  return {
    reqPerSec: wallNs > 0 ? round((count * 1e9) / wallNs, 1) : 0,
    p50: ms(percentile(sorted, 50)),
    p95: ms(percentile(sorted, 95)),
    p99: ms(percentile(sorted, 99)),
    max: ms(count === 0 ? 0 : sorted[count - 1]!),
  };
}
