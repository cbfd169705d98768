/**
 * Checking one `expect` against the outcome of the test's latest call (§11).
 *
 * Verdicts: `allow`, `confirm`, `approval`, `rate_limited`, `blocked`, `duplicate` name the
 * outcome of that kind; `deny` is any refusal (a policy deny, and also `deny(rate_limited)`,
 * `deny(blocked)` and a rejected duplicate, which §7.1 writes as denies), never an outstanding
 * confirm/approval. `by "x"` needs x among the determining ids (or equal to the reason, for
 * `path:*` reasons), `by default` a `default:*` reason, `by team T` T among the approval teams.
 * Several verdicts in one `expect` must all hold.
 *
 * `expect e` evaluates e with the reference evaluator over the call as the client sees it:
 * `args` after argument redaction, `response`/`result` after result redaction; it must be true
 * (unknown fails). `expect redacted p with m` needs an entry of the redaction report, with method
 * m, whose pointer is matched by the path p (relative to its scope root).
 */
import type { Principal } from "../../runtime/hooks.js";
import { parseRedactPath, type PathSegment } from "../../runtime/redact/path.js";
import { evalCond, type EvalEnv } from "../interp/eval.js";
import type { DetectorIR, TestStepIR, TestVerdictIR } from "../ir/ir.js";
import { printExpr } from "../ir/print.js";
import type { CallOutcome } from "./simulate.js";

/** A failed expectation: the diagnostic code and the message after `test "name": `. */
export interface Failure {
  readonly code: "TAL0801" | "TAL0804";
  readonly message: string;
}

function verdictText(v: TestVerdictIR): string {
  const by = v.by === null ? "" : v.by.kind === "rule" ? ` by ${JSON.stringify(v.by.id)}` : v.by.kind === "default" ? " by default" : ` by team ${v.by.team}`;
  return v.verdict + by;
}

/** How an outcome reads in a failure message: `allow`, `deny(default:no_grant)`, `approval by team oncall`. */
export function outcomeText(o: CallOutcome): string {
  switch (o.kind) {
    case "deny":
      return `deny(${o.reason})`;
    case "approval":
      return o.teams.length > 0 ? `approval by team ${o.teams.join(", ")}` : "approval";
    default:
      return o.kind;
  }
}

function determining(o: CallOutcome): string {
  const ids = [...o.ruleIds, ...o.alsoDetermining.filter((id) => !o.ruleIds.includes(id))];
  if (ids.length > 0) return ids.join(", ");
  return o.reason.startsWith("default:") ? o.reason : "none";
}

function kindMatches(v: TestVerdictIR["verdict"], o: CallOutcome): boolean {
  if (v === "deny") return o.kind === "deny" || o.kind === "rate_limited" || o.kind === "blocked" || (o.kind === "duplicate" && o.response === undefined);
  return v === o.kind;
}

function byMatches(v: TestVerdictIR, o: CallOutcome): boolean {
  const by = v.by;
  if (by === null) return true;
  if (by.kind === "default") return o.reason.startsWith("default:");
  if (by.kind === "team") return o.teams.includes(by.team);
  return o.ruleIds.includes(by.id) || o.alsoDetermining.includes(by.id) || o.reason === by.id;
}

/** Does a redaction path (`tickets[*].requester.email`, `**.token`) match a pointer's steps below its scope root? */
function pathMatches(segs: readonly PathSegment[], steps: readonly string[]): boolean {
  if (segs.length === 0) return steps.length === 0;
  const [s, ...rest] = segs;
  if (s!.kind === "deep") {
    for (let i = 0; i <= steps.length; i++) if (pathMatches(rest, steps.slice(i))) return true;
    return false;
  }
  if (steps.length === 0) return false;
  const head = steps[0]!;
  const ok =
    s!.kind === "key" ? head === s!.key : s!.kind === "index" ? head === String(s!.index) : s!.kind === "elements" ? /^\d+$/.test(head) : true;
  return ok && pathMatches(rest, steps.slice(1));
}

/** The steps of a report pointer below its scope root (`/structuredContent/a/0` → [a, 0]). */
function stepsBelowRoot(pointer: string): string[] {
  const raw = pointer.split("/").slice(1).map((p) => p.replace(/~1/g, "/").replace(/~0/g, "~"));
  const roots: readonly (readonly string[])[] = [["arguments"], ["structuredContent"], ["error", "data"], ["error", "message"], ["params"]];
  for (const r of roots) if (r.every((x, i) => raw[i] === x)) return raw.slice(r.length);
  // Content blocks: /content/N/text and /content/N/resource/text (a JSON text is walked like structuredContent).
  if (raw[0] === "content" && raw[2] === "text") return raw.slice(3);
  if (raw[0] === "content" && raw[2] === "resource" && raw[3] === "text") return raw.slice(4);
  if (raw[0] === "content" && raw[2] === "uri") return raw.slice(3);
  return raw;
}

/** The env an `expect e` is evaluated in. */
function envOf(o: CallOutcome, c: ExpectContext): EvalEnv {
  const d = o.decision;
  return { args: o.args, meta: c.meta, now: c.now, principal: c.principal, tool: c.tool, upstream: d?.upstream ?? c.tool, cls: d?.toolClass ?? null, agent: c.agent, response: o.response, detectors: c.detectors };
}

/** The call an expectation reads, as the runner knows it. */
export interface ExpectContext {
  readonly outcome: CallOutcome;
  readonly principal: Principal;
  readonly tool: string;
  readonly agent: string;
  readonly meta: unknown;
  readonly now: number;
  /** The bundle's declared detectors (`BundleIR.detectors`). */
  readonly detectors: readonly DetectorIR[];
}

/** Check one `expect` step; undefined when it holds. */
export function checkExpect(step: Extract<TestStepIR, { kind: "expect_verdicts" | "expect_redacted" | "expect_expr" }>, c: ExpectContext): Failure | undefined {
  const o = c.outcome;
  const got = `${outcomeText(o)} (determining: ${determining(o)})`;
  if (step.kind === "expect_verdicts") {
    const bad = step.verdicts.filter((v) => !(kindMatches(v.verdict, o) && byMatches(v, o)));
    if (bad.length === 0) return undefined;
    return { code: "TAL0801", message: `expected ${bad.map(verdictText).join(", ")}, got ${got}` };
  }
  if (step.kind === "expect_expr") {
    const t = evalCond(step.expr, envOf(o, c));
    if (t === "T") return undefined;
    return { code: "TAL0801", message: `expected ${printExpr(step.expr)} to hold, got ${t === "F" ? "false" : "unknown"} after ${got}` };
  }
  const segs = parseRedactPath(step.path);
  if (!Array.isArray(segs)) return { code: "TAL0804", message: `\`${step.path}\` not redacted with \`${step.method}\` (got an invalid path: ${segs.message})` };
  const at = o.report.filter((e) => pathMatches(segs, stepsBelowRoot(e.pointer)));
  if (at.some((e) => e.method === step.method)) return undefined;
  const gotText = at.length > 0 ? at.map((e) => `${e.method} by ${e.rule}`).join(", ") : o.report.length > 0 ? "no redaction at that path" : `no redaction; ${outcomeText(o)}`;
  return { code: "TAL0804", message: `\`${step.path}\` not redacted with \`${step.method}\` (got ${gotText})` };
}
