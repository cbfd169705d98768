/**
 * Tool results of the example upstreams: structured content with its JSON text mirror, and
 * tool-level failures (`isError: true`) the model gets to see and react to.
 *
 * @module
 */

/**
 * A successful tool result: structured content plus its JSON text mirror.
 * @param {Record<string, unknown>} value
 */
export function ok(value) {
  return { content: [{ type: /** @type {const} */ ('text'), text: JSON.stringify(value) }], structuredContent: value };
}

/**
 * A tool-level failure.
 * @param {string} message
 */
export function failure(message) {
  return { content: [{ type: /** @type {const} */ ('text'), text: message }], isError: true };
}

/**
 * Wraps a tool body: counts the call first, and turns the domain's own error into an error
 * result (anything else is a bug and propagates as a JSON-RPC error).
 * @template A
 * @template {string} Name
 * @param {import('./counters.mjs').CallCounters<Name>} counters
 * @param {Name} name
 * @param {new (...args: any[]) => Error} DomainError
 * @param {(args: A) => Record<string, unknown>} body
 * @returns {(args: A) => Promise<ReturnType<typeof ok> | ReturnType<typeof failure>>}
 */
export function counted(counters, name, DomainError, body) {
  return async (args) => {
    counters.record(name);
    try {
      return ok(body(args));
    } catch (err) {
      if (err instanceof DomainError) return failure(err.message);
      throw err;
    }
  };
}
