/**
 * The MCP face of the example Talos cluster: twelve tools (seven reads, five destructive), one
 * prompt and one resource with the call counters, registered on the v1 SDK's `McpServer`.
 *
 * Tool results carry `structuredContent` (validated by the SDK against each tool's
 * `outputSchema`) and the same JSON, serialized, as a text block. Machine configs come back
 * with their secrets and the kubeconfig with a JWT and a PEM private key, on purpose: hiding
 * them is the proxy's job.
 *
 * @module
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
// zod comes with the SDK (its dependency and peer dependency); McpServer schemas are zod schemas.
import { z } from 'zod';
import { registerCallStats } from '../../shared/counters.mjs';
import { counted } from '../../shared/tool-results.mjs';
import { APPLY_MODES, ClusterError } from './cluster.mjs';

/**
 * @typedef {import('./cluster.mjs').Cluster} Cluster
 * @typedef {import('./counters.mjs').ToolName} ToolName
 * @typedef {import('../../shared/counters.mjs').CallCounters<ToolName>} CallCounters
 */

/** Server name and version announced in `initialize`. */
export const SERVER_INFO = { name: 'talos-upstream-example', version: '1.0.0' };
/** URI of the resource holding the per-tool call counts. */
export const CALL_STATS_URI = 'talos://stats/calls';

const nodeRefs = z.array(z.string()).describe('Node IPs or hostnames; every node when omitted or empty');
const targetNodes = z.array(z.string()).min(1).describe('Node IPs or hostnames (at least one)');
const dryRun = z.boolean().describe('Report what would happen and change nothing');
const tailLines = z.number().int().min(1).max(1000);
/** Per-node results: the node plus tool-specific fields (kept open; the tools document them). */
const perNode = z.array(z.looseObject({ node: z.string() }));


const READ = { readOnlyHint: true, openWorldHint: false };
const DESTRUCTIVE = { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: false };

/**
 * Builds one MCP server over a shared cluster and counter set. Call it once per session: an
 * `McpServer` speaks to exactly one transport.
 * @param {{ cluster: Cluster, counters: CallCounters }} deps
 * @returns {McpServer}
 */
