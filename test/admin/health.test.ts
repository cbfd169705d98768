/**
 * Readiness parts on real sockets and files: the TCP probe of an HTTP upstream (a listening
 * server, then a closed port), stdio command resolution (PATH, paths relative to the policy,
 * files that are not executable), and how the checks combine.
 */
import { chmodSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readiness, resolveCommand, UpstreamProbes } from "../../runtime/admin/health.js";
import type { EvidenceStats } from "../../runtime/evidence/stats.js";

const dir = mkdtempSync(join(tmpdir(), "talon-health-"));
writeFileSync(join(dir, "run.sh"), "#!/bin/sh\n");
chmodSync(join(dir, "run.sh"), 0o755);
writeFileSync(join(dir, "data.txt"), "not a program\n");
chmodSync(join(dir, "data.txt"), 0o644);

const stats = (over: Partial<EvidenceStats> = {}): EvidenceStats => ({
  lastSeq: 0, headHash: "0".repeat(64), appended: 0, failures: 0, lastError: null, lastFailureAt: null, writable: true,
  journalBytes: 0, unindexed: 0, fsyncs: 0, fsyncFailures: 0, checkpoints: 0, lastCheckpointSeq: 0, lastCheckpointAt: 0, ...over,
});

async function settled(probes: UpstreamProbes): Promise<void> {
  for (let i = 0; i < 100 && probes.list().some((p) => p.state === "checking"); i++) await new Promise((r) => setTimeout(r, 20));
}

describe("upstream probes", () => {
  let server: Server;
  afterAll(() => server?.close());

  it("find an HTTP upstream up when its port accepts, down with the reason when it does not", async () => {
    server = createServer((s) => s.destroy());
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    const port = (server.address() as { port: number }).port;
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as { port: number }).port;
    await new Promise((r) => closed.close(r));

    const probes = new UpstreamProbes([
      { agent: "up", upstream: "u", spec: { transport: "http", url: `http://127.0.0.1:${port}/mcp`, vendor: null }, cwd: dir },
      { agent: "down", upstream: "d", spec: { transport: "http", url: `http://127.0.0.1:${closedPort}/mcp`, vendor: null }, cwd: dir },
      { agent: "cmd", upstream: "c", spec: { transport: "stdio", argv: ["./run.sh"], vendor: null }, cwd: dir },
      { agent: "nocmd", upstream: "n", spec: { transport: "stdio", argv: ["no-such-command-talon"], vendor: null }, cwd: dir },
    ]);
    expect(probes.list().map((p) => p.state)).toEqual(["checking", "checking", "checking", "checking"]);
    probes.start();
    await settled(probes);
    probes.close();
    const [up, down, cmd, nocmd] = probes.list();
    expect(up).toMatchObject({ state: "up", detail: `127.0.0.1:${port}` });
    expect(down).toMatchObject({ state: "down", detail: expect.stringContaining("ECONNREFUSED") });
    expect(cmd).toMatchObject({ state: "up", detail: join(dir, "run.sh") });
    expect(nocmd).toMatchObject({ state: "down", detail: 'upstream command "no-such-command-talon" is not an executable file on PATH' });

    const r = readiness(stats(), probes.list());
    expect(r.ready).toBe(false);
    expect(r.failing).toEqual(["upstream:down", "upstream:nocmd"]);
    expect(r.checks).toMatchObject({ bundle: "ok", evidence: "ok", "upstream:up": "ok", "upstream:cmd": "ok" });
    expect(r.checks["upstream:down"]).toMatch(/^unreachable: connect ECONNREFUSED/);
  });
});

describe("stdio command resolution", () => {
  it("searches PATH for a bare name and resolves a path from the policy's directory", async () => {
    expect(await resolveCommand("run.sh", "/", `/nonexistent:${dir}`)).toBe(join(dir, "run.sh"));
    expect(await resolveCommand("./run.sh", dir, "")).toBe(join(dir, "run.sh"));
    expect(await resolveCommand(join(dir, "run.sh"), "/", "")).toBe(join(dir, "run.sh"));
  });

  it("names what is wrong with a command that cannot run", async () => {
    await expect(resolveCommand("./data.txt", dir, "")).rejects.toThrow(`upstream command ${join(dir, "data.txt")} is not executable`);
    await expect(resolveCommand("./missing", dir, "")).rejects.toThrow("does not exist");
    await expect(resolveCommand(".", dir, "")).rejects.toThrow("not an executable file on PATH");
    await expect(resolveCommand("./", dir, "")).rejects.toThrow("is not a file");
    await expect(resolveCommand("", dir, "")).rejects.toThrow("empty");
  });
});

describe("readiness", () => {
  it("is ready when every check passes, and names an evidence store that cannot write", () => {
    expect(readiness(stats(), [])).toEqual({ ready: true, checks: { bundle: "ok", evidence: "ok" }, failing: [] });
    const r = readiness(stats({ writable: false, lastError: "ENOSPC: no space left on device" }), []);
    expect(r).toEqual({ ready: false, checks: { bundle: "ok", evidence: "not writable: ENOSPC: no space left on device" }, failing: ["evidence"] });
  });
});
