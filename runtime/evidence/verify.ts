/**
 * Verification of an evidence chain, from a live store or from an export (SECURITY.md §1.6's
 * recipe): recompute every hash, check the `prev` links and that sequence numbers run without
 * gaps in order, check each checkpoint's signature and that the chain still has the checkpointed
 * hash at its seq, and flag a chain that ends before a checkpoint. Problems name the first bad
 * entry and what happened to it:
 *
 *   - `edited`     an entry's content no longer hashes to its stored hash, or its hash was
 *                  recomputed so the next entry's `prev` no longer matches;
 *   - `missing`    a sequence number is absent (an entry was deleted);
 *   - `reordered`  entries are present but out of order (or stored under another key);
 *   - `truncated`  the chain ends before a checkpoint's seq;
 *   - `rechained`  every link holds but a signed checkpoint disagrees: the chain was rewritten
 *                  and re-hashed, somewhere between the last agreeing checkpoint and this one;
 *   - `malformed`, `checkpoint`, `anchor` for lines, checkpoints or anchors that fail on their own.
 *
 * The source is read twice (order first, then content), so a store of any size is verified in
 * memory proportional to its number of entries (one number each), not their size.
 */
import { openLine } from "./chain.js";
import { anchorProblem, checkpointProblem, type Anchor, type Checkpoint } from "./checkpoint.js";

export type ProblemKind = "edited" | "missing" | "reordered" | "truncated" | "rechained" | "malformed" | "checkpoint" | "anchor";

export interface Problem {
  readonly kind: ProblemKind;
  /** The first bad entry's seq, when one can be named. */
  readonly seq: number | null;
  readonly message: string;
}

/** One stored line; `key` is the LMDB key it is stored under (absent for files). */
export interface SourceLine {
  readonly key?: number;
  readonly line: string;
}

export interface VerifyInput {
  /** The lines in storage order; called once per pass. */
  readonly lines: () => Iterable<SourceLine>;
  /** Where the chain must start: seq 1 after genesis, or the purge anchor. */
  readonly start: { readonly seq: number; readonly prev: string };
  readonly storeId: string | null;
  readonly anchor: Anchor | null;
  /** Checkpoints kept with the chain (in the store, or in the export's header). */
  readonly checkpoints: readonly Checkpoint[];
  /** The checkpoint kept outside the store (`--checkpoint`). */
  readonly external: Checkpoint | null;
  /** Hex Ed25519 public key the checkpoints must be signed with; null = take each one's own key. */
  readonly trustedKey: string | null;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly head: string | null;
  readonly checkpointsVerified: number;
  readonly problems: Problem[];
  readonly warnings: string[];
}

interface Parsed {
  seq: number;
  prev: string;
  id: string;
  claimed: string;
  actual: string;
}

function parse(line: string): Parsed | string {
  const opened = openLine(line);
  if (!opened) return "the line does not end with a 64-hex-character hash member";
  let body: { seq?: unknown; prev?: unknown; id?: unknown; hash?: unknown };
  try {
    body = JSON.parse(opened.body) as typeof body;
  } catch {
    return "the line is not JSON";
  }
  if (body === null || typeof body !== "object" || !Number.isSafeInteger(body.seq) || typeof body.prev !== "string" || body.hash !== undefined)
    return "the line has no integer seq or no prev, or a second hash member";
  return { seq: body.seq as number, prev: body.prev, id: typeof body.id === "string" ? body.id : "?", claimed: opened.claimed, actual: opened.actual };
}

/** The seq a line carries, NaN when it has none (pass 2 says what is wrong with it). */
function seqOf(line: string): number {
  try {
    const seq = (JSON.parse(line) as { seq?: unknown } | null)?.seq;
    return Number.isSafeInteger(seq) ? (seq as number) : NaN;
  } catch {
    return NaN;
  }
}

