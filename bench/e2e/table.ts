/**
 * The console table of an end-to-end run: one row per (target, concurrency), with Talon's req/s as
 * a ratio of the direct run's and the CPU% of each process during the measured phase ("other" is
 * the rest of the machine: a busy neighbour makes a run slower for reasons outside the benchmark).
 */
import type { E2eFailure, E2eRow } from "./e2e.js";

const COLUMNS = ["target", "c", "req/s", "p50 ms", "p95 ms", "p99 ms", "max ms", "errors", "talon/direct", "cpu% loadgen/upstream/talon/other"];

function pct(v: number | null): string {
  return v === null ? "-" : String(v);
}

/** Render rows (and failures, if any) as aligned text. */
export function formatE2e(rows: readonly E2eRow[], failures: readonly E2eFailure[]): string {
  const cells = rows.map((r) => [
    r.target,
    String(r.concurrency),
    r.report.reqPerSec.toFixed(0),
    r.report.p50.toFixed(3),
    r.report.p95.toFixed(3),
    r.report.p99.toFixed(3),
    r.report.max.toFixed(3),
    String(r.report.errors),
    r.ratio === null ? "-" : r.ratio.toFixed(3),
    `${pct(r.cpu.loadgen)}/${pct(r.cpu.upstream)}/${pct(r.cpu.talon)}/${pct(r.cpu.other)}`,
  ]);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  // Text columns left-aligned, numbers right-aligned.
  const line = (c: readonly string[]): string =>
    c.map((v, i) => (i === 0 || i === c.length - 1 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join("  ").trimEnd();
  const out = [line(COLUMNS), line(widths.map((w) => "-".repeat(w))), ...cells.map(line)];
  const busy = rows.filter((r) => (r.cpu.other ?? 0) >= 25);
  if (busy.length > 0) {
    out.push(
      `note: other processes used ≥25% of a core during ${busy.map((r) => `${r.target} c=${r.concurrency}`).join(", ")}; ` +
        "those numbers are low by an unknown amount (rerun on a quiet machine)",
    );
  }
  for (const f of failures) out.push(`${f.target}: not measured: ${f.message.split("\n")[0]}`);
  return out.join("\n");
}
