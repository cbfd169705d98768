/**
 * The evidence journal: the commit point of an append.
 *
 * Why a journal in front of LMDB: an LMDB commit that is safe against power loss costs an fsync
 * (~300 µs here, measured in bench/), and an unsynced LMDB commit (`noSync`) can corrupt the
 * database on a system crash (SECURITY.md §1.7). The invariant we must keep is weaker and
 * cheaper: a record is committed before its response leaves and survives a kill of the proxy,
 * with fsync durability following within a bounded window (ARCHITECTURE.md, Invariants). So an
 * append writes its line to this append-only file with one `write(2)` per event-loop turn (the
 * group commit): once `write` returns, the bytes are in the kernel and survive the process. The
 * journal is fdatasync'd every `syncIntervalMs`; LMDB, kept with its default safe sync, is filled
 * from the same records in the background and is what `talon audit` queries. At open, journal
 * records LMDB does not have yet are replayed into it, and journal files LMDB has durably
 * absorbed are deleted.
 *
 * Files: `<dir>/<name>-<firstSeq>.journal`, one entry per line, exactly as chain.ts seals it. A torn last line (power
 * loss during a write) does not parse and is ignored; it was never acknowledged, because a batch
 * is acknowledged only after its whole write returned.
 */
import fs from "node:fs";
import path from "node:path";

/** Rotate to a new file past this size, so absorbed records can be deleted. */
export const ROTATE_BYTES = 8 * 1024 * 1024;

const FILE_RE = /^(.+)-(\d+)\.journal$/;

/** The journal files of database `name` in `dir`, oldest first. */
export function journalFiles(dir: string, name: string): { file: string; firstSeq: number }[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  const out: { file: string; firstSeq: number }[] = [];
  for (const n of names) {
    const m = FILE_RE.exec(n);
    if (m && m[1] === name) out.push({ file: path.join(dir, n), firstSeq: Number(m[2]) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

/** One journal line: the stored text and the seq it carries. */
export interface JournalLine {
  readonly seq: number;
  readonly line: string;
}

/** Every intact line of a journal file (a torn or garbled line ends the file's usable part). */
export function readJournal(file: string): JournalLine[] {
  const text = fs.readFileSync(file, "utf8");
  const out: JournalLine[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    let rec: { seq?: unknown };
    try {
      rec = JSON.parse(line) as { seq?: unknown };
    } catch {
      break;
    }
    if (rec === null || typeof rec !== "object" || !Number.isSafeInteger(rec.seq)) break;
    out.push({ seq: rec.seq as number, line });
  }
  return out;
}

/** The file being appended to. */
export class JournalFile {
  readonly file: string;
  readonly firstSeq: number;
  lastSeq: number;
  size = 0;
  #fd: number;

  constructor(dir: string, name: string, firstSeq: number) {
    this.firstSeq = firstSeq;
    this.lastSeq = firstSeq - 1;
    this.file = path.join(dir, `${name}-${firstSeq}.journal`);
    this.#fd = fs.openSync(this.file, "a", 0o600);
  }

  /** Set when a failed write could not be cut back: the store must rotate before appending again. */
  broken = false;

  /**
   * Write all of `text` (one or more complete lines); throws the system error (ENOSPC, EFBIG, …).
   * A write that fails midway is cut back to the previous end, so a later batch never follows a
   * torn line (readers stop at the first line that does not parse).
   */
  append(text: string, lastSeq: number): void {
    const buf = Buffer.from(text, "utf8");
    let off = 0;
    try {
      while (off < buf.length) off += fs.writeSync(this.#fd, buf, off, buf.length - off);
    } catch (err) {
      if (off > 0) {
        try {
          fs.ftruncateSync(this.#fd, this.size);
        } catch {
          this.broken = true;
        }
      }
      throw err;
    }
    this.size += buf.length;
    this.lastSeq = lastSeq;
  }

  /** fdatasync: what was written survives power loss once this resolves. */
  sync(): Promise<void> {
    return new Promise((resolve, reject) => fs.fdatasync(this.#fd, (err) => (err ? reject(err) : resolve())));
  }

  close(): void {
    fs.closeSync(this.#fd);
  }
}
