/**
 * The simulated Talos cluster behind the example upstream: three control-plane nodes
 * (10.0.0.10-12) running etcd and three workers (10.0.0.21-23), with uptimes, containers,
 * service logs, kernel messages, machine configs and etcd membership. What each upstream tool
 * does to that state lives here; `mcp.mjs` only registers the tools.
 *
 * Each `Cluster` owns its own state, so a fresh process starts from the same cluster.
 *
 * @module
 */
import { adminKubeconfig, deepMerge, machineConfig } from './secrets.mjs';

/**
 * @typedef {'controlplane' | 'worker'} NodeRole
 * @typedef {'running' | 'maintenance'} NodeStage
 * @typedef {{
 *   ip: string, hostname: string, role: NodeRole, stage: NodeStage,
 *   talosVersion: string, bootedAt: number, bootId: number, rebootCount: number,
 *   configVersion: number, configPatch: Record<string, unknown>, stagedPatch: Record<string, unknown> | null,
 *   memoryMiB: number, cpus: number,
 * }} ClusterNode
 * @typedef {'auto' | 'no-reboot' | 'reboot' | 'staged' | 'try'} ApplyMode
 */

/** Raised for a request that names a node, service or member the cluster does not have. */
export class ClusterError extends Error {}

/** Talos apply-config modes this server accepts (`interactive` needs a console, so not here). */
export const APPLY_MODES = /** @type {const} */ (['auto', 'no-reboot', 'reboot', 'staged', 'try']);
/** Services every node runs; control-plane nodes also run `etcd` and `trustd`. */
const BASE_SERVICES = ['apid', 'containerd', 'cri', 'kubelet', 'machined', 'udevd'];
const CONTROL_PLANE_SERVICES = [...BASE_SERVICES, 'etcd', 'trustd'].sort();
const TALOS_VERSION = 'v1.9.5';
const KUBERNETES_VERSION = 'v1.32.3';
const ENDPOINT = 'https://10.0.0.10:6443';
const DAY_MS = 86_400_000;

/**
 * The six nodes, with boot times that many days back (so reboots show as a drop in uptime).
 * @param {number} now
 * @returns {ClusterNode[]}
 */
function seedNodes(now) {
  /** @type {[string, string, NodeRole, number][]} */
  const spec = [
    ['10.0.0.10', 'cp-1', 'controlplane', 41], ['10.0.0.11', 'cp-2', 'controlplane', 41],
    ['10.0.0.12', 'cp-3', 'controlplane', 40], ['10.0.0.21', 'worker-1', 'worker', 12],
    ['10.0.0.22', 'worker-2', 'worker', 12], ['10.0.0.23', 'worker-3', 'worker', 3],
  ];
  return spec.map(([ip, hostname, role, days], i) => ({
    ip, hostname, role, stage: 'running', talosVersion: TALOS_VERSION,
    bootedAt: now - days * DAY_MS - i * 60_000, bootId: 1, rebootCount: 0,
    configVersion: 1, configPatch: {}, stagedPatch: null,
    memoryMiB: role === 'controlplane' ? 8192 : 16384, cpus: role === 'controlplane' ? 4 : 8,
  }));
}

/** The cluster state plus the operations the upstream tools expose. */
export class Cluster {
  /** @type {ClusterNode[]} */
  nodes;
  /** @type {string[]} etcd member hostnames, in join order */
  etcdMembers;
  /** @type {() => number} */
  #clock;

  /** @param {() => number} [clock] milliseconds since the epoch; `Date.now` by default */
  constructor(clock = Date.now) {
    this.#clock = clock;
    this.nodes = seedNodes(clock());
    this.etcdMembers = this.nodes.filter((n) => n.role === 'controlplane').map((n) => n.hostname);
  }

  /**
   * The named nodes (by IP or hostname), or every node when `refs` is empty or absent.
   * @param {string[] | undefined} refs
   * @returns {ClusterNode[]}
   */
  select(refs) {
    if (!refs || refs.length === 0) return this.nodes;
    return refs.map((ref) => {
      const node = this.nodes.find((n) => n.ip === ref || n.hostname === ref);
      if (!node) throw new ClusterError(`node ${ref} not found (nodes: ${this.nodes.map((n) => n.ip).join(', ')})`);
      return node;
    });
  }

