/**
 * Crash safety (SECURITY.md §2, F3): a running bundle under load from several concurrent clients
 * is killed with SIGKILL at a random moment, then restarted on the same data directory, round
 * after round. Every tools/call carries a unique nonce, and the policy captures requests, so each
 * record names the call it belongs to.
 *
 * What it proves, after every kill (reading the dead server's store: LMDB plus the journal tail
 * the next start replays) and again at the end with the real `talon audit` CLI:
 *   - every call that got a successful answer has exactly one record with its nonce (a response
 *     never leaves before its record is committed, and a restart never loses or replays one);
 *   - no record is duplicated (unique ids, unique nonces), sequence numbers run 1..N without a gap;
 *   - the hash chain and the store's signed checkpoints verify (`talon audit verify` exits 0), and a
 *     checkpoint exported in an early round still verifies against the chain many kills later;
 *   - a killed server restarts on the same store (stale writer lock taken over, journal replayed).
 * Time to `listening`, to a ready `/readyz` and to the first answered call after each restart are
 * printed, not asserted.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { prng } from "../../compiler/testing/shuffle.js";
import { SigningKey } from "../../runtime/evidence/checkpoint.js";
import { chainStart } from "../../runtime/evidence/export.js";
import { EvidenceStore } from "../../runtime/evidence/store.js";
import { verifyChain } from "../../runtime/evidence/verify.js";
import { buildPolicy, eventually, ROOT, startTalon, TALON, tempDir, type RunningTalon } from "./harness.js";
import { echoedArgs, openSession } from "./raw-mcp.js";

const ECHO = join(ROOT, "test/fixtures/echo-upstream.mjs");
const ROUNDS = Number(process.env.TALON_CRASH_ROUNDS ?? 24);
const SESSIONS = 4;
const LOOPS_PER_SESSION = 2;
/** The first round after whose kill a checkpoint is exported, to be checked at the end. */
const EXPORT_AFTER_ROUND = 4;

const POLICY = `talon 1
agent "echo" {
  upstream stdio [${JSON.stringify(process.execPath)}, ${JSON.stringify(ECHO)}]
  evidence { capture requests, decisions }
  tool echo { class read }
  grant anyone read on echo
}
`;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const KEY = randomBytes(32).toString("hex");
const PUBLIC_KEY = SigningKey.parse(KEY, "test key").publicKey;
const ENV = { TALON_EVIDENCE_KEY: KEY };

