/**
 * Whole-system test helpers: build a bundle with the real `talonc`, start it as a real process
 * (`node <bundle>/server.mjs --port 0`), connect real MCP SDK clients. Everything is torn down in
 * `stop()`; a test that forgets gets its processes killed at exit.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { McpError } from "@modelcontextprotocol/sdk/types.js";
import { startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));
export const TALONC = join(ROOT, "dist/compiler/cli/talonc.js");
export const TALON = join(ROOT, "dist/runtime/cli/talon.js");

const live = new Set<ChildProcess>();
process.on("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});

export function tempDir(prefix = "talon-e2e-"): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Run talonc; returns its exit status and output. */
export function talonc(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TALONC, ...args], { encoding: "utf8" });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Build `srcDir` into `outDir`; throws with talonc's output when the build fails. */
export function buildBundle(srcDir: string, outDir: string): void {
  const r = talonc(["build", srcDir, "-o", outDir]);
  if (r.status !== 0) throw new Error(`talonc build failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

/** Write a policy (and optional extra files) into a fresh directory and build it. */
export function buildPolicy(files: Record<string, string>): { src: string; bundle: string } {
  const src = tempDir("talon-src-");
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(src, name, ".."), { recursive: true });
    writeFileSync(join(src, name), text);
  }
  const bundle = join(src, "bundle");
  buildBundle(src, bundle);
  return { src, bundle };
}

export interface RunningTalon {
  readonly url: string;
  readonly port: number;
  readonly data: string;
  readonly proc: ChildProcess;
  readonly stderr: () => string;
  /** Everything the server wrote to stdout so far (`listening …`, `admin API on …`). */
  readonly stdout: () => string;
  stop(): Promise<void>;
}

/** Start `node <bundle>/server.mjs --port 0` and wait for its `listening` line. */
export async function startTalon(bundle: string, opts: { env?: Record<string, string>; data?: string; args?: string[] } = {}): Promise<RunningTalon> {
  const data = opts.data ?? tempDir("talon-data-");
  const proc = spawn(process.execPath, [join(bundle, "server.mjs"), "--port", "0", "--data", data, ...(opts.args ?? [])], {
    env: { ...process.env, ...opts.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  live.add(proc);
  let err = "";
  let out = "";
  proc.stderr!.setEncoding("utf8").on("data", (c: string) => (err += c));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`talon did not start in 20 s:\n${out}\n${err}`)), 20_000);
    proc.stdout!.setEncoding("utf8").on("data", (c: string) => {
      out += c;
      const m = /listening (\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`talon exited (${code}) before listening:\n${out}\n${err}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    data,
    proc,
    stderr: () => err,
    stdout: () => out,
    async stop() {
      if (proc.exitCode !== null) return;
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const t = setTimeout(() => proc.kill("SIGKILL"), 6000);
      await exited;
      clearTimeout(t);
      live.delete(proc);
    },
  };
}

/** A connected v1 SDK client with a bearer token. */
export async function connectV1(url: string, token: string | undefined, client = new Client({ name: "talon-test", version: "1.0.0" })): Promise<Client> {
  const headers: Record<string, string> = token ? { Authorization: `Bearer ${token}` } : {};
  const transport = new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
  await client.connect(transport);
  return client;
}

/** The JSON-lines evidence of a data dir, read with the real `talon audit list --json`. */
export function auditJson(data: string, extra: string[] = []): Record<string, unknown>[] {
  const r = spawnSync(process.execPath, [TALON, "audit", "list", "--data", data, "--json", ...extra], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`talon audit list failed (${r.status}): ${r.stderr}`);
  return r.stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** POST raw JSON-RPC to an MCP endpoint (for malformed-input tests). */
export async function rawPost(url: string, body: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; headers: Headers }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream", ...headers },
    body,
  });
  return { status: res.status, text: await res.text(), headers: res.headers };
}

/** A policy that exposes and grants every tool of `upstream` (a `.talon` upstream clause) to anyone. */
export function allowAllPolicy(upstream: string): string {
  return `talon 1
## Allow everything: pass-through and conformance runs govern nothing but still record evidence.
agent "everything" {
  upstream ${upstream}
  posture read_write
  tool "*"
  grant anyone all on "*"
}
`;
}

/** Poll until `f` returns something other than undefined (the server works on its own schedule). */
export async function eventually<T>(f: () => Promise<T | undefined> | T | undefined, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`nothing came within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Call the admin API of a running Talon with an admin bearer token (GET without a body, POST with one). */
export async function adminCall(talon: RunningTalon, token: string, path: string, body?: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(`http://127.0.0.1:${talon.port}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: text === "" ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

/** The McpError a call fails with; fails the test when the call succeeds or fails another way. */
export async function mcpError(p: Promise<unknown>): Promise<McpError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof McpError)) throw new Error(`expected the call to fail with an McpError, got ${err === undefined ? "a result" : String(err)}`);
  return err;
}

export interface GovernedUpstream {
  readonly talon: RunningTalon;
  readonly upstream: RunningServer;
  /** The upstream's own per-tool call counts. */
  counts(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * An example upstream as one HTTP process (one state and one set of counters for every session;
 * over stdio each session would get its own child), and a bundle built from `policyFor(url)` in
 * front of it.
 */
export async function talonOverHttpUpstream(
  script: string,
  countsEnv: string,
  policyFor: (upstreamUrl: string) => string,
  env: Record<string, string>,
): Promise<GovernedUpstream> {
  const countsFile = join(tempDir("talon-counts-"), "counts.json");
  const upstream = await startHttpServer(script, [], { [countsEnv]: countsFile });
  try {
    const { bundle } = buildPolicy({ "policy.talon": policyFor(`http://127.0.0.1:${upstream.port}/mcp`) });
    const talon = await startTalon(bundle, { env });
    return {
      talon,
      upstream,
      counts: () => JSON.parse(readFileSync(countsFile, "utf8")) as Record<string, number>,
      async stop() {
        await talon.stop();
        await upstream.stop();
      },
    };
  } catch (err) {
    await upstream.stop();
    throw err;
  }
}
