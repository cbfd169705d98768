/**
 * A full disk (SECURITY.md §2, F4): the bundle's data directory sits on a small tmpfs; while
 * calls to a write-class tool run, a filler (dd, until ENOSPC) takes every free byte; more calls
 * are made; then the filler is deleted.
 *
 * What it proves:
 *   - no call reaches the upstream without evidence: every call in the upstream's own log has its
 *     request record; calls answered with a result have both records; calls refused left none and
 *     never arrived (a write-class call is forwarded only after its request record is committed);
 *   - while the disk is full, each call fails closed with HTTP 200 and JSON-RPC -32003 ("evidence
 *     store unavailable … not forwarded"), and `/readyz` answers 503 with the evidence check
 *     failing (`/metrics`: `talon_evidence_writable 0`);
 *   - once space returns, the same process (no restart) turns ready again by itself, with no call
 *     needed to find out, and calls succeed within 5 s, each with its request and call records;
 *   - `talon audit verify` passes and seqs run 1..N: a failed write rolls the chain head back, so
 *     the next write reuses the seq numbers.
 * Arguments of 32 KiB (captured in the records) make every record after the fill need fresh pages,
 * so none can slip into the slack of a page the journal already holds.
 *
 * Needs root for `mount -t tmpfs` (as CI and the dev container run); fails, not skips, without it.
 */
import { spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildPolicy, eventually, ROOT, startTalon, TALON, tempDir, type RunningTalon } from "./harness.js";
import { echoedArgs, openSession, type RawAnswer, type RawSession } from "./raw-mcp.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const TMPFS_SIZE = "16m";
/** Bigger than a page many times over: a record carrying it can never fit in a page's slack. */
const PAD = "p".repeat(32 * 1024);

const POLICY = `talon 1
agent "echo" {
  upstream stdio [${JSON.stringify(process.execPath)}, ${JSON.stringify(ECHO)}]
  evidence { capture requests, decisions }
  tool echo { class write }
  grant anyone write on echo
}
`;

function mountTmpfs(dir: string, size: string): void {
  const m = run("mount", ["-t", "tmpfs", "-o", `size=${size},mode=0700`, "tmpfs", dir]);
  if (m.status !== 0) {
    throw new Error(`the disk-full test mounts a ${size} tmpfs and needs root for it (CI runs as root): mount -t tmpfs … ${dir} failed (${m.status}): ${m.out.trim()}`);
  }
}

function unmount(dir: string): void {
  if (run("umount", [dir]).status !== 0) run("umount", ["-l", dir]);
}

function run(cmd: string, args: string[]): { status: number; out: string } {
  const r = spawnSync(cmd, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
  return { status: r.status ?? -1, out: `${r.stdout ?? ""}${r.stderr ?? ""}${r.error ? r.error.message : ""}` };
}

/** Runs a command to its end without blocking this process's event loop. */
function runAsync(cmd: string, args: string[]): Promise<{ status: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (out += c));
    child.on("error", (err) => resolve({ status: -1, out: err.message }));
    child.on("close", (code) => resolve({ status: code ?? -1, out }));
  });
}