export function createTalosServer({ cluster, counters }) {
  const server = new McpServer(SERVER_INFO, {
    instructions: 'Example Talos cluster admin server over a simulated cluster. Secrets in results are invented but unredacted.',
  });

  server.registerTool('talos_version', {
    title: 'Talos version',
    description: 'Talos and Kubernetes versions of the client and of each node.',
    inputSchema: { nodes: nodeRefs.optional() },
    outputSchema: { client: z.object({ tag: z.string(), arch: z.string() }), nodes: perNode },
    annotations: READ,
  }, counted(counters, 'talos_version', ClusterError, ({ nodes }) => cluster.version(nodes)));

  server.registerTool('talos_system_stats', {
    title: 'System stats',
    description: 'Uptime, boot id, load average, CPU count and memory use of each node.',
    inputSchema: { nodes: nodeRefs.optional() },
    outputSchema: { nodes: perNode },
    annotations: READ,
  }, counted(counters, 'talos_system_stats', ClusterError, ({ nodes }) => cluster.systemStats(nodes)));

  server.registerTool('talos_list_containers', {
    title: 'List containers',
    description: 'Containers on each node: Talos system services (namespace "system", default) or Kubernetes pods ("k8s").',
    inputSchema: { nodes: nodeRefs.optional(), namespace: z.enum(['system', 'k8s']).optional() },
    outputSchema: { namespace: z.enum(['system', 'k8s']), nodes: perNode },
    annotations: READ,
  }, counted(counters, 'talos_list_containers', ClusterError, ({ nodes, namespace }) => cluster.listContainers(nodes, namespace ?? 'system')));

  server.registerTool('talos_service_logs', {
    title: 'Service logs',
    description: 'The last lines of one Talos service log (apid, containerd, cri, kubelet, machined, udevd; etcd and trustd on control-plane nodes).',
    inputSchema: { node: z.string().describe('Node IP or hostname'), service: z.string(), tail_lines: tailLines.optional() },
    outputSchema: { node: z.string(), service: z.string(), lines: z.array(z.string()) },
    annotations: READ,
  }, counted(counters, 'talos_service_logs', ClusterError, ({ node, service, tail_lines }) => cluster.serviceLogs(node, service, tail_lines ?? 50)));

  server.registerTool('talos_etcd_status', {
    title: 'etcd status',
    description: 'etcd members and per-node status (leader, DB size, raft term); control-plane nodes only.',
    inputSchema: { nodes: nodeRefs.optional() },
    outputSchema: { members: z.array(z.object({ id: z.string(), hostname: z.string() })), nodes: perNode },
    annotations: READ,
  }, counted(counters, 'talos_etcd_status', ClusterError, ({ nodes }) => cluster.etcdStatus(nodes)));

  server.registerTool('talos_dmesg', {
    title: 'Kernel messages',
    description: 'The kernel ring buffer of each node.',
    inputSchema: { nodes: nodeRefs.optional(), tail_lines: tailLines.optional() },
    outputSchema: { nodes: perNode },
    annotations: READ,
  }, counted(counters, 'talos_dmesg', ClusterError, ({ nodes, tail_lines }) => cluster.dmesg(nodes, tail_lines ?? 100)));

  server.registerTool('talos_kubeconfig', {
    title: 'Admin kubeconfig',
    description: 'An admin kubeconfig for the cluster, from a control-plane node (10.0.0.10 by default). Holds cluster credentials.',
    inputSchema: { nodes: nodeRefs.optional() },
    outputSchema: { node: z.string(), context: z.string(), kubeconfig: z.string() },
    annotations: READ,
  }, counted(counters, 'talos_kubeconfig', ClusterError, ({ nodes }) => cluster.kubeconfig(nodes)));

  server.registerTool('talos_reboot', {
    title: 'Reboot nodes',
    description: 'Reboots the given nodes; their uptime restarts and the boot id increases. dry_run only reports.',
    inputSchema: { nodes: targetNodes, mode: z.enum(['default', 'powercycle']).optional(), dry_run: dryRun.optional() },
    outputSchema: { dry_run: z.boolean(), mode: z.string(), nodes: perNode },
    annotations: DESTRUCTIVE,
  }, counted(counters, 'talos_reboot', ClusterError, ({ nodes, mode, dry_run }) =>
    cluster.reboot(nodes, { mode: mode ?? 'default', dryRun: dry_run ?? false })));

  server.registerTool('talos_apply_config', {
    title: 'Apply machine config',
    description: 'Merges config_patch into each node\'s machine config and applies it. Modes: auto (default; reboots when '
      + 'machine.install changes), reboot, no-reboot, staged (on next reboot), try. Returns each node\'s resulting config.',
    inputSchema: {
      nodes: targetNodes,
      mode: z.enum(APPLY_MODES).optional(),
      dry_run: dryRun.optional(),
      config_patch: z.record(z.string(), z.unknown()).optional(),
    },
    outputSchema: { dry_run: z.boolean(), mode: z.enum(APPLY_MODES), nodes: perNode },
    annotations: DESTRUCTIVE,
  }, counted(counters, 'talos_apply_config', ClusterError, ({ nodes, mode, dry_run, config_patch }) =>
    cluster.applyConfig(nodes, { mode: mode ?? 'auto', dryRun: dry_run ?? false, patch: config_patch ?? {} })));

  server.registerTool('talos_reset', {
    title: 'Reset nodes',
    description: 'Wipes the given nodes back to maintenance mode and removes them from etcd.',
    inputSchema: { nodes: targetNodes, graceful: z.boolean().optional() },
    outputSchema: { graceful: z.boolean(), nodes: perNode },
    annotations: DESTRUCTIVE,
  }, counted(counters, 'talos_reset', ClusterError, ({ nodes, graceful }) => cluster.reset(nodes, graceful ?? true)));

  server.registerTool('talos_upgrade', {
    title: 'Upgrade Talos',
    description: 'Installs the Talos version of the installer image (e.g. ghcr.io/siderolabs/installer:v1.10.0) and reboots; stage waits for a reboot.',
    inputSchema: { nodes: targetNodes, image: z.string(), stage: z.boolean().optional() },
    outputSchema: { image: z.string(), nodes: perNode },
    annotations: DESTRUCTIVE,
  }, counted(counters, 'talos_upgrade', ClusterError, ({ nodes, image, stage }) => cluster.upgrade(nodes, image, stage ?? false)));

  server.registerTool('talos_etcd_remove_member', {
    title: 'Remove etcd member',
    description: 'Removes a control-plane node (hostname or IP) from the etcd cluster.',
    inputSchema: { member: z.string() },
    outputSchema: { removed: z.string(), members: z.array(z.string()) },
    annotations: DESTRUCTIVE,
  }, counted(counters, 'talos_etcd_remove_member', ClusterError, ({ member }) => cluster.etcdRemoveMember(member)));

  server.registerPrompt('diagnose_node', {
    title: 'Diagnose a node',
    description: 'Asks the model to find out why a node is unhealthy, using only the read tools.',
    argsSchema: {
      node: completable(z.string(), (value) =>
        cluster.nodes.map((n) => n.ip).filter((ip) => ip.startsWith(value ?? ''))),
    },
  }, ({ node }) => {
    const [target] = cluster.select([node]);
    const text = [
      `Node ${target.ip} (${target.hostname}, ${target.role}) is reported unhealthy.`,
      'Use talos_system_stats, talos_service_logs, talos_dmesg'
        + (target.role === 'controlplane' ? ' and talos_etcd_status' : '') + ' to find the cause.',
      'Do not reboot, reset or reconfigure the node; propose a fix for a human instead.',
    ].join('\n');
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
  });

  registerCallStats(server, CALL_STATS_URI, counters);

  return server;
}
