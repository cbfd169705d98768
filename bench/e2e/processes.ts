/**
 * Child processes of the benchmark runner: servers that announce readiness with a line on stdout
 * (the fast upstream's `listening <port>`, Talon's `listening http://…/mcp`), and one-shot
 * commands whose output is collected. Failures carry the tail of the child's stderr, so a broken
 * bundle or a crashed server explains itself in the bench output.
 */
import { spawn, type ChildProcess } from "node:child_process";

const TAIL_BYTES = 4000;

/** A server started by `startServer`. */
export interface RunningServer {
  readonly name: string;
  readonly pid: number;
  /** The match of the readiness pattern on the ready line. */
  readonly ready: RegExpMatchArray;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs?: number): Promise<void>;
}

function tail(text: string): string {
  return text.length > TAIL_BYTES ? "…" + text.slice(-TAIL_BYTES) : text;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()));
}

/**
 * Spawn a server and wait until a stdout line matches `ready`. Rejects (after killing the child)
 * if it exits first or `timeoutMs` passes.
 */
export function startServer(
  name: string,
  command: string,
  args: readonly string[],
  options: { ready: RegExp; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string },
): Promise<RunningServer> {
  const child = spawn(command, args, {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr = tail(stderr + d);
  });
  const stop = async (graceMs = 3000): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await exited(child);
    clearTimeout(timer);
  };
  return new Promise((resolve, reject) => {
    let settled = false;
    const fail = (why: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop(500);
      reject(new Error(`${name}: ${why}${stderr.trim() !== "" ? `\n--- stderr ---\n${stderr.trim()}` : ""}`));
    };
    const timer = setTimeout(() => fail(`not ready after ${options.timeoutMs ?? 15000} ms`), options.timeoutMs ?? 15000);
    child.on("error", (err) => fail(`cannot start '${command}': ${err.message}`));
    child.on("exit", (code, signal) => fail(`exited (${signal ?? `code ${code}`}) before it was ready`));
    child.stdout!.setEncoding("utf8").on("data", (d: string) => {
      if (settled) return; // later stdout is drained and dropped so the child never blocks on it
      stdout += d;
      // Only complete lines: a port number split across two reads must not match half-way.
      const lines = stdout.split("\n");
      stdout = tail(lines.pop()!);
      for (const line of lines) {
        const match = options.ready.exec(line.trimEnd());
        if (match !== null) {
          settled = true;
          clearTimeout(timer);
          resolve({ name, pid: child.pid!, ready: match, stop });
          return;
        }
      }
    });
  });
}

/** Result of a finished command. */
export interface CommandResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Run a command to completion. `onStderrLine` sees each stderr line as it arrives (the load
 * generator marks the start of its measured phase that way).
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: { env?: NodeJS.ProcessEnv; cwd?: string; onStderrLine?: (line: string) => void } = {},
): Promise<CommandResult> {
  const child = spawn(command, args, { env: options.env ?? process.env, cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  let partial = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr = tail(stderr + d);
    if (options.onStderrLine === undefined) return;
    partial += d;
    const lines = partial.split("\n");
    partial = lines.pop()!;
    for (const line of lines) options.onStderrLine(line);
  });
  return new Promise((resolve, reject) => {
    child.on("error", (err) => reject(new Error(`cannot start '${command}': ${err.message}`)));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}
