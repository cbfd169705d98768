/**
 * Fixed-bucket histograms: what `observe` costs on the hot path (a short scan of the bounds and
 * three number adds, no allocation), and the quantile estimate Prometheus' `histogram_quantile`
 * makes from the same buckets (for the admin telemetry summary).
 */

/** Seconds, for calls that wait on an upstream: 0.5 ms (a local server) up to a minute (the call timeout's range). */
export const UPSTREAM_LATENCY_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

/** Seconds, for the compiled `decide`: typically a few hundred nanoseconds, milliseconds only when something is wrong. */
export const POLICY_EVALUATION_BUCKETS: readonly number[] = [1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 5e-4, 1e-3, 5e-3, 0.01];

/** Upper bounds, strictly increasing and finite (`+Inf` is implicit). */
export function checkBuckets(bounds: readonly number[]): Float64Array {
  if (bounds.length === 0) throw new Error("a histogram needs at least one bucket");
  for (let i = 0; i < bounds.length; i++) {
    if (!Number.isFinite(bounds[i]!)) throw new Error(`histogram bucket ${bounds[i]} is not finite (+Inf is implicit)`);
    if (i > 0 && bounds[i]! <= bounds[i - 1]!) throw new Error(`histogram buckets must increase: ${bounds[i - 1]} then ${bounds[i]}`);
  }
  return Float64Array.from(bounds);
}

/** One labelled histogram. `counts[i]` is the number of observations in bucket i alone (not cumulative); the last slot is `+Inf`. */
export class HistogramChild {
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(readonly bounds: Float64Array) {
    this.counts = new Float64Array(bounds.length + 1);
  }

  /** Counts `v` in the first bucket whose bound is ≥ v (Prometheus' `le`). */
  observe(v: number): void {
    const b = this.bounds;
    let i = 0;
    while (i < b.length && v > b[i]!) i++;
    this.counts[i]!++;
    this.sum += v;
    this.count++;
  }
}

/** Non-cumulative bucket counts of several children with the same bounds, added up. */
export function mergeCounts(children: readonly HistogramChild[], bounds: Float64Array): Float64Array {
  const out = new Float64Array(bounds.length + 1);
  for (const c of children) for (let i = 0; i < out.length; i++) out[i]! += c.counts[i]!;
  return out;
}

/**
 * The q-quantile (0 ≤ q ≤ 1) estimated as `histogram_quantile` does: find the bucket holding the
 * rank, interpolate linearly inside it (the first bucket from 0). A rank in the `+Inf` bucket
 * gives the highest finite bound. null when there are no observations.
 */
export function estimateQuantile(bounds: Float64Array, counts: Float64Array, q: number): number | null {
  let total = 0;
  for (const c of counts) total += c;
  if (total === 0) return null;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const inBucket = counts[i]!;
    if (below + inBucket >= rank && inBucket > 0) {
      if (i === bounds.length) return bounds[bounds.length - 1]!;
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      return lower + (bounds[i]! - lower) * ((rank - below) / inBucket);
    }
    below += inBucket;
  }
  return bounds[bounds.length - 1]!;
}
