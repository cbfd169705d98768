/**
 * The `talon audit` commands that prove and maintain the chain: verify, export, checkpoint,
 * purge, keygen (see runtime/evidence/verify.ts, export.ts, checkpoint.ts).
 */
import fs from "node:fs";
import path from "node:path";
import { checkpointProblem, parsePublicKey, SigningKey, SIGNING_KEY_ENV, SIGNING_KEY_FILE_ENV, type Checkpoint } from "../evidence/checkpoint.js";
import { chainStart, exportCsv, exportJsonl, readExport } from "../evidence/export.js";
import { EvidenceStore, EvidenceStoreLockedError } from "../evidence/store.js";
import { verifyChain, type VerifyInput, type VerifyReport } from "../evidence/verify.js";
import { parseDuration } from "../helpers/duration.js";
import { parseTime, withStore, type LineSink } from "./audit-store.js";
import { parseFlags, UsageError } from "./flags.js";

export const AUDIT_CHAIN_USAGE = `talon audit verify [--data DIR | --file EXPORT] [--checkpoint FILE] [--public-key HEX | --key-file FILE] [--json]
                       walk the hash chain and its signed checkpoints; names the first bad entry
                       (edited, missing, reordered, truncated, rechained); exit 1 when it does not verify
talon audit export --format jsonl|csv [--data DIR] [--out FILE]
                       the whole chain, verifiable offline with verify --file
talon audit checkpoint --export [--data DIR] [--out FILE]
                       the newest signed checkpoint, to keep outside the store's reach
talon audit purge (--retention 365d | --before TIME) [--data DIR] [--key-file FILE] [--dry-run]
                       delete entries older than the retention, leaving a signed anchor
                       (the server does this by itself for compliance { audit_retention })
talon audit keygen [--out FILE]
                       a new Ed25519 checkpoint signing key (hex); prints its public key

The signing key comes from ${SIGNING_KEY_ENV} (hex or base64) or ${SIGNING_KEY_FILE_ENV} (a path),
or --key-file; verify needs only the public key.`;

export async function runChainCommand(sub: "verify" | "export" | "checkpoint" | "purge" | "keygen", args: string[], out: LineSink, err: LineSink): Promise<number> {
  switch (sub) {
    case "verify":
      return verify(args, out, err);
    case "export":
      return exportChain(args, out, err);
    case "checkpoint":
      return checkpoint(args, out, err);
    case "purge":
      return purge(args, out, err);
    case "keygen":
      return keygen(args, out);
  }
}

function help(out: LineSink, first: string): number {
  out(`usage: ${AUDIT_CHAIN_USAGE.split("\n").filter((l) => l.startsWith(first) || (!l.startsWith("talon") && l.startsWith(" "))).join("\n")}`);
  return 0;
}

/** The trusted public key: --public-key, else the key file's, else the environment's, else none. */
function trustedKey(values: { "public-key"?: string; "key-file"?: string }): string | null {
  if (values["public-key"] !== undefined) return parsePublicKey(values["public-key"], "--public-key");
  if (values["key-file"] !== undefined) return SigningKey.fromFile(values["key-file"]).publicKey;
  return SigningKey.fromEnv(process.env)?.publicKey ?? null;
}

