/**
 * Failure paths: bad input at the edge gets the right HTTP status and JSON-RPC code; an upstream
 * that dies, speaks garbage or answers nonsense fails only the calls in flight, with a clear error
 * and an evidence record, and is restarted; closing sessions leaves no process behind.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { auditJson, buildPolicy, connectV1, rawPost, ROOT, startTalon, tempDir, type RunningTalon, allowAllPolicy } from "./harness.js";

const FAULTY = join(ROOT, "test/fixtures/faulty-upstream.mjs");
const INIT = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "initialize", params: { protocolVersion: "2025-11-25", capabilities: {}, clientInfo: { name: "raw", version: "1" } } });

/** Pids of live processes running the faulty upstream under this Talon. */
function faultyChildren(talonPid: number): number[] {
  const out = execFileSync("ps", ["-eo", "pid=,ppid=,args="], { encoding: "utf8" });
  return out
    .split("\n")
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => Number(f[1]) === talonPid && f.slice(2).join(" ").includes("faulty-upstream.mjs"))
    .map((f) => Number(f[0]));
}

describe("edge and upstream failures", () => {
  let talon: RunningTalon;
  const callsFile = join(tempDir(), "calls.txt");
  beforeAll(async () => {
    const { bundle } = buildPolicy({ "faulty.talon": allowAllPolicy(`stdio ["node", ${JSON.stringify(FAULTY)}]`) });
    talon = await startTalon(bundle, { env: { FAULTY_CALLS_FILE: callsFile } });
  });
  afterAll(async () => {
    await talon?.stop();
  });

  it("answers bad input with the right status and JSON-RPC code", async () => {
    const bad = await rawPost(talon.url, "{not json");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.code).toBe(-32700);
    const batch = await rawPost(talon.url, `[${INIT},${INIT}]`);
    expect(batch.status).toBe(400);
    expect(JSON.parse(batch.text)).toMatchObject({ id: null, error: { code: -32600 } });
    const big = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping", params: { pad: "x".repeat(5 * 1024 * 1024) } }));
    expect(big.status).toBe(413);
    const noSession = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }));
    expect(noSession.status).toBe(400);
    const unknown = await rawPost(talon.url, JSON.stringify({ jsonrpc: "2.0", id: 2, method: "tools/list" }), { "mcp-session-id": "no-such-session" });
    expect(unknown.status).toBe(404);
    const invalid = await rawPost(talon.url, JSON.stringify({ jsonrpc: "1.0", id: 3, method: "x" }));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.text).error.code).toBe(-32600);
    const origin = await rawPost(talon.url, INIT, { origin: "https://evil.example" });
    expect(origin.status).toBe(403);
    const host = await fetch(talon.url.replace("127.0.0.1", "localhost"), { method: "POST", headers: { "content-type": "application/json", accept: "application/json, text/event-stream" }, body: INIT });
    expect(host.status).toBe(200);
    await host.text();
  });

  it("rejects a forged Host header (DNS rebinding)", async () => {
    // fetch() will not forge Host, so speak HTTP/1.1 directly.
    const net = await import("node:net");
    const status = await new Promise<string>((resolve, reject) => {
      const s = net.connect(talon.port, "127.0.0.1", () => {
        s.write(`POST /mcp HTTP/1.1\r\nHost: evil.example.com\r\nContent-Type: application/json\r\nContent-Length: ${INIT.length}\r\n\r\n${INIT}`);
      });
      s.setEncoding("utf8").once("data", (d: string) => {
        resolve(d.split("\r\n")[0]!);
        s.destroy();
      });
      s.on("error", reject);
    });
    expect(status).toBe("HTTP/1.1 403 Forbidden");
  });

  it("fails in-flight calls when the upstream dies, restarts it, and serves the next call", async () => {
    const client = await connectV1(talon.url, undefined);
    const first = await client.callTool({ name: "ok", arguments: {} });
    const pid1 = /ok from (\d+)/.exec((first.content as { text: string }[])[0]!.text)![1];
    await expect(client.callTool({ name: "crash_now", arguments: {} })).rejects.toThrow(/upstream process exited/);
    const next = await client.callTool({ name: "ok", arguments: {} });
    const pid2 = /ok from (\d+)/.exec((next.content as { text: string }[])[0]!.text)![1];
    expect(pid2).not.toBe(pid1);
    await client.close();
  });

  it("fails the call with a clear error when the upstream speaks garbage or answers nonsense", async () => {
    const client = await connectV1(talon.url, undefined);
    await expect(client.callTool({ name: "garbage", arguments: {} })).rejects.toThrow(/not JSON/);
    await expect(client.callTool({ name: "bad_result", arguments: {} })).rejects.toThrow(/invalid tools\/call result/);
    expect((await client.callTool({ name: "ok", arguments: {} })).isError).toBeFalsy();
    await client.close();
    const records = auditJson(talon.data, ["--tool", "garbage"]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ decision: "allow", outcome: "upstream_error" });
    expect(String(records[0]!.error)).toMatch(/not JSON/);
  });

  it("forwards a client's cancellation to the upstream under the upstream's request id", async () => {
    const client = await connectV1(talon.url, undefined);
    const ac = new AbortController();
    const call = client.callTool({ name: "hang", arguments: {} }, undefined, { signal: ac.signal });
    await new Promise((r) => setTimeout(r, 200));
    ac.abort("test cancels");
    await expect(call).rejects.toThrow();
    await new Promise((r) => setTimeout(r, 200));
    const lines = readFileSync(callsFile, "utf8").trim().split("\n");
    const hang = lines.filter((l) => / hang /.test(l)).at(-1)!.split(" ");
    expect(lines).toContain(`${hang[0]} cancelled ${hang[2]}`);
    await client.close();
    // Talon stopped waiting at once and recorded why.
    const records = auditJson(talon.data, ["--tool", "hang"]);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ decision: "allow", outcome: "upstream_error", error: "cancelled by the client: test cancels" });
  });

  it("ends a session's upstream process when the session is deleted, and every one at shutdown", async () => {
    const before = new Set(faultyChildren(talon.proc.pid!));
    const clients = await Promise.all([1, 2, 3].map(() => connectV1(talon.url, undefined)));
    for (const c of clients) await c.callTool({ name: "ok", arguments: {} });
    const mine = faultyChildren(talon.proc.pid!).filter((p) => !before.has(p));
    expect(mine).toHaveLength(3);
    for (const c of clients) {
      await (c.transport as StreamableHTTPClientTransport).terminateSession();
      await c.close();
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(faultyChildren(talon.proc.pid!).filter((p) => mine.includes(p))).toEqual([]);
    expect(readFileSync(callsFile, "utf8")).toMatch(/ ok \d+\n/);

    // Sessions left open (the earlier tests only closed their clients) end with the proxy.
    const leftOpen = faultyChildren(talon.proc.pid!);
    expect(leftOpen.length).toBeGreaterThan(0);
    await talon.stop();
    const alive = leftOpen.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });
});
