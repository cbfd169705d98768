/**
 * Running the `test` blocks of a bundle (§11) against its generated module. Each test starts from
 * fresh state (`TestState`) and runs its statements in order:
 * - `call` starts a new call; `confirmed`, `approved` and `returns` attach to the call being
 *   prepared (the latest `call` not yet run, else the next one); `at "…"` sets the clock for that
 *   call and every later one.
 * - A prepared call runs when the next `call` or an `expect` comes, or at the end; each `expect`
 *   reads the latest call that ran. So several calls share state (rate limits, duplicates).
 */
import type { BundleIR, DetectorIR, TestIR, TestStepIR } from "../ir/ir.js";
import { checkExpect, type Failure } from "./expectations.js";
import { principalOf, type LoadedBundle } from "./load.js";
import { simulateCall, type CallOutcome, type CallSpec } from "./simulate.js";
import { TestState } from "./test-state.js";

/** One failed expectation, where it is written. */
export interface TestFailure extends Failure {
  /** `file:line:col` of the statement. */
  readonly at: string;
}

/** The result of one test. */
export interface TestResult {
  readonly test: TestIR;
  readonly failures: readonly TestFailure[];
  /** Each call's outcome kind and determining ids, in order (compared across shuffled builds). */
  readonly trace: readonly string[];
  /** Every rule id that determined some outcome (coverage). */
  readonly determining: readonly string[];
}

interface Pending {
  tool: string;
  as: string;
  args: unknown;
  meta: unknown;
  confirmed: boolean;
  approved: boolean;
  returns: CallSpec["returns"];
  at: string;
  chat: boolean;
}

interface Ran {
  readonly outcome: CallOutcome;
  readonly pending: Pending;
  readonly now: number;
}

const blank = (at: string): Pending => ({ tool: "", as: "", args: null, meta: null, confirmed: false, approved: false, returns: null, at, chat: false });

/** Run one test (`detectors`: the bundle's declared detectors, for `expect` conditions). */
export function runTest(test: TestIR, bundle: LoadedBundle, detectors: readonly DetectorIR[] = []): TestResult {
  const failures: TestFailure[] = [];
  const trace: string[] = [];
  const determining = new Set<string>();
  const fail = (at: string, f: Failure) => failures.push({ ...f, at });
  const agent = bundle.agents.find((a) => a.name === test.agent);
  if (!agent) {
    fail(test.at, { code: "TAL0801", message: `expected agent ${JSON.stringify(test.agent)} in the generated bundle, got none` });
    return { test, failures, trace, determining: [] };
  }
  const state = new TestState();
  let prepared: Pending | undefined; // modifiers seen before the call they belong to
  let open: Pending | undefined; // a `call` not yet run
  let last: Ran | undefined;

  const flush = () => {
    if (!open) return;
    const p = open;
    open = undefined;
    if (p.chat) {
      fail(p.at, { code: "TAL0801", message: "expected a gateway to run `chat`, got none (gateways are not supported by this runtime)" });
      last = undefined;
      return;
    }
    const principal = principalOf(bundle, p.as);
    if (!principal) {
      fail(p.at, { code: "TAL0801", message: `expected principal ${JSON.stringify(p.as)} in the generated bundle, got none` });
      last = undefined;
      return;
    }
    // No `with` = a call without `arguments`, as a client may send it.
    const spec: CallSpec = { tool: p.tool, principal, args: p.args ?? undefined, meta: p.meta, confirmed: p.confirmed, approved: p.approved, returns: p.returns };
    const outcome = simulateCall(agent, agent.redactionKey !== null, state, spec);
    for (const id of [...outcome.ruleIds, ...outcome.alsoDetermining]) determining.add(id);
    trace.push(`${outcome.kind}:${outcome.reason}[${outcome.ruleIds.join(",")}]`);
    last = { outcome, pending: p, now: state.now };
  };

  const modify = (step: TestStepIR, f: (p: Pending) => void) => {
    if (open) f(open);
    else f((prepared ??= blank(step.at)));
  };

  for (const step of test.steps) {
    switch (step.kind) {
      case "call":
      case "chat":
        flush();
        open = { ...(prepared ?? blank(step.at)), tool: step.kind === "call" ? step.tool : step.model, as: step.as, args: step.args, meta: step.kind === "call" ? step.meta : null, at: step.at, chat: step.kind === "chat" };
        prepared = undefined;
        break;
      case "clock":
        state.now = step.ms;
        break;
      case "confirmed":
        modify(step, (p) => (p.confirmed = true));
        break;
      case "approved":
        modify(step, (p) => (p.approved = true));
        break;
      case "returns":
        modify(step, (p) => (p.returns = { form: step.form, value: step.value }));
        break;
      default: {
        flush();
        if (!last) {
          fail(step.at, { code: "TAL0801", message: "expected a call that ran before `expect`, got none" });
          break;
        }
        const r = last;
        const f = checkExpect(step, { outcome: r.outcome, principal: principalOf(bundle, r.pending.as)!, tool: r.pending.tool, agent: agent.name, meta: r.pending.meta ?? undefined, now: r.now, detectors });
        if (f) fail(step.at, f);
      }
    }
  }
  flush();
  return { test, failures, trace, determining: [...determining].sort() };
}

/** Run every test of the bundle, in IR order (agent, then name). */
export function runTests(ir: BundleIR, bundle: LoadedBundle): TestResult[] {
  return ir.tests.map((t) => runTest(t, bundle, ir.detectors));
}

/** Rules that determined no outcome in any test (`--coverage`, TAL0803), with where they are written. */
export function uncovered(ir: BundleIR, results: readonly TestResult[]): { readonly id: string; readonly at: string }[] {
  const hit = new Set(results.flatMap((r) => r.determining));
  return ir.agents.flatMap((a) => a.rules.filter((r) => !hit.has(r.id)).map((r) => ({ id: r.id, at: r.at })));
}
