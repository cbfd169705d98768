/**
 * `node <bundle>/server.mjs [--host 127.0.0.1] [--port 8080] [--data ./.talon]` (also
 * `talon serve <bundle>`): load the compiled bundle, open the evidence store, start one MCP
 * endpoint per agent and serve until SIGINT/SIGTERM. The first agent is also served at `/mcp`.
 */
import { readFileSync } from "node:fs";
import { basename, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { BearerAuth } from "./auth/bearer.js";
import { OidcAuth } from "./auth/oidc.js";
import { resolveSecret } from "./auth/secrets.js";
import { AdminAuth } from "./admin/admin-auth.js";
import { registerApprovalRoutes } from "./admin/approvals-api.js";
import { registerAuditRoutes } from "./admin/audit-routes.js";
import { secretInventory } from "./admin/secret-inventory.js";
import { EvidenceStream } from "./admin/stream.js";
import { Observability } from "./admin/observability.js";
import { registerObservabilityRoutes } from "./admin/observability-routes.js";
import { registerTelemetryRoutes } from "./admin/telemetry-api.js";
import { SigningKey, SIGNING_KEY_ENV, SIGNING_KEY_FILE_ENV } from "./evidence/checkpoint.js";
import { startRetention } from "./evidence/retention.js";
import type { EvidenceSink } from "./evidence/sink.js";
import { EvidenceStore } from "./evidence/store.js";
import { ShadowSeen, type GovernState } from "./govern/state.js";
import { ApprovalQueue } from "./state/approvals.js";
import { TokenBuckets } from "./state/buckets.js";
import { ConfirmTokens } from "./state/confirm-tokens.js";
import { IdempotencyStore } from "./state/idempotency.js";
import { StateStore } from "./state/state-store.js";
import { bundleRuntime } from "./helpers/bundle-runtime.js";
import type { BundleManifest, CompiledAgent, CompiledBundle } from "./hooks.js";
import { McpEndpoint, type UpstreamFactory } from "./mcp/endpoint.js";
import type { AgentContext } from "./pipeline.js";
import { createApp, listen, type RouteTarget } from "./server/app.js";
import { guardConfig } from "./server/guard.js";
import { loadUws } from "./server/uws.js";
import { closeHttpPools, HttpUpstream } from "./upstream/http.js";
import { killAllChildren, StdioUpstream } from "./upstream/stdio.js";
import { RUNTIME_VERSION } from "./version.js";

export interface ServeOptions {
  host: string;
  port: number;
  data: string;
  allowedHosts: string[];
  allowedOrigins: string[];
  maxBodyBytes: number;
  callTimeoutMs: number;
  idleTimeoutMs: number;
  /** Evidence: the journal's fdatasync window (the power-loss window), ms. */
  fsyncMs: number;
  /** Evidence: a signed checkpoint every N entries or T ms (with a signing key). */
  checkpointEvery: number;
  checkpointIntervalMs: number;
  /** Evidence signing key file (else TALON_EVIDENCE_KEY / TALON_EVIDENCE_KEY_FILE). */
  evidenceKeyFile: string | null;
  /** A separate listener for the admin and audit routes (null = they are on the main listener). */
  adminPort: number | null;
  adminHost: string;
}

const USAGE = `usage: node server.mjs [--host 127.0.0.1] [--port 8080] [--data ./.talon]
  [--allowed-host NAME]... [--allowed-origin ORIGIN]... [--max-body BYTES]
  [--call-timeout-ms 60000] [--idle-timeout-ms 1800000]
  [--evidence-key FILE] [--fsync-ms 200] [--checkpoint-every 1000] [--checkpoint-interval-ms 60000]
  [--admin-port N] [--admin-host 127.0.0.1]`;

export class UsageError extends Error {}

export function parseServeArgs(argv: readonly string[]): ServeOptions {
  const o: ServeOptions = {
    host: "127.0.0.1",
    port: 8080,
    data: "./.talon",
    allowedHosts: [],
    allowedOrigins: [],
    maxBodyBytes: 4 * 1024 * 1024,
    callTimeoutMs: 60_000,
    idleTimeoutMs: 30 * 60_000,
    fsyncMs: 200,
    checkpointEvery: 1000,
    checkpointIntervalMs: 60_000,
    evidenceKeyFile: null,
    adminPort: null,
    adminHost: "127.0.0.1",
  };
  const int = (flag: string, v: string | undefined, min: number, max: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} needs an integer in ${min}..${max}, got ${v ?? "nothing"}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const need = () => {
      if (v === undefined) throw new UsageError(`${a} needs a value`);
      i++;
      return v;
    };
    switch (a) {
      case "--host": o.host = need(); break;
      case "--port": o.port = int(a, need(), 0, 65535); break;
      case "--data": o.data = need(); break;
      case "--allowed-host": o.allowedHosts.push(need()); break;
      case "--allowed-origin": o.allowedOrigins.push(need()); break;
      case "--max-body": o.maxBodyBytes = int(a, need(), 1024, 1 << 30); break;
      case "--call-timeout-ms": o.callTimeoutMs = int(a, need(), 1, 86_400_000); break;
      case "--idle-timeout-ms": o.idleTimeoutMs = int(a, need(), 1000, 86_400_000); break;
      case "--fsync-ms": o.fsyncMs = int(a, need(), 1, 60_000); break;
      case "--checkpoint-every": o.checkpointEvery = int(a, need(), 1, 100_000_000); break;
      case "--checkpoint-interval-ms": o.checkpointIntervalMs = int(a, need(), 100, 86_400_000); break;
      case "--evidence-key": o.evidenceKeyFile = need(); break;
      case "--admin-port": o.adminPort = int(a, need(), 0, 65535); break;
      case "--admin-host": o.adminHost = need(); break;
      case "-h":
      case "--help":
        throw new UsageError(USAGE);
      default:
        throw new UsageError(`unknown option ${a}\n${USAGE}`);
    }
  }
  if (o.adminPort !== null && o.adminPort !== 0 && o.adminPort === o.port && o.adminHost === o.host) throw new UsageError("--admin-port must differ from --port");
  return o;
}

