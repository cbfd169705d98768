/**
 * The invented cluster secrets the example hands out: a Talos machine config (with `ca.key`,
 * `token`, `secretboxEncryptionSecret` and `aescbcEncryptionSecret`, which the §13.2 `redact`
 * rule must hide) and an admin kubeconfig (with a service-account JWT and a PEM private key,
 * which the §13.2 `block response` rule must stop).
 *
 * Nothing here is a real key: every value is a SHA-256 digest of a fixed label, shaped like the
 * real thing (base64 PEM, bootstrap token, JWT), so runs are reproducible and tests can match
 * exact values.
 *
 * @module
 */
import { createHash } from 'node:crypto';

/**
 * `n` bytes derived from `label`, deterministic across runs.
 * @param {string} label
 * @param {number} n
 * @returns {Buffer}
 */
function fakeBytes(label, n) {
  /** @type {Buffer[]} */
  const parts = [];
  for (let i = 0; parts.length * 32 < n; i++) {
    parts.push(createHash('sha256').update(`talos-example:${label}:${i}`).digest());
  }
  return Buffer.concat(parts).subarray(0, n);
}

/**
 * A PEM block with invented contents.
 * @param {string} type e.g. `CERTIFICATE`, `ED25519 PRIVATE KEY`
 * @param {string} label
 * @returns {string}
 */
function fakePem(type, label) {
  const body = fakeBytes(label, 96).toString('base64').replace(/.{64}/g, '$&\n').trimEnd();
  return `-----BEGIN ${type}-----\n${body}\n-----END ${type}-----\n`;
}

/**
 * Talos stores certificates and keys in its config base64-encoded, so the raw PEM armour (and
 * the `private_key` detector's match) never appears in a machine config.
 * @param {string} type
 * @param {string} label
 */
function b64Pem(type, label) {
  return Buffer.from(fakePem(type, label)).toString('base64');
}

/** A kubeadm-style bootstrap token, `[a-z0-9]{6}.[a-z0-9]{16}`. */
function bootstrapToken(label) {
  const hex = fakeBytes(label, 11).toString('hex');
  return `${hex.slice(0, 6)}.${hex.slice(6, 22)}`;
}

/** The cluster-wide secrets, as the example's fixed values. */
export const CLUSTER_SECRETS = Object.freeze({
  machineToken: bootstrapToken('machine-token'),
  clusterToken: bootstrapToken('cluster-token'),
  secretboxEncryptionSecret: fakeBytes('secretbox', 32).toString('base64'),
  aescbcEncryptionSecret: fakeBytes('aescbc', 32).toString('base64'),
  osCaKey: b64Pem('ED25519 PRIVATE KEY', 'os-ca-key'),
  osCaCrt: b64Pem('CERTIFICATE', 'os-ca-crt'),
  k8sCaKey: b64Pem('EC PRIVATE KEY', 'k8s-ca-key'),
  k8sCaCrt: b64Pem('CERTIFICATE', 'k8s-ca-crt'),
  etcdCaKey: b64Pem('EC PRIVATE KEY', 'etcd-ca-key'),
  etcdCaCrt: b64Pem('CERTIFICATE', 'etcd-ca-crt'),
});

/** The secret values a machine config holds, for tests that check none of them leaks. */
export const MACHINE_CONFIG_SECRET_VALUES = Object.freeze([
  CLUSTER_SECRETS.machineToken, CLUSTER_SECRETS.clusterToken,
  CLUSTER_SECRETS.secretboxEncryptionSecret, CLUSTER_SECRETS.aescbcEncryptionSecret,
  CLUSTER_SECRETS.osCaKey, CLUSTER_SECRETS.k8sCaKey, CLUSTER_SECRETS.etcdCaKey,
]);

/**
 * A `v1alpha1` machine config for one node. Simplified: every node, worker or control plane,
 * carries the same cluster secrets, so each apply_config result gives the redaction work.
 * @param {{ ip: string, hostname: string, role: 'controlplane' | 'worker' }} node
 * @param {string} endpoint the cluster's control-plane endpoint URL
 * @param {Record<string, unknown>} patch fields merged in by earlier apply_config calls
 * @returns {Record<string, unknown>}
 */