  /** @param {ClusterNode} node */
  uptimeSeconds(node) {
    return Math.max(0, Math.floor((this.#clock() - node.bootedAt) / 1000));
  }

  /** @param {string[] | undefined} refs */
  version(refs) {
    return {
      client: { tag: TALOS_VERSION, arch: 'amd64' },
      nodes: this.select(refs).map((n) => ({
        node: n.ip, tag: n.talosVersion, kubernetes: KUBERNETES_VERSION, arch: 'amd64', stage: n.stage,
      })),
    };
  }

  /** @param {string[] | undefined} refs */
  systemStats(refs) {
    return {
      nodes: this.select(refs).map((n, i) => ({
        node: n.ip,
        hostname: n.hostname,
        role: n.role,
        uptime_seconds: this.uptimeSeconds(n),
        boot_id: n.bootId,
        cpus: n.cpus,
        load_avg: [0.42 + i / 10, 0.38 + i / 10, 0.35 + i / 10],
        memory: { total_mib: n.memoryMiB, used_mib: Math.round(n.memoryMiB * (0.31 + i / 50)) },
      })),
    };
  }

  /**
   * @param {string[] | undefined} refs
   * @param {'system' | 'k8s'} namespace
   */
  listContainers(refs, namespace) {
    return {
      namespace,
      nodes: this.select(refs).map((n) => ({
        node: n.ip,
        containers: namespace === 'system'
          ? this.#services(n).filter((s) => s !== 'machined' && s !== 'udevd').map((s) => ({
            id: s, image: s === 'etcd' ? 'gcr.io/etcd-development/etcd:v3.5.17' : `ghcr.io/siderolabs/${s}:${n.talosVersion}`,
            state: 'RUNNING', pid: 1000 + s.length * 7,
          }))
          : [
            { id: 'kube-system/kube-proxy', image: `registry.k8s.io/kube-proxy:${KUBERNETES_VERSION}`, state: 'RUNNING', pid: 2101 },
            { id: 'kube-system/kube-flannel', image: 'ghcr.io/siderolabs/flannel:v0.26.1', state: 'RUNNING', pid: 2203 },
            ...(n.role === 'controlplane'
              ? ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler'].map((c, j) => ({
                id: `kube-system/${c}-${n.hostname}`, image: `registry.k8s.io/${c}:${KUBERNETES_VERSION}`, state: 'RUNNING', pid: 2300 + j,
              }))
              : [{ id: 'default/web-7d9c', image: 'nginx:1.27', state: 'RUNNING', pid: 3120 }]),
          ],
      })),
    };
  }

  /**
   * The last `tail` lines of one service's log on one node.
   * @param {string} ref
   * @param {string} service
   * @param {number} tail
   */
  serviceLogs(ref, service, tail) {
    const [node] = this.select([ref]);
    if (!this.#services(node).includes(service)) {
      throw new ClusterError(`service ${service} not found on ${node.ip} (services: ${this.#services(node).join(', ')})`);
    }
    const boot = new Date(node.bootedAt).toISOString();
    const lines = [
      `${boot} ${node.hostname} ${service}[${node.bootId}]: starting ${service}`,
      `${boot} ${node.hostname} ${service}[${node.bootId}]: ${service} ready`,
      ...(service === 'etcd'
        ? this.etcdMembers.map((m) => `${boot} ${node.hostname} etcd: peer ${m} active`)
        : [`${boot} ${node.hostname} ${service}: health check passed`]),
    ];
    return { node: node.ip, service, lines: lines.slice(-tail) };
  }

  /** @param {string[] | undefined} refs */
  etcdStatus(refs) {
    const nodes = this.select(refs?.length ? refs : this.nodes.filter((n) => n.role === 'controlplane').map((n) => n.ip));
    return {
      members: this.etcdMembers.map((hostname, i) => ({ id: (0x8e9e05c52164694dn + BigInt(i)).toString(16), hostname })),
      nodes: nodes.map((n) => {
        if (n.role !== 'controlplane') throw new ClusterError(`etcd is not running on worker ${n.ip}`);
        return {
          node: n.ip,
          member: this.etcdMembers.includes(n.hostname) ? n.hostname : null,
          leader: n.hostname === this.etcdMembers[0],
          db_size_bytes: 24_117_248,
          raft_term: 7 + n.rebootCount,
        };
      }),
    };
  }

  /**
   * @param {string[] | undefined} refs
   * @param {number} tail
   */
  dmesg(refs, tail) {
    return {
      nodes: this.select(refs).map((n) => ({
        node: n.ip,
        lines: [
          '[    0.000000] Linux version 6.12.18-talos (root@buildkitsandbox) #1 SMP',
          `[    0.000000] Command line: talos.platform=metal talos.hostname=${n.hostname}`,
          '[    1.204512] EXT4-fs (sda4): mounted filesystem with ordered data mode',
          `[    2.881003] eth0: link up, 10Gbps, full duplex (${n.ip})`,
          `[    3.100220] talos: boot ${n.bootId}, machined started`,
        ].slice(-tail),
      })),
    };
  }

  /** @param {string[] | undefined} refs */
  kubeconfig(refs) {
    const [node] = this.select(refs?.length ? refs : ['10.0.0.10']);
    if (node.role !== 'controlplane') throw new ClusterError(`${node.ip} is a worker; ask a control-plane node`);
    return { node: node.ip, context: 'admin@talos-example', kubeconfig: adminKubeconfig(ENDPOINT) };
  }

  /**
   * Reboots nodes (unless `dryRun`): uptime restarts from zero and the boot id goes up. A node
   * with a staged config applies it on the way up.
   * @param {string[]} refs
   * @param {{ mode: 'default' | 'powercycle', dryRun: boolean }} options
   */
  reboot(refs, { mode, dryRun }) {
    const targets = this.select(refs);
    return {
      dry_run: dryRun,
      mode,
      nodes: targets.map((n) => {
        const previous = this.uptimeSeconds(n);
        if (!dryRun) this.#reboot(n);
        return { node: n.ip, rebooted: !dryRun, previous_uptime_seconds: previous, boot_id: n.bootId };
      }),
    };
  }

  /**
   * Applies a config patch. `auto` reboots only when the patch touches `machine.install`;
   * `staged` waits for the next reboot; `try` applies (a real node would roll back after a
   * timeout). Every result carries the node's resulting machine config, secrets included.
   * @param {string[]} refs
   * @param {{ mode: ApplyMode, dryRun: boolean, patch: Record<string, unknown> }} options
   */
  applyConfig(refs, { mode, dryRun, patch }) {
    const targets = this.select(refs);
    const needsReboot = mode === 'reboot' || (mode === 'auto' && isRecord(patch.machine) && 'install' in patch.machine);
    return {
      dry_run: dryRun,
      mode,
      nodes: targets.map((n) => {
        const merged = deepMerge(n.configPatch, patch);
        if (dryRun) {
          return { node: n.ip, applied: false, reboot_required: needsReboot, rebooted: false,
            config_version: n.configVersion, config: machineConfig(n, ENDPOINT, merged) };
        }
        if (mode === 'staged') {
          n.stagedPatch = deepMerge(n.stagedPatch ?? {}, patch);
        } else {
          n.configPatch = merged;
          n.configVersion += 1;
          if (needsReboot) this.#reboot(n);
        }
        return { node: n.ip, applied: mode !== 'staged', staged: mode === 'staged', reboot_required: needsReboot,
          rebooted: needsReboot, config_version: n.configVersion, config: machineConfig(n, ENDPOINT, n.configPatch) };
      }),
    };
  }

  /**
   * Wipes nodes back to maintenance mode and drops them from etcd.
   * @param {string[]} refs
   * @param {boolean} graceful
   */
  reset(refs, graceful) {
    return {
      graceful,
      nodes: this.select(refs).map((n) => {
        n.stage = 'maintenance';
        n.configPatch = {};
        n.configVersion = 0;
        this.etcdMembers = this.etcdMembers.filter((m) => m !== n.hostname);
        this.#reboot(n);
        return { node: n.ip, reset: true, stage: n.stage };
      }),
    };
  }

  /**
   * Installs the image's Talos version and reboots (unless `stage`, which waits for a reboot).
   * @param {string[]} refs
   * @param {string} image e.g. `ghcr.io/siderolabs/installer:v1.10.0`
   * @param {boolean} stage
   */
  upgrade(refs, image, stage) {
    const tag = /:(v\d+\.\d+\.\d+)$/.exec(image)?.[1];
    if (!tag) throw new ClusterError(`image ${image} has no vX.Y.Z tag`);
    return {
      image,
      nodes: this.select(refs).map((n) => {
        const from = n.talosVersion;
        if (!stage) {
          n.talosVersion = tag;
          this.#reboot(n);
        }
        return { node: n.ip, from, to: tag, staged: stage, rebooted: !stage };
      }),
    };
  }

  /**
   * Removes a member (by hostname or IP) from etcd.
   * @param {string} member
   */
  etcdRemoveMember(member) {
    const node = this.nodes.find((n) => n.hostname === member || n.ip === member);
    const hostname = node?.hostname ?? member;
    if (!this.etcdMembers.includes(hostname)) throw new ClusterError(`etcd member ${member} not found`);
    this.etcdMembers = this.etcdMembers.filter((m) => m !== hostname);
    return { removed: hostname, members: [...this.etcdMembers] };
  }

  /** @param {ClusterNode} node */
  #services(node) {
    return node.role === 'controlplane' ? CONTROL_PLANE_SERVICES : BASE_SERVICES;
  }

  /** @param {ClusterNode} node */
  #reboot(node) {
    node.bootedAt = this.#clock();
    node.bootId += 1;
    node.rebootCount += 1;
    if (node.stagedPatch) {
      node.configPatch = deepMerge(node.configPatch, node.stagedPatch);
      node.configVersion += 1;
      node.stagedPatch = null;
    }
  }
}

/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
