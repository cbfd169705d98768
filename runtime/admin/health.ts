/**
 * Readiness (`/readyz`, `/ready`): ready when the bundle is loaded, the evidence store can write
 * (`stats().writable`) and every agent's upstream is reachable. Liveness (`/healthz`, `/live`)
 * needs nothing: answering at all shows the event loop runs.
 *
 * Upstreams are probed in the background, never on a request's path:
 * - HTTP: a TCP connect to the URL's host and port, 1 s timeout, every 5 s (a listening socket is
 *   what "reachable" can mean without sending the upstream an MCP request nobody asked for).
 * - stdio: the command (argv[0]) resolves, on PATH or as a path from the policy's directory, to an
 *   executable file; at start and every 30 s (children are spawned per session, so no process
 *   exists to probe between sessions).
 * An upstream is `checking` until its first probe finishes, and not ready meanwhile.
 */
import { constants } from "node:fs";
import { access, stat } from "node:fs/promises";
import { connect } from "node:net";
import { delimiter, isAbsolute, join, resolve } from "node:path";
import type { UpstreamSpec } from "../hooks.js";
import type { EvidenceStats } from "../evidence/stats.js";

export const HTTP_PROBE_EVERY_MS = 5_000;
export const HTTP_PROBE_TIMEOUT_MS = 1_000;
export const STDIO_PROBE_EVERY_MS = 30_000;

export type UpstreamState = "checking" | "up" | "down";

/** One agent's upstream, as the probes last saw it. */
export interface UpstreamProbe {
  readonly agent: string;
  /** The upstream label (vendor, URL host or command), as in evidence and `/info`. */
  readonly upstream: string;
  readonly transport: UpstreamSpec["transport"];
  state: UpstreamState;
  /** What the last probe found: the address or command path when up, the reason when down. */
  detail: string;
  /** ms since epoch of the last finished probe; null while checking. */
  checkedAt: number | null;
}

export interface ProbeTarget {
  readonly agent: string;
  readonly upstream: string;
  readonly spec: UpstreamSpec;
  /** Where relative stdio commands run (the policy's directory). */
  readonly cwd: string;
}

export class UpstreamProbes {
  readonly #probes: UpstreamProbe[];
  readonly #timers: NodeJS.Timeout[] = [];

  constructor(private readonly targets: readonly ProbeTarget[]) {
    this.#probes = targets.map((t) => ({ agent: t.agent, upstream: t.upstream, transport: t.spec.transport, state: "checking", detail: "", checkedAt: null }));
  }

  /** Probes every upstream now and then on its schedule (timers do not keep the process alive). */
  start(): void {
    this.targets.forEach((t, i) => {
      const probe = this.#probes[i]!;
      const check = probeFor(t);
      if (check === null) {
        Object.assign(probe, { state: "down", detail: `${t.spec.transport} upstreams are not supported by this runtime`, checkedAt: Date.now() });
        return;
      }
      let running = false;
      const run = () => {
        if (running) return;
        running = true;
        check().then(
          (detail) => Object.assign(probe, { state: "up", detail, checkedAt: Date.now() }),
          (err: unknown) => Object.assign(probe, { state: "down", detail: (err as Error).message, checkedAt: Date.now() }),
        ).finally(() => (running = false));
      };
      run();
      const timer = setInterval(run, t.spec.transport === "http" ? HTTP_PROBE_EVERY_MS : STDIO_PROBE_EVERY_MS);
      timer.unref();
      this.#timers.push(timer);
    });
  }

  list(): readonly Readonly<UpstreamProbe>[] {
    return this.#probes;
  }

  close(): void {
    for (const t of this.#timers) clearInterval(t);
  }
}

/** The check for one target: resolves with a detail when reachable, rejects with why not. */
function probeFor(t: ProbeTarget): (() => Promise<string>) | null {
  const spec = t.spec;
  if (spec.transport === "http") {
    const url = new URL(spec.url);
    // URL keeps IPv6 literals in brackets; net.connect wants them bare.
    const host = url.hostname.replace(/^\[(.*)\]$/, "$1");
    const port = url.port !== "" ? Number(url.port) : url.protocol === "https:" ? 443 : 80;
    return () => tcpConnect(host, port, HTTP_PROBE_TIMEOUT_MS);
  }
  if (spec.transport === "stdio") {
    const command = spec.argv[0] ?? "";
    return () => resolveCommand(command, t.cwd, process.env.PATH ?? "");
  }
  return null;
}

function tcpConnect(host: string, port: number, timeoutMs: number): Promise<string> {
  return new Promise((ok, fail) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => {
      socket.destroy();
      fail(new Error(`connect to ${host}:${port} timed out after ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.destroy();
      ok(`${host}:${port}`);
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      fail(err);
    });
  });
}

/** The executable `command` runs as: a path (relative to `cwd`) when it holds a slash, else the first match on PATH. */
export async function resolveCommand(command: string, cwd: string, path: string): Promise<string> {
  if (command === "") throw new Error("the upstream command is empty");
  if (command.includes("/")) {
    const file = isAbsolute(command) ? command : resolve(cwd, command);
    const why = await notExecutable(file);
    if (why !== null) throw new Error(`upstream command ${file} ${why}`);
    return file;
  }
  // An empty PATH entry means the working directory, as for execvp.
  for (const dir of path.split(delimiter)) {
    const file = join(dir === "" ? cwd : resolve(cwd, dir), command);
    if ((await notExecutable(file)) === null) return file;
  }
  throw new Error(`upstream command "${command}" is not an executable file on PATH`);
}

/** Why `file` cannot be executed, or null when it can. */
async function notExecutable(file: string): Promise<string | null> {
  try {
    if (!(await stat(file)).isFile()) return "is not a file";
    await access(file, constants.X_OK);
    return null;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === "ENOENT" ? "does not exist" : code === "EACCES" ? "is not executable" : (err as Error).message;
  }
}

/** `/readyz`: each check's state ("ok" when it passes) and the names of those that fail. */
export interface Readiness {
  readonly ready: boolean;
  readonly checks: Record<string, string>;
  readonly failing: readonly string[];
}

/** Check names: `bundle`, `evidence`, `upstream:<agent>`. */
export function readiness(evidence: EvidenceStats, upstreams: readonly Readonly<UpstreamProbe>[]): Readiness {
  // The runtime serves only after the bundle loaded (there is no reload yet), so this holds while it answers.
  const checks: Record<string, string> = { bundle: "ok" };
  checks.evidence = evidence.writable ? "ok" : `not writable: ${evidence.lastError ?? "the store is closed"}`;
  for (const u of upstreams) {
    checks[`upstream:${u.agent}`] = u.state === "up" ? "ok" : u.state === "checking" ? "checking (first probe not finished)" : `unreachable: ${u.detail}`;
  }
  const failing = Object.keys(checks).filter((k) => checks[k] !== "ok");
  return { ready: failing.length === 0, checks, failing };
}