export function machineConfig(node, endpoint, patch) {
  const base = {
    version: 'v1alpha1',
    machine: {
      type: node.role,
      token: CLUSTER_SECRETS.machineToken,
      ca: { crt: CLUSTER_SECRETS.osCaCrt, key: CLUSTER_SECRETS.osCaKey },
      certSANs: [node.ip],
      kubelet: { image: 'ghcr.io/siderolabs/kubelet:v1.32.3' },
      network: { hostname: node.hostname, interfaces: [{ interface: 'eth0', addresses: [`${node.ip}/24`] }] },
      install: { disk: '/dev/sda', image: 'ghcr.io/siderolabs/installer:v1.9.5' },
    },
    cluster: {
      clusterName: 'talos-example',
      controlPlane: { endpoint },
      network: { dnsDomain: 'cluster.local', podSubnets: ['10.244.0.0/16'], serviceSubnets: ['10.96.0.0/12'] },
      token: CLUSTER_SECRETS.clusterToken,
      secretboxEncryptionSecret: CLUSTER_SECRETS.secretboxEncryptionSecret,
      aescbcEncryptionSecret: CLUSTER_SECRETS.aescbcEncryptionSecret,
      ca: { crt: CLUSTER_SECRETS.k8sCaCrt, key: CLUSTER_SECRETS.k8sCaKey },
      etcd: { ca: { crt: CLUSTER_SECRETS.etcdCaCrt, key: CLUSTER_SECRETS.etcdCaKey } },
    },
  };
  return deepMerge(base, patch);
}

/**
 * JSON merge (objects merge key by key; anything else replaces), as a config patch applies.
 * @param {Record<string, unknown>} target
 * @param {Record<string, unknown>} patch
 * @returns {Record<string, unknown>}
 */
export function deepMerge(target, patch) {
  /** @type {Record<string, unknown>} */
  const out = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const current = out[key];
    out[key] = isPlainObject(value) && isPlainObject(current) ? deepMerge(current, value) : value;
  }
  return out;
}

/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
function isPlainObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The service-account JWT in the admin kubeconfig: `eyJ…` header, payload and a fake signature. */
export const ADMIN_JWT = [
  Buffer.from(JSON.stringify({ alg: 'RS256', kid: 'talos-example' })).toString('base64url'),
  Buffer.from(JSON.stringify({
    iss: 'kubernetes/serviceaccount',
    sub: 'system:serviceaccount:kube-system:talos-admin',
    'kubernetes.io/serviceaccount/namespace': 'kube-system',
  })).toString('base64url'),
  fakeBytes('jwt-signature', 64).toString('base64url'),
].join('.');

/** The PEM private key of the admin client certificate, embedded in the clear. */
export const ADMIN_CLIENT_KEY = fakePem('PRIVATE KEY', 'admin-client-key');

/**
 * An admin kubeconfig for the cluster. Unlike `talosctl kubeconfig` (which base64-encodes
 * `client-key-data`), it embeds the client key as PEM and a bearer token, so both the
 * `private_key` and the `jwt` detectors find something.
 * @param {string} endpoint
 * @returns {string}
 */
export function adminKubeconfig(endpoint) {
  const key = ADMIN_CLIENT_KEY.trimEnd().split('\n').map((line) => `      ${line}`).join('\n');
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    '  - name: talos-example',
    '    cluster:',
    `      server: ${endpoint}`,
    `      certificate-authority-data: ${CLUSTER_SECRETS.k8sCaCrt}`,
    'users:',
    '  - name: admin@talos-example',
    '    user:',
    `      token: ${ADMIN_JWT}`,
    '      client-key: |',
    key,
    'contexts:',
    '  - name: admin@talos-example',
    '    context: { cluster: talos-example, user: admin@talos-example, namespace: default }',
    'current-context: admin@talos-example',
    '',
  ].join('\n');
}
