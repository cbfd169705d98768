/**
 * The durable approval queue of §7.1 step 8. A call an `approve` rule reaches becomes an
 * `ApprovalRequest`, bound to the call's hash (call-hash.ts). Approvers vote from the CLI
 * (`talon approvals approve …`, another process) or the admin API (this process); the call runs
 * once `quorum` distinct approvers approved it, never if one denies it or it times out, and at
 * most once (`claimExecution`).
 *
 * Every state change is one LMDB transaction that re-reads the request, so votes from several
 * processes cannot lose each other or double count. Waiters in this process are woken by votes
 * made through this queue at once, and notice other processes' votes by polling.
 */
import { randomBytes } from "node:crypto";
import type { Database } from "lmdb";
import type { StateStore } from "./state-store.js";

export type ApprovalStatus = "pending" | "approved" | "denied" | "expired" | "executed";
export const APPROVAL_STATUSES: readonly ApprovalStatus[] = ["pending", "approved", "denied", "expired", "executed"];

export interface ApprovalVote {
  readonly approver: string;
  readonly decision: "approve" | "deny";
  readonly at: number;
  readonly note?: string;
}

export interface ApprovalRequest {
  /** "apr_" + 24 hex digits (96 random bits). */
  readonly id: string;
  /** The call hash the approval is bound to. */
  readonly hash: string;
  readonly agent: string;
  /** Principal id; null for an anonymous caller. */
  readonly caller: string | null;
  /** Client tool name, and the upstream tool it runs. */
  readonly tool: string;
  readonly upstreamTool: string;
  readonly ruleIds: readonly string[];
  readonly teams: readonly string[];
  readonly approvers: readonly string[];
  readonly quorum: number;
  readonly createdAt: number;
  readonly expiresAt: number;
  readonly status: ApprovalStatus;
  /** At most one vote per approver (a later deny replaces the same approver's approve). */
  readonly votes: readonly ApprovalVote[];
  /** The arguments as the upstream would get them (already redacted), for approvers to read. */
  readonly args: unknown;
  readonly wait: "hold" | "defer";
  readonly decidedAt?: number;
  readonly executedAt?: number;
}

/** What `create` needs: everything but id, status and votes. */
export type ApprovalInput = Omit<ApprovalRequest, "id" | "status" | "votes" | "decidedAt" | "executedAt">;

export type VoteError = "not_found" | "not_approver" | "decided" | "expired";

export type VoteResult =
  | { readonly ok: true; readonly request: ApprovalRequest; /** The approver had already voted so; nothing changed. */ readonly repeated: boolean }
  | { readonly ok: false; readonly error: VoteError; readonly message: string; readonly request?: ApprovalRequest };

export interface ApprovalFilter {
  readonly status?: ApprovalStatus;
  readonly agent?: string;
}

export interface ApprovalQueueOptions {
  /** How often `waitFor` re-reads a request for votes written by other processes; default 250 ms. */
  pollMs?: number;
}

const ID_RE = /^apr_[0-9a-f]{24}$/;

/** Longest note kept with a vote. */
export const MAX_NOTE_LENGTH = 2000;

export class ApprovalQueue {
  readonly #store: StateStore;
  readonly #db: Database<ApprovalRequest, string>;
  readonly #pollMs: number;
  /** Waiters by request id; a vote through this queue wakes them. */
  readonly #wakers = new Map<string, Set<() => void>>();
  /** Every pending `waitFor`'s rejection, for `close`. */
  readonly #waiting = new Set<(err: Error) => void>();
  readonly #unregister: () => void;
  #closed = false;

  constructor(store: StateStore, opts: ApprovalQueueOptions = {}) {
    this.#store = store;
    this.#db = store.db<ApprovalRequest>("approvals");
    const pollMs = opts.pollMs ?? 250;
    if (!Number.isFinite(pollMs) || pollMs <= 0) throw new Error(`approvals: pollMs must be a positive number, got ${pollMs}`);
    this.#pollMs = pollMs;
    this.#unregister = store.onClose(() => this.#stop());
  }

