/**
 * One load phase: `total` `tools/call` requests sent by `concurrency` workers, each waiting for its
 * reply before sending the next (closed loop, fixed concurrency). Each request is timed alone with
 * `process.hrtime.bigint()` and its reply checked.
 */
import type { HttpClient } from "./http-client.js";
import { checkResult } from "./response.js";

/** What to send. */
export interface CallPlan {
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The tools/call `params` (name + arguments), serialized. */
  readonly paramsJson: string;
}

/** Outcome of a phase. */
export interface PhaseResult {
  /** Requests completed (≤ total when the deadline cut the phase short). */
  readonly completed: number;
  readonly errors: number;
  /** The first error seen, for the report; null when there were none. */
  readonly firstError: string | null;
  readonly wallNs: number;
}

/**
 * Run a phase. Request ids start at `firstId`. When `latenciesNs` is given, request i's latency is
 * stored at index i. Workers stop taking new requests once `deadlineNs` (an hrtime value; 0 for
 * none) has passed.
 */
export async function runPhase(
  client: HttpClient,
  plan: CallPlan,
  options: { total: number; concurrency: number; firstId: number; latenciesNs?: Float64Array; deadlineNs?: bigint },
): Promise<PhaseResult> {
  const { total, concurrency, firstId, latenciesNs } = options;
  const deadline = options.deadlineNs ?? 0n;
  // The body is the only per-request string: a fixed prefix, the id, and "}".
  const prefix = `{"jsonrpc":"2.0","method":"tools/call","params":${plan.paramsJson},"id":`;
  let next = 0;
  let errors = 0;
  let firstError: string | null = null;

  const worker = async (): Promise<void> => {
    while (next < total) {
      const i = next++;
      const id = firstId + i;
      const t0 = process.hrtime.bigint();
      let problem: string | null;
      try {
        const res = await client.request("POST", plan.path, plan.headers, `${prefix}${id}}`);
        problem = checkResult(res.status, res.contentType, res.body, id);
      } catch (err) {
        problem = `transport: ${(err as Error).message}`;
      }
      const t1 = process.hrtime.bigint();
      if (latenciesNs !== undefined) latenciesNs[i] = Number(t1 - t0);
      if (problem !== null) {
        errors++;
        firstError ??= problem;
      }
      if (deadline !== 0n && t1 > deadline) break;
    }
  };

  const start = process.hrtime.bigint();
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  // Every index handed out was awaited by its worker, so `next` requests completed.
  return { completed: next, errors, firstError, wallNs: Number(process.hrtime.bigint() - start) };
}
