/**
 * Per-tool call counters. They prove from the upstream's side which calls a proxy let
 * through: read them as the MCP resource `zendesk://stats/calls`, or (when the environment
 * variable ZENDESK_UPSTREAM_COUNTS_FILE names a file) straight from that file, which is
 * rewritten after every call.
 *
 * @module
 */
import { CallCounters } from '../../shared/counters.mjs';

/** The tool names the counters track, in listing order. */
export const TOOL_NAMES = /** @type {const} */ ([
  'ticket_search', 'get_ticket', 'update_ticket', 'user_delete', 'export_all', 'admin_purge',
]);

/** @typedef {typeof TOOL_NAMES[number]} ToolName */

/**
 * The counters of this example's tools.
 * @param {string | undefined} file where to mirror the counts; nothing is written when undefined
 * @returns {CallCounters<ToolName>}
 */
export function toolCounters(file) {
  return new CallCounters(TOOL_NAMES, file);
}