function talonCli(args: string[]): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [TALON, ...args], { encoding: "utf8", env: { ...process.env, ...ENV }, maxBuffer: 512 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

interface StoreView {
  readonly lastSeq: number;
  /** nonce → how many tool-call records carry it. */
  readonly nonces: Map<string, number>;
  readonly problems: string[];
}

/** Reads the (dead) server's store in this process: contiguity, duplicates, chain and checkpoints. */
async function inspectStore(data: string): Promise<StoreView> {
  const store = EvidenceStore.open(data, { readOnly: true });
  try {
    const problems: string[] = [];
    const entries = store.entries();
    entries.forEach((e, i) => {
      if (e.seq !== i + 1) problems.push(`position ${i + 1} holds seq ${e.seq}`);
    });
    const ids = new Set(entries.map((e) => e.id));
    if (ids.size !== entries.length) problems.push(`${entries.length - ids.size} duplicated record ids`);
    const nonces = new Map<string, number>();
    for (const e of entries) {
      if (e.kind !== "proxy_tool_call") continue;
      const nonce = (e as { args?: { nonce?: unknown } }).args?.nonce;
      if (typeof nonce !== "string") problems.push(`record seq ${e.seq} carries no nonce`);
      else nonces.set(nonce, (nonces.get(nonce) ?? 0) + 1);
    }
    const report = verifyChain({
      lines: () => store.lines(),
      start: chainStart(store.anchor()),
      storeId: store.storeId,
      anchor: store.anchor(),
      checkpoints: store.checkpoints(),
      external: null,
      trustedKey: PUBLIC_KEY,
    });
    for (const p of report.problems) problems.push(`verify: ${p.kind} at ${p.seq}: ${p.message}`);
    return { lastSeq: entries.length === 0 ? 0 : entries[entries.length - 1]!.seq, nonces, problems };
  } finally {
    await store.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe("kill -9 of the proxy under load (F3)", () => {
  const data = tempDir("talon-crash-data-");
  const checkpointFile = join(tempDir("talon-crash-cp-"), "checkpoint.json");
  const seed = Number(process.env.TALON_CRASH_SEED ?? Date.now() % 1_000_000);
  const random = prng(seed);
  let bundle = "";
  let talon: RunningTalon | null = null;

  beforeAll(() => {
    bundle = buildPolicy({ "crash.talon": POLICY }).bundle;
  });
  afterAll(async () => {
    await talon?.stop();
  });

  it(`loses no acknowledged record and keeps the chain verifiable across ${ROUNDS} kills`, { timeout: 120_000 }, async () => {
    const acked = new Set<string>();
    const listenMs: number[] = [];
    const readyMs: number[] = [];
    const firstAnswerMs: number[] = [];
    const perRound: string[] = [];
    let exported: { seq: number } | null = null;

    for (let round = 1; round <= ROUNDS; round++) {
      const t0 = performance.now();
      talon = await startTalon(bundle, { data, env: ENV, args: ["--checkpoint-every", "50"] });
      listenMs.push(performance.now() - t0);
      await eventually(async () => ((await fetch(`http://127.0.0.1:${talon!.port}/readyz`)).status === 200 ? true : undefined), 10_000);
      readyMs.push(performance.now() - t0);
      const agent = new http.Agent({ keepAlive: true, maxSockets: SESSIONS * LOOPS_PER_SESSION });
      const sessions = await Promise.all(Array.from({ length: SESSIONS }, () => openSession(talon!.url, agent)));

      const unexpected: string[] = [];
      let roundAcked = 0;
      let first = true;
      const loop = async (s: number, l: number) => {
        for (let k = 0; ; k++) {
          const nonce = `r${round}-s${s}-l${l}-${k}-${randomBytes(4).toString("hex")}`;
          const answer = await sessions[s]!.call("echo", { nonce });
          if (answer.status === 0) return; // the proxy is gone: this call's fate is unknown to the client
          if (echoedArgs(answer)?.nonce === nonce) {
            if (first) {
              first = false;
              firstAnswerMs.push(performance.now() - t0);
            }
            acked.add(nonce);
            roundAcked++;
          } else unexpected.push(`HTTP ${answer.status} ${JSON.stringify(answer.message)}`);
        }
      };
      const loops = sessions.flatMap((_, s) => Array.from({ length: LOOPS_PER_SESSION }, (_, l) => loop(s, l)));
      const delay = 50 + Math.floor(random() * 350);
      await sleep(delay);
      const exited = new Promise((r) => talon!.proc.once("exit", r));
      talon.proc.kill("SIGKILL");
      await exited;
      await Promise.all(loops);
      agent.destroy();
      talon = null;

      // Before the proxy answered its first call the kill may come too early for any answer; the
      // load itself must not have produced failures other than the cut-off.
      expect(unexpected, `round ${round}: answers that were neither a result nor a cut-off`).toEqual([]);

      const view = await inspectStore(data);
      expect(view.problems, `round ${round} (seed ${seed})`).toEqual([]);
      const missing = [...acked].filter((n) => view.nonces.get(n) !== 1);
      expect(missing, `round ${round}: acknowledged calls without exactly one record (seed ${seed})`).toEqual([]);
      expect([...view.nonces.values()].every((c) => c === 1), `round ${round}: a nonce recorded twice`).toBe(true);
      perRound.push(`r${round}: kill at ${delay} ms, ${roundAcked} answered, store seq 1..${view.lastSeq}`);

      // From this round on, until the store holds a signed checkpoint (one per 50 entries).
      if (round >= EXPORT_AFTER_ROUND && exported === null) {
        const r = talonCli(["audit", "checkpoint", "--export", "--data", data, "--out", checkpointFile]);
        if (r.status === 0) exported = JSON.parse(readFileSync(checkpointFile, "utf8")) as { seq: number };
        else expect(r.stderr).toMatch(/no signed checkpoint yet/);
      }
    }
    expect(acked.size).toBeGreaterThan(ROUNDS * 10);
    expect(exported, "no checkpoint was ever exported").not.toBeNull();
    expect(exported!.seq).toBeGreaterThan(0);

    // The real CLI, on the store as the last kill left it (its tail still in the journal).
    const verify = talonCli(["audit", "verify", "--data", data, "--checkpoint", checkpointFile, "--json"]);
    expect(verify.status, verify.stdout + verify.stderr).toBe(0);
    const report = JSON.parse(verify.stdout) as { ok: boolean; entries: number; firstSeq: number; lastSeq: number; checkpointsVerified: number };
    expect(report.ok).toBe(true);
    expect(report.firstSeq).toBe(1);
    expect(report.lastSeq).toBe(report.entries); // contiguous: 1..N, N entries
    expect(report.checkpointsVerified).toBeGreaterThanOrEqual(2); // the store's own and the exported one
    expect(report.lastSeq).toBeGreaterThan(exported!.seq);

    const list = talonCli(["audit", "list", "--data", data, "--kind", "proxy_tool_call", "--json"]);
    expect(list.status, list.stderr).toBe(0);
    const records = list.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
    const byNonce = new Map<string, number>();
    for (const r of records) {
      const n = (r.args as { nonce?: string } | undefined)?.nonce;
      if (n !== undefined) byNonce.set(n, (byNonce.get(n) ?? 0) + 1);
    }
    expect([...acked].filter((n) => byNonce.get(n) !== 1)).toEqual([]);
    expect(new Set(records.map((r) => r.id)).size).toBe(records.length);

    // One more start on the same store: it replays the tail and serves; a clean stop then
    // leaves a store that still verifies against the early checkpoint.
    const t0 = performance.now();
    talon = await startTalon(bundle, { data, env: ENV, args: ["--checkpoint-every", "50"] });
    listenMs.push(performance.now() - t0);
    const agent = new http.Agent({ keepAlive: true });
    const session = await openSession(talon.url, agent);
    const answer = await session.call("echo", { nonce: "after-the-last-kill" });
    expect(echoedArgs(answer)?.nonce).toBe("after-the-last-kill");
    agent.destroy();
    await talon.stop();
    talon = null;
    const after = talonCli(["audit", "verify", "--data", data, "--checkpoint", checkpointFile]);
    expect(after.status, after.stdout + after.stderr).toBe(0);
    expect(after.stdout).toMatch(new RegExp(`^OK: .*: ${report.entries + 1} entries \\(seq 1\\.\\.${report.entries + 1}\\), chain intact`));

    const fmt = (xs: number[]) => `median ${median(xs).toFixed(0)} ms, max ${Math.max(...xs).toFixed(0)} ms`;
    console.log(
      [
        `crash test: ${ROUNDS} kills (seed ${seed}), ${acked.size} acknowledged calls, ${report.entries} entries, exported checkpoint at seq ${exported!.seq}`,
        `  restart → listening: ${fmt(listenMs)} (${listenMs.length} starts)`,
        `  restart → /readyz 200: ${fmt(readyMs)} (${readyMs.length} rounds)`,
        `  restart → first answered call (incl. session + upstream spawn): ${fmt(firstAnswerMs)} (${firstAnswerMs.length} rounds)`,
        ...perRound.map((l) => `  ${l}`),
      ].join("\n"),
    );
  });
});