describe("disk full under the evidence store (F4)", () => {
  const mnt = tempDir("talon-diskfull-mnt-");
  const data = join(mnt, "data");
  const filler = join(mnt, "filler");
  const argsFile = join(tempDir("talon-diskfull-args-"), "args.jsonl"); // off the tmpfs
  let mounted = false;
  let talon: RunningTalon;
  let session: RawSession;
  const agent = new http.Agent({ keepAlive: true });
  const arrived = (): string[] =>
    existsSync(argsFile)
      ? readFileSync(argsFile, "utf8").trim().split("\n").filter(Boolean).map((l) => (JSON.parse(l) as { nonce: string }).nonce)
      : [];
  const get = async (path: string) => {
    const res = await fetch(`http://127.0.0.1:${talon.port}${path}`);
    return { status: res.status, text: await res.text() };
  };
  const call = (nonce: string): Promise<RawAnswer> => session.call("echo", { nonce, pad: PAD });
  const audit = (args: string[]) => run(process.execPath, [TALON, "audit", ...args, "--data", data]);

  beforeAll(async () => {
    mountTmpfs(mnt, TMPFS_SIZE);
    mounted = true;
    const { bundle } = buildPolicy({ "disk.talon": POLICY });
    talon = await startTalon(bundle, { data, env: { ECHO_ARGS_FILE: argsFile } });
    session = await openSession(talon.url, agent);
  });

  afterAll(async () => {
    agent.destroy();
    await talon?.stop();
    if (mounted) {
      rmSync(filler, { force: true });
      unmount(mnt);
    }
  });

  it("fails calls closed while the disk is full, forwards none, and resumes by itself when space returns", { timeout: 60_000 }, async () => {
    const pid = talon.proc.pid;
    const before = await call("before-1");
    expect(echoedArgs(before)?.nonce).toBe("before-1");
    expect((await get("/readyz")).status).toBe(200);

    // The disk fills while calls run: dd in its own process, so this one keeps calling. Small
    // arguments here, so some records still fit a page's slack after the fill; each call's fate
    // is checked against the upstream's log and the evidence below.
    const outcomes = new Map<string, string>();
    let stop = false;
    let full = false;
    let refusedAfterFull = 0;
    const loop = async (l: number) => {
      for (let k = 0; !stop; k++) {
        const nonce = `load-${l}-${k}`;
        const a = await session.call("echo", { nonce, pad: "q".repeat(512) });
        const err = a.message?.error;
        const kind = echoedArgs(a)?.nonce === nonce ? "ok" : err?.code === -32003 ? (/not forwarded/.test(err.message) ? "refused" : "withheld") : `other: HTTP ${a.status} ${JSON.stringify(a.message)}`;
        outcomes.set(nonce, kind);
        if (full && kind === "refused") refusedAfterFull++;
      }
    };
    const loops = [0, 1, 2, 3].map(loop);
    await new Promise((r) => setTimeout(r, 200));
    const dd = await runAsync("dd", ["if=/dev/zero", `of=${filler}`, "bs=64k"]);
    expect(dd.out).toMatch(/No space left on device/);
    full = true;
    await eventually(() => (refusedAfterFull >= 8 ? true : undefined), 10_000);
    stop = true;
    await Promise.all(loops);
    const fates = [...outcomes.values()];
    expect(fates.filter((k) => k.startsWith("other"))).toEqual([]);
    expect(fates.filter((k) => k === "ok").length).toBeGreaterThan(0);
    const tally = (k: string) => fates.filter((f) => f === k).length;
    console.log(`disk-full: ${fates.length} calls while the disk filled: ${tally("ok")} answered, ${tally("refused")} refused (not forwarded), ${tally("withheld")} withheld (forwarded, outcome record failed)`);

    // Then one at a time and a concurrent burst that shares one journal write, with arguments
    // no page's slack can hold: every one is refused.
    const arrivedBefore = arrived().length;
    const refused: string[] = [];
    const answers: RawAnswer[] = [];
    for (let i = 0; i < 5; i++) {
      refused.push(`full-${i}`);
      answers.push(await call(`full-${i}`));
    }
    const burst = Array.from({ length: 8 }, (_, i) => `full-burst-${i}`);
    refused.push(...burst);
    answers.push(...(await Promise.all(burst.map(call))));
    for (const a of answers) {
      expect(a.status).toBe(200);
      expect(a.message?.error?.code, JSON.stringify(a.message)).toBe(-32003);
      expect(a.message?.error?.message).toMatch(/^evidence store unavailable: .*not forwarded/);
    }
    expect(arrived().length).toBe(arrivedBefore);
    expect(arrived().filter((n) => n.startsWith("full-"))).toEqual([]);

    const notReady = await get("/readyz");
    expect(notReady.status).toBe(503);
    const body = JSON.parse(notReady.text) as { status: string; failing: string[]; checks: Record<string, string> };
    expect(body.status).toBe("not_ready");
    expect(body.failing).toContain("evidence");
    expect(body.checks.evidence).toMatch(/^not writable: .*ENOSPC/);
    expect((await get("/metrics")).text).toMatch(/^talon_evidence_writable 0$/m);

    // Space returns: readiness comes back without any call to find out, in the same process.
    rmSync(filler);
    await eventually(async () => ((await get("/readyz")).status === 200 ? true : undefined), 5_000);
    expect((await get("/metrics")).text).toMatch(/^talon_evidence_writable 1$/m);
    const resumed = Array.from({ length: 5 }, (_, i) => `after-${i}`);
    for (const nonce of resumed) expect(echoedArgs(await call(nonce))?.nonce).toBe(nonce);
    expect(talon.proc.exitCode).toBeNull();
    expect(talon.proc.pid).toBe(pid);
    expect(arrived().slice(-resumed.length)).toEqual(resumed);

    // Evidence: a request record and a call record for every forwarded call, none for the refused.
    const list = audit(["list", "--kind", "all", "--json"]);
    expect(list.status, list.out).toBe(0);
    const entries = list.out.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as { kind: string; seq: number; args?: { nonce?: string } });
    const kinds = (nonce: string) => entries.filter((e) => e.args?.nonce === nonce).map((e) => e.kind).sort();
    for (const nonce of ["before-1", ...resumed]) expect(kinds(nonce), nonce).toEqual(["proxy_tool_call", "proxy_tool_request"]);
    for (const nonce of refused) expect(kinds(nonce), nonce).toEqual([]);
    // The calls that ran while the disk filled: an answered call has both records; a refused one
    // never arrived and left none; a withheld one (forwarded, then its outcome record failed)
    // has its request record. Above all, every call the upstream saw has a request record.
    const seen = new Set(arrived());
    for (const [nonce, fate] of outcomes) {
      const want = fate === "ok" ? ["proxy_tool_call", "proxy_tool_request"] : fate === "refused" ? [] : ["proxy_tool_request"];
      expect(kinds(nonce), `${nonce} (${fate})`).toEqual(want);
      expect(seen.has(nonce), `${nonce} (${fate}) reached the upstream`).toBe(fate !== "refused");
    }
    for (const nonce of seen) expect(kinds(nonce), `${nonce} reached the upstream`).toContain("proxy_tool_request");
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => i + 1));

    const verify = audit(["verify", "--json"]);
    expect(verify.status, verify.out).toBe(0);
    const report = JSON.parse(verify.out.split("\n").find((l) => l.startsWith("{"))!) as { ok: boolean; entries: number; firstSeq: number; lastSeq: number };
    expect(report).toMatchObject({ ok: true, entries: entries.length, firstSeq: 1, lastSeq: entries.length });
  });
});

