/**
 * One writer process per evidence store. The store hands out sequence numbers from an in-process
 * counter (initialised from the last key at open), so two processes appending to one store would
 * hand out the same numbers. Until a shared counter exists, a lock file `<dir>/evidence.writer`
 * holding the writer's pid, created with O_EXCL, turns that into a clear error at open.
 *
 * Limits, written down rather than hidden:
 * - A lock left by a crashed process is taken over when its pid is no longer alive (or is our own
 *   pid: containers often restart the server as the same pid). A pid reused by an unrelated live
 *   process blocks the start; the error says which file to remove.
 * - Taking over a stale lock is not atomic against a second process starting in the same instant,
 *   and pid checks cannot see across pid namespaces (two containers sharing one volume). The store
 *   backs this up by writing with MDB_NOOVERWRITE, so a sequence number taken by another writer
 *   fails the append instead of replacing a record.
 * - Readers (`talon audit`) open the store read-only and take no lock.
 */
import fs from "node:fs";
import { EvidenceStoreLockedError } from "./errors.js";

/** A held writer lock; `release` is idempotent. */
export interface WriterLock {
  readonly file: string;
  release(): void;
}

/** Locks this process holds, by lock file: which database names are open for writing. */
const held = new Map<string, Set<string>>();

/**
 * Takes the writer lock for the store directory `dir` and database `name`. Several database names
 * in one process share the file; the same name twice in one process is refused, since the two
 * stores would count sequence numbers independently.
 */
export function acquireWriterLock(dir: string, name: string): WriterLock {
  const file = `${dir}/evidence.writer`;
  const names = held.get(file);
  if (names) {
    if (names.has(name)) {
      throw new EvidenceStoreLockedError(
        `evidence store ${dir} (database "${name}") is already open for writing in this process; close it first`,
        process.pid,
      );
    }
    names.add(name);
    return lockHandle(file, name);
  }
  takeFile(file, dir);
  held.set(file, new Set([name]));
  return lockHandle(file, name);
}

function lockHandle(file: string, name: string): WriterLock {
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      const names = held.get(file);
      if (!names) return;
      names.delete(name);
      if (names.size > 0) return;
      held.delete(file);
      // Remove the file only while it is still ours (an operator may have removed and reused it).
      if (readPid(file) === process.pid) fs.rmSync(file, { force: true });
    },
  };
}

/** Creates the lock file exclusively, replacing a stale one; throws when a live process holds it. */
function takeFile(file: string, dir: string): void {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      fs.writeFileSync(file, `${process.pid}\n`, { flag: "wx", mode: 0o600 });
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    }
    const pid = readPid(file);
    if (pid !== null && pid !== process.pid && isAlive(pid)) {
      throw new EvidenceStoreLockedError(
        `evidence store ${dir} is already open by process ${pid}; two processes on one store are not ` +
          `supported yet (if process ${pid} is not a Talon server, remove ${file})`,
        pid,
      );
    }
    // Stale: the holder is gone, or the file is empty/garbled (a crash between create and write).
    fs.rmSync(file, { force: true });
  }
  throw new Error(`could not take the evidence writer lock ${file}: it keeps reappearing`);
}

function readPid(file: string): number | null {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8").trim();
  } catch {
    return null;
  }
  return /^[1-9][0-9]{0,9}$/.test(text) ? Number(text) : null;
}

/** Signal 0 probes a pid without touching it; EPERM still means "exists, owned by someone else". */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