function readCheckpointFile(file: string): Checkpoint {
  let cp: unknown;
  try {
    cp = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (e) {
    throw new UsageError(`--checkpoint ${file}: ${(e as Error).message}`);
  }
  const why = checkpointProblem(cp, null);
  if (why) throw new UsageError(`--checkpoint ${file}: ${why}`);
  return cp as Checkpoint;
}

async function verify(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values } = parseFlags(args, {
    data: { type: "string" },
    file: { type: "string" },
    checkpoint: { type: "string" },
    "public-key": { type: "string" },
    "key-file": { type: "string" },
    json: { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return help(out, "talon audit verify");
  if (values.data !== undefined && values.file !== undefined) throw new UsageError("give --data or --file, not both");
  const external = values.checkpoint !== undefined ? readCheckpointFile(values.checkpoint) : null;
  let trusted: string | null;
  try {
    // An external checkpoint kept out of reach is trusted for its key when nothing else is given.
    trusted = trustedKey(values) ?? external?.publicKey ?? null;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const report = (r: VerifyReport, what: string): number => {
    if (values.json) out(JSON.stringify(r));
    else printReport(r, what, out, err);
    return r.ok ? 0 : 1;
  };
  if (values.file !== undefined) {
    let src: ReturnType<typeof readExport>;
    try {
      src = readExport(values.file);
    } catch (e) {
      err(`talon audit verify: ${(e as Error).message}`);
      return 1;
    }
    if (src.format === "csv") err("note: a CSV export carries no anchor or checkpoints; its first row is taken as the start");
    return report(verifyChain({ ...src, external, trustedKey: trusted }), values.file);
  }
  return withStore("verify", values.data, err, (store) => {
    const anchor = store.anchor();
    const input: VerifyInput = {
      lines: () => store.lines(),
      start: chainStart(anchor),
      storeId: store.storeId,
      anchor,
      checkpoints: store.checkpoints(),
      external,
      trustedKey: trusted,
    };
    return report(verifyChain(input), store.path);
  });
}

function printReport(r: VerifyReport, what: string, out: LineSink, err: LineSink): void {
  for (const w of r.warnings) err(`warning: ${w}`);
  const range = r.firstSeq === null ? "no entries" : `${r.entries} ${r.entries === 1 ? "entry" : "entries"} (seq ${r.firstSeq}..${r.lastSeq})`;
  if (r.ok) {
    out(`OK: ${what}: ${range}, chain intact, ${r.checkpointsVerified} checkpoint(s) verified${r.head ? `, head ${r.head.slice(0, 16)}…` : ""}`);
    return;
  }
  const first = r.problems[0]!;
  out(`FAILED: ${what}: ${range}; first bad entry: ${first.seq ?? "?"} (${first.kind})`);
  for (const p of r.problems) out(`  ${p.kind}${p.seq !== null ? ` at seq ${p.seq}` : ""}: ${p.message}`);
}

/** Writes to --out (created 0600, replaced atomically) or to `out` line by line. */
function sink(file: string | undefined, out: LineSink): { write: (text: string) => void; done: () => void } {
  if (file === undefined) {
    let pending = "";
    return {
      write: (text) => {
        pending += text;
        const nl = pending.lastIndexOf("\n");
        if (nl < 0) return;
        for (const l of pending.slice(0, nl).split("\n")) out(l.replace(/\r$/, ""));
        pending = pending.slice(nl + 1);
      },
      done: () => void (pending !== "" && out(pending)),
    };
  }
  const tmp = `${file}.tmp-${process.pid}`;
  const fd = fs.openSync(tmp, "w", 0o600);
  return {
    write: (text) => void fs.writeSync(fd, text),
    done: () => {
      fs.fsyncSync(fd);
      fs.closeSync(fd);
      fs.renameSync(tmp, file);
    },
  };
}

async function exportChain(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values } = parseFlags(args, { data: { type: "string" }, format: { type: "string" }, out: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return help(out, "talon audit export");
  const format = values.format ?? "jsonl";
  if (format !== "jsonl" && format !== "csv") throw new UsageError(`--format must be jsonl or csv, got "${format}"`);
  return withStore("export", values.data, err, (store) => {
    const s = sink(values.out, out);
    const n = (format === "csv" ? exportCsv : exportJsonl)(store, s.write);
    s.done();
    if (values.out !== undefined) err(`exported ${n} entries to ${values.out}`);
    return 0;
  });
}

async function checkpoint(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values } = parseFlags(args, { data: { type: "string" }, export: { type: "boolean" }, out: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return help(out, "talon audit checkpoint");
  if (!values.export) throw new UsageError("say --export to print the newest checkpoint");
  return withStore("checkpoint", values.data, err, (store) => {
    const cp = store.latestCheckpoint();
    if (!cp) {
      err(`talon audit checkpoint: the store has no signed checkpoint yet (the server signs one every 1000 entries or 60 s when ${SIGNING_KEY_ENV} or ${SIGNING_KEY_FILE_ENV} is set, and at shutdown)`);
      return 1;
    }
    const s = sink(values.out, out);
    s.write(JSON.stringify(cp, null, 2) + "\n");
    s.done();
    if (values.out !== undefined) err(`checkpoint at seq ${cp.seq} written to ${values.out}; keep it where the store's host cannot change it`);
    return 0;
  });
}

async function purge(args: string[], out: LineSink, err: LineSink): Promise<number> {
  const { values } = parseFlags(args, {
    data: { type: "string" },
    retention: { type: "string" },
    before: { type: "string" },
    "key-file": { type: "string" },
    "dry-run": { type: "boolean" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) return help(out, "talon audit purge");
  if ((values.retention === undefined) === (values.before === undefined)) throw new UsageError("give one of --retention DURATION or --before TIME");
  let cutoff: number;
  if (values.retention !== undefined) {
    try {
      cutoff = Date.now() - parseDuration(values.retention);
    } catch (e) {
      throw new UsageError(`--retention: ${(e as Error).message}`);
    }
  } else cutoff = parseTime("--before", values.before!);
  if (values["dry-run"]) {
    return withStore("purge", values.data, err, (store) => {
      let n = 0;
      for (const e of store.entries()) {
        if (e.time >= cutoff) break;
        n++;
      }
      out(`would purge ${n} entries recorded before ${new Date(cutoff).toISOString()}`);
      return 0;
    });
  }
  let key: SigningKey | null;
  try {
    key = values["key-file"] !== undefined ? SigningKey.fromFile(values["key-file"]) : SigningKey.fromEnv(process.env);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (!key) throw new UsageError(`purging signs the chain's new start: set ${SIGNING_KEY_ENV} or ${SIGNING_KEY_FILE_ENV}, or give --key-file`);
  const dataDir = path.resolve(values.data ?? "./.talon");
  if (!fs.existsSync(path.join(dataDir, "evidence.lmdb"))) {
    err(`talon audit purge: no evidence store in ${dataDir}`);
    return 2;
  }
  let store: EvidenceStore;
  try {
    store = EvidenceStore.open(dataDir, { signingKey: key });
  } catch (e) {
    if (e instanceof EvidenceStoreLockedError) {
      err(`talon audit purge: the server (pid ${e.pid}) is writing to this store; it purges by itself per compliance { audit_retention }. Stop it to purge by hand.`);
      return 1;
    }
    throw e;
  }
  try {
    const { purged, anchor } = await store.purge(cutoff);
    out(purged === 0 ? "nothing to purge" : `purged ${purged} entries; the chain now starts at seq ${anchor!.firstSeq} (signed anchor)`);
    return 0;
  } finally {
    await store.close();
  }
}

function keygen(args: string[], out: LineSink): number {
  const { values } = parseFlags(args, { out: { type: "string" }, help: { type: "boolean", short: "h" } });
  if (values.help) return help(out, "talon audit keygen");
  const hex = SigningKey.generateHex();
  const pub = SigningKey.parse(hex, "new key").publicKey;
  if (values.out !== undefined) {
    fs.writeFileSync(values.out, hex + "\n", { mode: 0o600, flag: "wx" });
    out(`signing key written to ${values.out} (mode 0600); set ${SIGNING_KEY_FILE_ENV}=${values.out}`);
  } else out(hex);
  out(`public key: ${pub}`);
  return 0;
}