/** Load `policy.mjs` + `manifest.json` from a bundle directory. */
export async function loadBundle(bundleDir: string): Promise<CompiledBundle> {
  const dir = resolve(bundleDir);
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8")) as BundleManifest;
  } catch (err) {
    throw new Error(`cannot read ${join(dir, "manifest.json")}: ${(err as Error).message}`);
  }
  const mod = (await import(pathToFileURL(join(dir, "policy.mjs")).href)) as Partial<CompiledBundle> & { BUNDLE_HASH?: string };
  if (!Array.isArray(mod.agents) || !Array.isArray(mod.principals)) throw new Error(`${join(dir, "policy.mjs")} is not a Talon bundle`);
  if (mod.BUNDLE_HASH !== undefined && mod.BUNDLE_HASH !== manifest.bundleHash) {
    throw new Error(`bundle hash mismatch: policy.mjs is ${mod.BUNDLE_HASH}, manifest.json says ${manifest.bundleHash}`);
  }
  // Lend the bundle the linear-time matchers its detector/regex conditions need (else they are U).
  const bind = typeof mod.bind === "function" ? mod.bind : () => {};
  bind(bundleRuntime);
  return { manifest, principals: mod.principals, agents: mod.agents, bind };
}

function upstreamLabel(agent: CompiledAgent): string {
  const u = agent.upstream;
  if (u.vendor) return u.vendor;
  if (u.transport === "http") return new URL(u.url).host;
  if (u.transport === "stdio") return u.argv.slice(0, 2).map((a) => basename(a)).join(" ");
  return u.path;
}

function upstreamFactory(agent: CompiledAgent, manifest: BundleManifest, label: string, timeoutMs: number): UpstreamFactory {
  const u = agent.upstream;
  const auth = agent.upstreamAuth;
  const secret = auth?.scheme === "bearer" && auth.secret ? resolveSecret(auth.secret, `upstream_auth of agent "${agent.name}"`, manifest.sourceDir) : undefined;
  if (u.transport === "stdio") {
    return (_session, listener) => {
      const up = new StdioUpstream({ argv: u.argv, cwd: manifest.sourceDir, label }, listener);
      return { upstream: up, start: (p) => up.start(p, timeoutMs), afterInitialized: () => undefined };
    };
  }
  if (u.transport === "http") {
    return (session, listener) => {
      const header = auth?.header ?? "Authorization";
      const value = secret !== undefined ? `Bearer ${secret}` : auth?.scheme === "passthrough" && session.authorization ? session.authorization : undefined;
      const up = new HttpUpstream({ url: u.url, auth: value !== undefined ? [header, value] : null, label }, listener);
      return { upstream: up, start: (p) => up.start(p, timeoutMs), afterInitialized: () => up.openStream() };
    };
  }
  throw new Error(`agent "${agent.name}": unix-socket upstreams are not supported by this runtime yet`);
}