  /** Creates a pending request; resolves once it is committed. */
  async create(input: ApprovalInput): Promise<ApprovalRequest> {
    this.#assertOpen();
    const problem = inputProblem(input);
    if (problem) throw new Error(`approvals: invalid request: ${problem}`);
    const req: ApprovalRequest = {
      id: `apr_${randomBytes(12).toString("hex")}`,
      hash: input.hash,
      agent: input.agent,
      caller: input.caller,
      tool: input.tool,
      upstreamTool: input.upstreamTool,
      ruleIds: [...input.ruleIds],
      teams: [...input.teams],
      approvers: [...input.approvers],
      quorum: input.quorum,
      createdAt: input.createdAt,
      expiresAt: input.expiresAt,
      status: "pending",
      votes: [],
      args: input.args ?? {},
      wait: input.wait,
    };
    const written = await this.#db.transaction(() => {
      if (this.#db.doesExist(req.id)) return false; // 96 random bits: never, but never overwrite
      this.#db.putSync(req.id, req);
      return true;
    });
    if (!written) throw new Error(`approvals: id ${req.id} already exists`);
    return req;
  }

  /** The request with this id as last committed (by any process), or undefined. */
  get(id: string): ApprovalRequest | undefined {
    this.#assertOpen();
    if (!ID_RE.test(id)) return undefined;
    // lmdb-js keeps a read snapshot for a while; another process's commit must be seen now.
    this.#db.resetReadTxn();
    return this.#db.get(id);
  }

  /** Requests matching `filter`, oldest first. */
  list(filter: ApprovalFilter = {}): ApprovalRequest[] {
    this.#assertOpen();
    this.#db.resetReadTxn();
    const out: ApprovalRequest[] = [];
    for (const { value } of this.#db.getRange()) {
      if (filter.status !== undefined && value.status !== filter.status) continue;
      if (filter.agent !== undefined && value.agent !== filter.agent) continue;
      out.push(value);
    }
    return out.sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
  }

  /**
   * `approver` approves or denies request `id` at `now`. Only a listed approver may vote; a repeat
   * of the same vote changes nothing; `quorum` distinct approvals approve the request, any deny
   * denies it. A request past its expiry becomes "expired" and refuses the vote.
   */
  async vote(id: string, approver: string, decision: "approve" | "deny", now: number, note?: string): Promise<VoteResult> {
    this.#assertOpen();
    if (decision !== "approve" && decision !== "deny") throw new Error(`approvals: decision must be "approve" or "deny", got ${JSON.stringify(decision)}`);
    if (note !== undefined && note.length > MAX_NOTE_LENGTH) throw new Error(`approvals: note longer than ${MAX_NOTE_LENGTH} characters`);
    const result = await this.#db.transaction((): VoteResult => {
      let r = ID_RE.test(id) ? this.#db.get(id) : undefined;
      if (!r) return { ok: false, error: "not_found", message: `no approval request ${id}` };
      if (r.status === "pending" && now >= r.expiresAt) {
        r = { ...r, status: "expired", decidedAt: r.expiresAt };
        this.#db.putSync(id, r);
      }
      if (!r.approvers.includes(approver)) {
        const who = r.approvers.length > 0 ? `approvers are ${r.approvers.join(", ")}` : "it lists no approvers";
        return { ok: false, error: "not_approver", message: `${approver} is not an approver of ${id} (teams ${r.teams.join(", ")}; ${who})`, request: r };
      }
      if (r.status === "expired") return { ok: false, error: "expired", message: `approval request ${id} expired at ${new Date(r.expiresAt).toISOString()}; the vote is not counted`, request: r };
      if (r.status !== "pending") return { ok: false, error: "decided", message: `approval request ${id} is already ${r.status}`, request: r };
      const prior = r.votes.find((v) => v.approver === approver);
      if (prior && prior.decision === decision) return { ok: true, request: r, repeated: true };
      const vote: ApprovalVote = note === undefined ? { approver, decision, at: now } : { approver, decision, at: now, note };
      const votes = [...r.votes.filter((v) => v.approver !== approver), vote];
      const approvals = new Set(votes.filter((v) => v.decision === "approve").map((v) => v.approver)).size;
      const status: ApprovalStatus = decision === "deny" ? "denied" : approvals >= r.quorum ? "approved" : "pending";
      const next: ApprovalRequest = status === "pending" ? { ...r, votes } : { ...r, votes, status, decidedAt: now };
      this.#db.putSync(id, next);
      return { ok: true, request: next, repeated: false };
    });
    this.#wake(id);
    return result;
  }

  /**
   * Moves an approved request to "executed", exactly once and only for the call it was made for
   * (same hash). True = the caller may run the call now; false = not approved, already executed,
   * or another call.
   */
  async claimExecution(id: string, hash: string, now: number = Date.now()): Promise<boolean> {
    this.#assertOpen();
    if (!ID_RE.test(id)) return false;
    const claimed = await this.#db.transaction(() => {
      const r = this.#db.get(id);
      if (!r || r.status !== "approved" || r.hash !== hash) return false;
      this.#db.putSync(id, { ...r, status: "executed", executedAt: now });
      return true;
    });
    if (claimed) this.#wake(id);
    return claimed;
  }

  /**
   * Resolves with the request once it is no longer pending, or at `untilMs` (wall clock) with it
   * marked "expired". Rejects when `signal` aborts, the queue closes, or the id is unknown.
   */
  async waitFor(id: string, untilMs: number, signal?: AbortSignal): Promise<ApprovalRequest> {
    for (;;) {
      signal?.throwIfAborted();
      const r = this.get(id);
      if (!r) throw new Error(`approvals: no approval request ${id}`);
      if (r.status !== "pending") return r;
      const left = untilMs - Date.now();
      if (left <= 0) return this.#expireOne(id, Date.now());
      await this.#sleep(id, Math.min(left, this.#pollMs), signal);
    }
  }

  /** Marks every pending request past its expiry "expired"; resolves with how many. */
  async expire(now: number): Promise<number> {
    this.#assertOpen();
    const ids = await this.#db.transaction(() => {
      const due: ApprovalRequest[] = [];
      for (const { value } of this.#db.getRange()) if (value.status === "pending" && value.expiresAt <= now) due.push(value);
      for (const r of due) this.#db.putSync(r.id, { ...r, status: "expired", decidedAt: r.expiresAt });
      return due.map((r) => r.id);
    });
    for (const id of ids) this.#wake(id);
    return ids.length;
  }

  /** Rejects every `waitFor` in progress. The store itself is closed by its owner. */
  async close(): Promise<void> {
    this.#stop();
    this.#unregister();
  }

  /** The wait of `waitFor` ended: pending → expired (unless a vote just decided it). */
  async #expireOne(id: string, now: number): Promise<ApprovalRequest> {
    const r = await this.#db.transaction(() => {
      const cur = this.#db.get(id);
      if (!cur || cur.status !== "pending") return cur;
      const next: ApprovalRequest = { ...cur, status: "expired", decidedAt: now };
      this.#db.putSync(id, next);
      return next;
    });
    if (!r) throw new Error(`approvals: no approval request ${id}`);
    this.#wake(id);
    return r;
  }

  /** Sleeps `ms`, or until a vote on `id` through this queue, the signal, or `close`. */
  #sleep(id: string, ms: number, signal: AbortSignal | undefined): Promise<void> {
    this.#assertOpen();
    return new Promise<void>((resolve, reject) => {
      let set = this.#wakers.get(id);
      if (!set) this.#wakers.set(id, (set = new Set()));
      const wakers = set;
      const done = () => {
        clearTimeout(timer);
        wakers.delete(wake);
        if (wakers.size === 0 && this.#wakers.get(id) === wakers) this.#wakers.delete(id);
        this.#waiting.delete(fail);
        signal?.removeEventListener("abort", onAbort);
      };
      const wake = () => {
        done();
        resolve();
      };
      const fail = (err: Error) => {
        done();
        reject(err);
      };
      const onAbort = () => fail(signal!.reason instanceof Error ? signal!.reason : new Error("approval wait aborted"));
      const timer = setTimeout(wake, ms);
      wakers.add(wake);
      this.#waiting.add(fail);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  #wake(id: string): void {
    const set = this.#wakers.get(id);
    if (set) for (const w of [...set]) w();
  }

  #stop(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = new Error("approval queue closed");
    for (const fail of [...this.#waiting]) fail(err);
  }

  #assertOpen(): void {
    if (this.#closed || this.#store.closed) throw new Error("approval queue is closed");
  }
}

/** Whether `id` has the form of an approval id (for callers that validate input). */
export function isApprovalId(id: string): boolean {
  return ID_RE.test(id);
}

function inputProblem(i: ApprovalInput): string | null {
  const str = (v: unknown) => typeof v === "string" && v.length > 0;
  const strs = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === "string");
  if (!str(i.hash)) return "hash must be a non-empty string";
  if (!str(i.agent) || !str(i.tool) || !str(i.upstreamTool)) return "agent, tool and upstreamTool must be non-empty strings";
  if (i.caller !== null && !str(i.caller)) return "caller must be a string or null";
  if (!strs(i.ruleIds) || !strs(i.teams) || !strs(i.approvers)) return "ruleIds, teams and approvers must be string arrays";
  if (!Number.isSafeInteger(i.quorum) || i.quorum < 1) return `quorum must be a positive integer, got ${i.quorum}`;
  if (!Number.isFinite(i.createdAt) || !Number.isFinite(i.expiresAt) || i.expiresAt < i.createdAt) return "createdAt and expiresAt must be times with expiresAt ≥ createdAt";
  if (i.wait !== "hold" && i.wait !== "defer") return `wait must be "hold" or "defer", got ${JSON.stringify(i.wait)}`;
  return null;
}
