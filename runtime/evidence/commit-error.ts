/**
 * Unwrapping lmdb-js commit failures. When a batched transaction fails to commit, lmdb-js rejects
 * every put of the batch with a generic "Commit failed (see commitError for details)" whose
 * `commitError` property is a *promise*, rejected (in the same callback) with the real error
 * (EIO, ENOSPC, EFBIG, …). Nobody else handles that promise, so unless we attach a handler it
 * surfaces as an unhandled rejection and Node 20 terminates the process. This module attaches
 * the handler and returns the real cause.
 */

/** The underlying cause of a failed lmdb-js write: the `commitError` reason when there is one. */
export async function commitFailureCause(err: unknown): Promise<unknown> {
  const commitError = (err as { commitError?: unknown } | null)?.commitError;
  if (!isThenable(commitError)) return err;
  let cause: unknown = err;
  commitError.then(
    () => undefined,
    (reason: unknown) => {
      cause = reason;
    },
  );
  // lmdb-js rejects `commitError` synchronously right after rejecting the puts, so its handlers
  // have run once the current macrotask is over; waiting one turn never waits on I/O.
  await new Promise<void>((resolve) => setImmediate(resolve));
  return cause;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === "object" && value !== null && typeof (value as PromiseLike<unknown>).then === "function";
}
