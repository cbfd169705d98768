/**
 * `talonc explain <dir|file> <agent> <tool> --as <principal> [--args '{…}'] [--meta '{…}']
 * [--at ISO] [--format json]`: compile to the IR and explain one decision (`explain.ts`). Exit 0
 * with the explanation, 1 when the policy does not compile or the agent/principal is unknown.
 * Bad `--args`/`--meta` JSON or `--at` time is a usage error (the caller maps it to exit 2).
 */
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { renderDiagnostics, summary } from "../diagnostics/render.js";
import { parseTestTime } from "../check/test-time.js";
import { UsageError } from "../cli/args.js";
import { collectInputs } from "../cli/inputs.js";
import { compile } from "../pipeline.js";
import { ExplainError, explain, explanationText } from "./explain.js";

export interface ExplainOptions {
  readonly path: string;
  readonly agent: string;
  readonly tool: string;
  readonly as: string | undefined;
  readonly argsJson: string | undefined;
  readonly metaJson: string | undefined;
  readonly at: string | undefined;
  readonly json: boolean;
}

function parseJson(flag: string, text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    throw new UsageError(`${flag} must be JSON: ${(e as Error).message}`);
  }
}

/** Run `talonc explain`; returns the exit status. */
export function runExplain(o: ExplainOptions, io: { stdout(t: string): void; stderr(t: string): void }, clock: () => number = Date.now): number {
  if (o.as === undefined) throw new UsageError("`talonc explain` needs `--as <principal>` (a declared id, or anonymous)");
  const args = parseJson("--args", o.argsJson) ?? {};
  if (args === null || typeof args !== "object" || Array.isArray(args)) throw new UsageError("--args must be a JSON object");
  const meta = parseJson("--meta", o.metaJson);
  let now = clock();
  if (o.at !== undefined) {
    const t = parseTestTime(o.at);
    if (t === undefined) throw new UsageError(`--at must be an ISO 8601 time with a zone (2026-03-02T09:30:00Z), got \`${o.at}\``);
    now = t;
  }
  const pre = new Diagnostics();
  const inputs = collectInputs(o.path, pre);
  const r = pre.hasErrors ? undefined : compile(inputs, { until: "ir" });
  if (!r || r.diagnostics.hasErrors || !r.ir) {
    const ds = (r?.diagnostics ?? pre).sorted();
    io.stderr(renderDiagnostics(ds, r?.sources ?? new Map()) + "\n\n" + summary(ds) + "\n");
    return 1;
  }
  let x;
  try {
    x = explain(r.ir, { agent: o.agent, tool: o.tool, as: o.as, args, meta, now }, r.sources);
  } catch (e) {
    if (e instanceof ExplainError) {
      io.stderr(`talonc explain: ${e.message}\n`);
      return 1;
    }
    throw e;
  }
  io.stdout(o.json ? JSON.stringify({ ...x, call: { ...x.call, at: new Date(now).toISOString() } }, null, 2) + "\n" : explanationText(x));
  return 0;
}
