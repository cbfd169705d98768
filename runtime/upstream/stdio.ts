/**
 * A stdio upstream: one child process per downstream session (stdio MCP servers serve exactly one
 * client, and per-session state — roots, subscriptions, log level — lives in the process).
 *
 * Supervision: when the child exits unexpectedly, every in-flight call fails with a clear error,
 * and the child is restarted with exponential backoff and re-initialized with the client's
 * original `initialize` params, so the session survives. Five crashes within a minute give up
 * (the session reports a fatal error). `close()` ends the child (SIGTERM, then SIGKILL after 2 s),
 * so no process outlives its session or the proxy.
 */
import { spawn, type ChildProcess } from "node:child_process";
import type { JsonRpcId, JsonRpcResponse } from "../mcp/jsonrpc.js";
import { Peer, UpstreamError, type Upstream, type UpstreamListener } from "./peer.js";

export interface StdioSpec {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: NodeJS.ProcessEnv;
  /** Label for logs and evidence. */
  readonly label: string;
}

const MAX_LINE = 64 * 1024 * 1024;
const BACKOFF_MS = [100, 250, 500, 1000, 2000, 5000];
const CRASH_WINDOW_MS = 60_000;
const MAX_CRASHES = 5;

/** Children alive in this process, so a shutdown can end them all. */
const liveChildren = new Set<ChildProcess>();

/** Kill every child still running (called on proxy shutdown). */
export function killAllChildren(): void {
  for (const c of liveChildren) c.kill("SIGKILL");
  liveChildren.clear();
}

export class StdioUpstream extends Peer implements Upstream {
  readonly label: string;
  private child: ChildProcess | undefined;
  private buffer = "";
  private closing = false;
  private crashes: number[] = [];
  private initParams: Record<string, unknown> | undefined;
  /** Resolves when the child is up and initialized; requests wait on it during a restart. */
  private ready: Promise<void> = Promise.resolve();
  private fatal: string | undefined;

  constructor(
    private readonly spec: StdioSpec,
    listener: UpstreamListener,
  ) {
    super(listener);
    this.label = spec.label;
  }

  /** Spawn the child and run `initialize` with the client's params; returns the upstream's answer. */
  async start(initParams: Record<string, unknown>, timeoutMs: number): Promise<JsonRpcResponse> {
    this.initParams = initParams;
    this.spawnChild();
    return this.newRequest("initialize", initParams, timeoutMs);
  }

  async request(method: string, params: Record<string, unknown> | undefined, timeoutMs: number, onSent?: (id: number) => void): Promise<JsonRpcResponse> {
    // A child may die between the wait and the write; then wait for its successor.
    for (let attempt = 0; attempt < 8; attempt++) {
      await this.ready;
      if (this.fatal) throw new UpstreamError(this.fatal, "exited");
      if (this.closing) throw new UpstreamError("upstream session closed", "closed");
      if (this.child) return this.newRequest(method, params, timeoutMs, onSent);
    }
    throw new UpstreamError("upstream keeps failing to restart", "exited");
  }

  notify(method: string, params: Record<string, unknown> | undefined): void {
    if (!this.child || this.closing) return;
    this.sendNotification(method, params);
  }

  respond(id: JsonRpcId, payload: { result: unknown } | { error: { code: number; message: string; data?: unknown } }): void {
    if (!this.child || this.closing) return;
    this.sendResponse(id, payload);
  }

  async close(): Promise<void> {
    this.closing = true;
    const child = this.child;
    this.failAll(new UpstreamError("upstream session closed", "closed"));
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => child.kill("SIGKILL"), 2000);
      child.once("exit", () => {
        clearTimeout(kill);
        resolve();
      });
      child.stdin?.end();
      child.kill("SIGTERM");
    });
  }

  protected send(line: string): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed) return;
    stdin.write(line + "\n");
  }

  private spawnChild(): void {
    const [cmd, ...args] = this.spec.argv;
    if (!cmd) throw new UpstreamError("stdio upstream has an empty command", "unreachable");
    const child = spawn(cmd, args, {
      cwd: this.spec.cwd,
      env: this.spec.env ?? process.env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    this.child = child;
    this.buffer = "";
    liveChildren.add(child);
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      if (child === this.child) this.onData(chunk); // a detached (dying) child is no longer heard
    });
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line) process.stderr.write(`[upstream ${this.label} ${child.pid}] ${line}\n`);
    });
    child.stdin!.on("error", () => {
      /* EPIPE after the child died: the exit handler reports it */
    });
    child.on("error", (err) => {
      liveChildren.delete(child);
      this.onChildGone(child, `cannot start upstream \`${cmd}\`: ${err.message}`);
    });
    child.on("exit", (code, signal) => {
      liveChildren.delete(child);
      this.onChildGone(child, `upstream process exited (${signal ? `signal ${signal}` : `code ${code}`})`);
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    if (this.buffer.length > MAX_LINE) {
      this.protocolViolation("upstream wrote a line over 64 MiB");
      return;
    }
    let nl: number;
    while ((nl = this.buffer.indexOf("\n")) >= 0) {
      const line = this.buffer.slice(0, nl).trim();
      this.buffer = this.buffer.slice(nl + 1);
      if (!line) continue;
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        this.protocolViolation(`upstream wrote a line that is not JSON: ${JSON.stringify(line.slice(0, 80))}`);
        return;
      }
      if (!this.receive(msg)) {
        this.protocolViolation(`upstream wrote a line that is not JSON-RPC: ${JSON.stringify(line.slice(0, 80))}`);
        return;
      }
    }
  }

  /**
   * Garbage on stdout means we can no longer trust which answer belongs to which call, so the
   * child is killed: its in-flight calls fail with the reason and supervision restarts it.
   */
  private protocolViolation(reason: string): void {
    const child = this.child;
    if (!child) return;
    // Detach first, so calls made before the kill lands wait for the restarted child instead of
    // being written to this one.
    this.onChildGone(child, reason, "garbage");
    child.kill("SIGKILL");
  }

  private onChildGone(child: ChildProcess, reason: string, kind: "exited" | "garbage" = "exited"): void {
    if (child !== this.child) return;
    this.child = undefined;
    this.buffer = "";
    this.failAll(new UpstreamError(reason, kind));
    if (this.closing) return;
    const now = Date.now();
    this.crashes = this.crashes.filter((t) => now - t < CRASH_WINDOW_MS);
    this.crashes.push(now);
    if (this.crashes.length > MAX_CRASHES) {
      this.fatal = `${reason}; gave up after ${MAX_CRASHES} restarts within a minute`;
      this.listener.onFatal?.(this.fatal);
      return;
    }
    const delay = BACKOFF_MS[Math.min(this.crashes.length - 1, BACKOFF_MS.length - 1)]!;
    process.stderr.write(`[upstream ${this.label}] ${reason}; restarting in ${delay} ms\n`);
    this.ready = new Promise<void>((resolve) => {
      setTimeout(() => {
        if (this.closing) return resolve();
        try {
          this.spawnChild();
        } catch (err) {
          this.fatal = (err as Error).message;
          return resolve();
        }
        // Re-run the handshake the client did, so the restarted server is in the same state.
        this.newRequest("initialize", this.initParams, 30_000)
          .then(() => this.sendNotification("notifications/initialized", undefined))
          .catch(() => {
            /* the exit handler of the new child schedules the next attempt */
          })
          .finally(resolve);
      }, delay);
    });
  }
}