export function verifyChain(input: VerifyInput): VerifyReport {
  const problems: Problem[] = [];
  const warnings: string[] = [];
  const add = (kind: ProblemKind, seq: number | null, message: string) => problems.push({ kind, seq, message });

  if (input.anchor) {
    const why = anchorProblem(input.anchor, input.trustedKey);
    if (why) add("anchor", input.anchor.firstSeq, `purge anchor: ${why}`);
  }

  // Pass 1: the order of sequence numbers (one number per entry).
  const seqs: number[] = [];
  for (const { line } of input.lines()) seqs.push(seqOf(line));
  const present = new Set(seqs);
  const { seq: start } = input.start;
  let orderBroken = false;
  for (let i = 0; i < seqs.length && !orderBroken; i++) {
    const want = start + i;
    const got = seqs[i]!;
    if (got === want || Number.isNaN(got)) continue;
    orderBroken = true;
    if (present.has(want)) add("reordered", want, `entries are out of order: seq ${want} should come at position ${i + 1} but seq ${got} is there`);
    else if (got > want) add("missing", want, got === want + 1 ? `entry seq ${want} is missing (deleted)` : `entries seq ${want}..${got - 1} are missing (deleted)`);
    else add("reordered", got, `entry seq ${got} appears again or out of order after seq ${want - 1}`);
  }

  // Pass 2: content and links; the hashes at checkpointed seqs.
  const cps = [...input.checkpoints, ...(input.external ? [input.external] : [])];
  const wanted = new Set(cps.map((c) => c.seq));
  const hashAt = new Map<number, string>();
  let prev = input.start.prev;
  let prevSeq = start - 1;
  let prevEdited = false;
  let count = 0;
  let first: number | null = null;
  let last: number | null = null;
  let head: string | null = null;
  for (const { key, line } of input.lines()) {
    count++;
    const p = parse(line);
    if (typeof p === "string") {
      add("malformed", key ?? null, `${key !== undefined ? `entry under key ${key}` : `line ${count}`}: ${p}`);
      prevEdited = true; // the next link cannot be judged
      continue;
    }
    first ??= p.seq;
    last = p.seq;
    head = p.claimed;
    if (key !== undefined && key !== p.seq && !orderBroken) add("reordered", p.seq, `entry seq ${p.seq} (${p.id}) is stored under key ${key}`);
    if (p.actual !== p.claimed) add("edited", p.seq, `entry seq ${p.seq} (${p.id}) was edited: its content hashes to ${p.actual.slice(0, 16)}…, its stored hash is ${p.claimed.slice(0, 16)}…`);
    else if (p.seq === prevSeq + 1 && p.prev !== prev && !prevEdited && !orderBroken) {
      // The link broke although both entries hash correctly: the entry before was rewritten and
      // re-hashed (or this one's prev was).
      add("edited", prevSeq >= start ? prevSeq : p.seq, `entry seq ${p.seq} (${p.id}) does not link to the entry before it: prev ${p.prev.slice(0, 16)}…, expected ${prev.slice(0, 16)}…; entry seq ${prevSeq} was rewritten and re-hashed`);
    }
    prevEdited = p.actual !== p.claimed;
    prev = p.claimed;
    prevSeq = p.seq;
    if (wanted.has(p.seq)) hashAt.set(p.seq, p.claimed);
  }

  // Checkpoints, oldest first; the external one last (it is the one that counts most).
  let verified = 0;
  const sorted = [...input.checkpoints].sort((a, b) => a.seq - b.seq);
  let lastAgreeing = input.start.seq - 1;
  const checkOne = (cp: Checkpoint, label: string) => {
    const why = checkpointProblem(cp, input.trustedKey);
    if (why) return add("checkpoint", cp.seq ?? null, `${label} at seq ${cp.seq}: ${why}`);
    if (input.storeId !== null && cp.store !== input.storeId) return add("checkpoint", cp.seq, `${label} at seq ${cp.seq} belongs to store ${cp.store}, not ${input.storeId}`);
    verified++;
    if (cp.seq < input.start.seq - 1) return; // purged since; the anchor vouches for the rest
    if (cp.seq === input.start.seq - 1) {
      if (cp.hash !== input.start.prev) add("rechained", input.start.seq, `${label} at seq ${cp.seq} disagrees with where the chain starts`);
      return;
    }
    const have = hashAt.get(cp.seq);
    if (have === undefined) {
      if (last === null || cp.seq > last) {
        add("truncated", (last ?? input.start.seq - 1) + 1, `the chain ends at seq ${last ?? "(empty)"}, but the ${label} signed ${new Date(cp.time).toISOString()} covers seq ${cp.seq}: ${cp.seq - (last ?? input.start.seq - 1)} entries were cut off the tail`);
      }
      return;
    }
    if (have !== cp.hash) {
      add("rechained", lastAgreeing + 1, `the chain was rewritten and re-hashed between seq ${lastAgreeing + 1} and seq ${cp.seq}: the ${label} signed hash ${cp.hash.slice(0, 16)}… there, the chain has ${have.slice(0, 16)}…`);
    } else lastAgreeing = Math.max(lastAgreeing, cp.seq);
  };
  for (const cp of sorted) checkOne(cp, "checkpoint");
  if (input.external) checkOne(input.external, "external checkpoint");

  if (cps.length === 0)
    warnings.push(
      "no signed checkpoint: tail truncation and re-chaining cannot be detected (a server with an evidence key signs one every 1000 entries or 60 s and at shutdown; keep `talon audit checkpoint --export` output elsewhere)",
    );
  else if (input.trustedKey === null) warnings.push("no trusted public key given: checkpoint signatures were checked against the keys they carry, which proves integrity but not who signed");
  if (input.external === null && cps.length > 0) warnings.push("no external checkpoint given (--checkpoint): a truncation that also removed the store's own checkpoints would go unseen");
  const newest = Math.max(0, ...cps.map((c) => c.seq));
  if (last !== null && newest < last) warnings.push(`entries after seq ${newest} (${last - newest}) are not covered by a checkpoint yet`);

  problems.sort((a, b) => (a.seq ?? Infinity) - (b.seq ?? Infinity));
  return { ok: problems.length === 0, entries: count, firstSeq: first, lastSeq: last, head, checkpointsVerified: verified, problems, warnings };
}
