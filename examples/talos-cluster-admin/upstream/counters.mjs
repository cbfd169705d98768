/**
 * Per-tool call counters. They prove from the upstream's side which calls a proxy let
 * through: read them as the MCP resource `talos://stats/calls`, or (when the environment
 * variable TALOS_UPSTREAM_COUNTS_FILE names a file) straight from that file, which is
 * rewritten after every call. Same contract as the Zendesk example's counters.
 *
 * @module
 */
import { CallCounters } from '../../shared/counters.mjs';

/** The tool names the counters track, in listing order. */
export const TOOL_NAMES = /** @type {const} */ ([
  'talos_version', 'talos_system_stats', 'talos_list_containers', 'talos_service_logs',
  'talos_etcd_status', 'talos_dmesg', 'talos_kubeconfig', 'talos_reboot', 'talos_apply_config',
  'talos_reset', 'talos_upgrade', 'talos_etcd_remove_member',
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
