/**
 * Per-tool call counters for the example upstreams. They prove from the upstream's side which
 * calls a proxy let through: the examples serve them as an MCP resource, and (when a file is
 * named, from the example's `*_UPSTREAM_COUNTS_FILE` environment variable) mirror them to that
 * file, rewritten after every call.
 *
 * @module
 */
import { renameSync, writeFileSync } from 'node:fs';

/**
 * Call counts for one process, shared by every session it serves.
 * @template {string} Name
 */
export class CallCounters {
  /** @type {Record<Name, number>} */
  #counts;
  /** @type {string | undefined} */
  #file;

  /**
   * @param {readonly Name[]} names the tool names to count, in listing order
   * @param {string | undefined} file where to mirror the counts; nothing is written when undefined
   */
  constructor(names, file) {
    this.#counts = /** @type {Record<Name, number>} */ (Object.fromEntries(names.map((name) => [name, 0])));
    this.#file = file || undefined;
    this.#flush();
  }

  /**
   * Counts one call, before the tool runs (a call that then fails still reached the upstream).
   * @param {Name} tool
   */
  record(tool) {
    this.#counts[tool] += 1;
    this.#flush();
  }

  /** @returns {Record<Name, number>} a copy of the current counts */
  snapshot() {
    return { ...this.#counts };
  }

  /**
   * Writes the whole JSON synchronously, through a temporary file and a rename so that a
   * reader never sees half a file.
   */
  #flush() {
    if (this.#file === undefined) return;
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#counts)}\n`);
    renameSync(tmp, this.#file);
  }
}

/**
 * Serves the counters as the MCP resource `uri` (JSON `{tool: count}`), so a client can read what
 * reached the upstream without the counts file.
 * @template {string} Name
 * @param {import('@modelcontextprotocol/sdk/server/mcp.js').McpServer} server
 * @param {string} uri
 * @param {CallCounters<Name>} counters
 */
export function registerCallStats(server, uri, counters) {
  server.registerResource('call-stats', uri, {
    title: 'Upstream call counters',
    description: 'How many times each tool reached this upstream, as JSON {tool: count}.',
    mimeType: 'application/json',
  }, (u) => ({
    contents: [{ uri: u.href, mimeType: 'application/json', text: JSON.stringify(counters.snapshot()) }],
  }));
}