/**
 * The same at the store level, where records small enough for a journal page's slack still commit
 * while LMDB (which needs fresh pages) cannot index them: the index retries must catch up once
 * space returns, without putting a seq twice (which LMDB's no-overwrite put reports as "already
 * taken; is another process writing to this store?", a false alarm that also left the store's
 * index error set after it had caught up).
 */
describe("the evidence index on a full disk", () => {
  const mnt = tempDir("talon-diskfull-store-");
  let mounted = false;
  beforeAll(() => {
    mountTmpfs(mnt, "8m");
    mounted = true;
  });
  afterAll(() => {
    if (mounted) unmount(mnt);
  });

  // In a child process on the built store, so its stderr (lmdb-js prints every failed write) can
  // be read and kept out of the test output.
  it("catches up after space returns, with no false 'already taken' alarm and no gap", { timeout: 30_000 }, () => {
    const script = join(tempDir("talon-diskfull-child-"), "child.mjs");
    writeFileSync(
      script,
      `import { closeSync, openSync, rmSync, writeSync } from "node:fs";
import { EvidenceStore } from ${JSON.stringify(pathToFileURL(join(ROOT, "dist/runtime/evidence/store.js")).href)};
const [data, filler] = process.argv.slice(2);
const record = (n) => ({ time: Date.now(), kind: "proxy_tool_call", agent: "a", caller: null, callerKind: "anonymous", session: null,
  tool: "t", upstreamTool: "t", upstream: "local", decision: "allow", reason: "allow", ruleIds: [], message: "x".repeat(n),
  bundleHash: "h", latencyMs: 0.5, outcome: "ok" });
// A short sync interval makes the index retries (run on the sync tick) frequent.
const store = EvidenceStore.open(data, { syncIntervalMs: 10 });
const acked = [];
let failures = 0;
const load = async (ms, size) => {
  for (const until = Date.now() + ms; Date.now() < until; ) {
    const rs = await Promise.allSettled([0, 1, 2].map(() => store.append(record(size))));
    for (const r of rs) r.status === "fulfilled" ? acked.push(r.value.seq) : failures++;
    await new Promise((r) => setTimeout(r, 1));
  }
};
await load(100, 1000);
const fd = openSync(filler, "w");
for (const size of [1 << 16, 4096, 1]) { const b = Buffer.alloc(size); try { for (;;) writeSync(fd, b); } catch {} }
closeSync(fd);
await load(1000, 1); // tiny records still fit the journal page's slack; LMDB needs fresh pages
const failuresWhileFull = failures;
const unindexedWhileFull = store.stats().unindexed;
rmSync(filler);
await load(1000, 100);
for (const until = Date.now() + 5000; store.stats().unindexed > 0 && Date.now() < until; ) await new Promise((r) => setTimeout(r, 10));
const after = { unindexed: store.stats().unindexed, writable: store.stats().writable, indexError: store.indexError === undefined ? null : String(store.indexError) };
await store.close();
const reader = EvidenceStore.open(data, { readOnly: true });
const stored = [...reader.lines()].map((l) => l.seq);
await reader.close();
process.stdout.write(JSON.stringify({ acked, failuresWhileFull, unindexedWhileFull, after, stored }));
`,
    );
    const r = spawnSync(process.execPath, [script, join(mnt, "data"), join(mnt, "filler")], { encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
    expect(r.status, r.stderr.slice(-2000)).toBe(0);
    const out = JSON.parse(r.stdout) as { acked: number[]; failuresWhileFull: number; unindexedWhileFull: number; after: { unindexed: number; writable: boolean; indexError: string | null }; stored: number[] };
    expect(out.failuresWhileFull).toBeGreaterThan(0);
    expect(out.unindexedWhileFull).toBeGreaterThan(0); // the index really failed while the journal took records
    expect(r.stderr).toContain("LMDB index write failed");
    expect(r.stderr).not.toContain("already taken");
    expect(out.after).toEqual({ unindexed: 0, writable: true, indexError: null });
    expect(out.acked).toEqual(out.acked.map((_, i) => i + 1));
    expect(out.stored).toEqual(out.acked);
  });
});