export interface RunningServer {
  readonly port: number;
  readonly url: string;
  /** The admin listener's port and base URL; null when the admin routes are on the main listener. */
  readonly adminPort: number | null;
  readonly adminUrl: string | null;
  close(): Promise<void>;
}

/** What `startServer` can be handed instead of opening it itself (bench/ measures without the store). */
export interface ServerDeps {
  /** In place of the evidence store under `opts.data`; the audit API and retention are then not mounted. */
  readonly evidence?: EvidenceSink;
}

/** Start serving a loaded bundle. */
export async function startServer(bundle: CompiledBundle, opts: ServeOptions, deps: ServerDeps = {}): Promise<RunningServer> {
  const uwsBuild = loadUws();
  if (uwsBuild.kind !== "native") {
    process.stderr.write("warning: uWebSockets.js native build did not load; using the slow pure-Node fallback\n");
  }
  const { manifest } = bundle;
  // Before anything is opened: a malformed admin credential stops the start.
  const adminAuth = AdminAuth.fromEnv(process.env);
  const signingKey = opts.evidenceKeyFile !== null ? SigningKey.fromFile(opts.evidenceKeyFile) : SigningKey.fromEnv(process.env);
  if (!signingKey) {
    process.stderr.write(`warning: no evidence signing key (${SIGNING_KEY_ENV}, ${SIGNING_KEY_FILE_ENV} or --evidence-key): checkpoints are not signed, so tail truncation of the evidence log cannot be proven, and audit_retention is not applied\n`);
  }
  const store = deps.evidence ? null : EvidenceStore.open(opts.data, {
    signingKey,
    syncIntervalMs: opts.fsyncMs,
    checkpointEvery: opts.checkpointEvery,
    checkpointIntervalMs: opts.checkpointIntervalMs,
  });
  const evidence: EvidenceSink = deps.evidence ?? store!;
  const retention = signingKey && store ? startRetention(store, bundle.agents) : null;
  let stateStore: StateStore;
  try {
    stateStore = StateStore.open(opts.data);
  } catch (err) {
    await evidence.close();
    throw err;
  }
  // One set of state for every agent: bucket and idempotency keys carry the agent's name.
  const approvals = new ApprovalQueue(stateStore);
  const state: GovernState = {
    buckets: new TokenBuckets(),
    idempotency: new IdempotencyStore(stateStore),
    approvals,
    confirmTokens: new ConfirmTokens(stateStore),
    shadowBuckets: new TokenBuckets(),
    shadowSeen: new ShadowSeen(),
    progressEveryMs: 5_000,
    elicitationTimeoutMs: 5 * 60_000,
  };
  const closeState = async () => {
    await Promise.allSettled([state.idempotency.close(), approvals.close(), state.confirmTokens.close()]);
    await stateStore.close();
  };
  const endpoints = new Map<string, McpEndpoint>();
  const allEndpoints: McpEndpoint[] = [];
  // Metrics, upstream probes and status bodies; before the agents, whose contexts get their metrics.
  const obs = new Observability({ manifest, agents: bundle.agents.map((agent) => ({ agent, upstream: upstreamLabel(agent) })), evidence, uws: uwsBuild.kind });
  try {
    for (const agent of bundle.agents) {
      const label = upstreamLabel(agent);
      // Resolved at start like tokens: a configured key that is missing stops the start.
      const redactionKey = agent.redactionKey ? resolveSecret(agent.redactionKey, "secret redaction_key", manifest.sourceDir) : null;
      const ctx: AgentContext = { agent, bundleHash: manifest.bundleHash, upstreamLabel: label, evidence, callTimeoutMs: opts.callTimeoutMs, redactionKey, state, metrics: obs.agentMetrics(agent.name) };
      // `auth oidc` agents take issuer tokens only; `agent.auth` is absent in bundles built before it existed.
      const auth =
        agent.auth?.scheme === "oidc"
          ? new OidcAuth(bundle.principals, agent.auth.issuer, agent.auth.audience)
          : new BearerAuth(bundle.principals, agent.allowAnonymous, manifest.sourceDir);
      const ep = new McpEndpoint(
        {
          ctx,
          auth,
          newUpstream: upstreamFactory(agent, manifest, label, opts.callTimeoutMs),
          maxBodyBytes: opts.maxBodyBytes,
          requestTimeoutMs: opts.callTimeoutMs,
          heartbeatMs: 15_000,
        },
        opts.idleTimeoutMs,
      );
      allEndpoints.push(ep);
      endpoints.set(`/mcp/${encodeURIComponent(agent.name)}`, ep);
      if (!endpoints.has("/mcp")) endpoints.set("/mcp", ep);
    }
  } catch (err) {
    obs.close();
    await closeState();
    await evidence.close();
    throw err;
  }

  const stream = new EvidenceStream(evidence, adminAuth);
  obs.watchStream(stream);
  const secrets = () => secretInventory({ principals: bundle.principals, agents: bundle.agents, baseDir: manifest.sourceDir, evidenceKeyFile: opts.evidenceKeyFile });
  // Admin and audit routes (/admin/v1/*, /api/events*, the stream): only on the admin listener
  // with --admin-port (the main one then answers 404 for them), else on the main listener.
  const adminRoutes = (a: RouteTarget) => {
    registerApprovalRoutes(a, approvals, adminAuth);
    registerTelemetryRoutes(a, obs, adminAuth);
    if (store) registerAuditRoutes(a, { auth: adminAuth, evidence: store, stream, secrets });
  };
  const separateAdmin = opts.adminPort !== null;
  const app = createApp({
    guard: guardConfig(opts.host, opts.allowedHosts, opts.allowedOrigins),
    endpoints,
    routes: (a) => {
      // Probes and /metrics (observability-routes.ts): on the main listener, and on the admin one below.
      registerObservabilityRoutes(a, obs);
      if (!separateAdmin) adminRoutes(a);
    },
  });
  const adminApp = separateAdmin
    ? createApp({
        guard: guardConfig(opts.adminHost, opts.allowedHosts, opts.allowedOrigins),
        endpoints: new Map(),
        routes: (a) => {
          registerObservabilityRoutes(a, obs);
          adminRoutes(a);
        },
      })
    : null;
  const { socket, port } = await listen(app, opts.host, opts.port);
  let adminListen: Awaited<ReturnType<typeof listen>> | null = null;
  const close = async () => {
    loadUws().uws.us_listen_socket_close(socket);
    if (adminListen) loadUws().uws.us_listen_socket_close(adminListen.socket);
    stream.close();
    await Promise.allSettled(allEndpoints.map((e) => e.closeAll()));
    killAllChildren();
    await closeHttpPools();
    await closeState();
    retention?.stop();
    obs.close();
    await evidence.close();
  };
  if (adminApp) {
    try {
      adminListen = await listen(adminApp, opts.adminHost, opts.adminPort!);
    } catch (err) {
      await close();
      throw new Error(`admin listener: ${(err as Error).message}`);
    }
  }
  const hostUrl = (host: string, p: number) => `http://${host.includes(":") ? `[${host}]` : host}:${p}`;
  return {
    port,
    url: `${hostUrl(opts.host, port)}/mcp`,
    adminPort: adminListen?.port ?? null,
    adminUrl: adminListen ? hostUrl(opts.adminHost, adminListen.port) : null,
    close,
  };
}

/** The bundle entry point (`server.mjs` calls this). */
export async function runServe(bundleDir: string, argv: string[]): Promise<void> {
  let opts: ServeOptions;
  try {
    opts = parseServeArgs(argv);
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n`);
    process.exit(2);
  }
  let server: RunningServer;
  try {
    const bundle = await loadBundle(bundleDir);
    for (const note of bundle.manifest.notes) process.stderr.write(`note: ${note}\n`);
    server = await startServer(bundle, opts);
    process.stdout.write(`talon ${RUNTIME_VERSION} bundle ${bundle.manifest.bundleHash.slice(0, 12)} uws ${loadUws().kind}\n`);
    process.stdout.write(`listening ${server.url}\n`);
    // After the line above: tools wait for "listening <url>" and take the first one.
    if (server.adminUrl !== null) process.stdout.write(`admin API on ${server.adminUrl}\n`);
  } catch (err) {
    process.stderr.write(`talon: cannot start: ${(err as Error).message}\n`);
    killAllChildren();
    process.exit(1);
  }
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`talon: ${signal}, shutting down\n`);
    const force = setTimeout(() => process.exit(1), 5000);
    force.unref();
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
}
