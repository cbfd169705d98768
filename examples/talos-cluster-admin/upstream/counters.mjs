/**
 * Per-tool call counters. They prove from the upstream's side which calls a proxy let
 * through: read them as the MCP resource `talos://stats/calls`, or (when the environment
 * variable TALOS_UPSTREAM_COUNTS_FILE names a file) straight from that file, which is
 * rewritten after every call. Same contract as the Zendesk example's counters.
 *
 * @module
 */
import { renameSync, writeFileSync } from 'node:fs';

/** The tool names the counters track, in listing order. */
export const TOOL_NAMES = /** @type {const} */ ([
  'talos_version', 'talos_system_stats', 'talos_list_containers', 'talos_service_logs',
  'talos_etcd_status', 'talos_dmesg', 'talos_kubeconfig', 'talos_reboot', 'talos_apply_config',
  'talos_reset', 'talos_upgrade', 'talos_etcd_remove_member',
]);

/** @typedef {typeof TOOL_NAMES[number]} ToolName */

/** Call counts for one process, shared by every session it serves. */
export class CallCounters {
  /** @type {Record<ToolName, number>} */
  #counts;
  /** @type {string | undefined} */
  #file;

  /** @param {string | undefined} file where to mirror the counts; nothing is written when undefined */
  constructor(file) {
    this.#counts = /** @type {Record<ToolName, number>} */ (
      Object.fromEntries(TOOL_NAMES.map((name) => [name, 0]))
    );
    this.#file = file || undefined;
    this.#flush();
  }

  /**
   * Counts one call, before the tool runs (a call that then fails still reached the upstream).
   * @param {ToolName} tool
   */
  record(tool) {
    this.#counts[tool] += 1;
    this.#flush();
  }

  /** @returns {Record<ToolName, number>} a copy of the current counts */
  snapshot() {
    return { ...this.#counts };
  }

  /** Writes the whole JSON synchronously, through a temporary file and a rename (no torn reads). */
  #flush() {
    if (this.#file === undefined) return;
    const tmp = `${this.#file}.${process.pid}.tmp`;
    writeFileSync(tmp, `${JSON.stringify(this.#counts)}\n`);
    renameSync(tmp, this.#file);
  }
}
