/**
 * Micro-benchmark of result redaction (LANGUAGE.md 8.1): a CallToolResult of exactly 10 KiB as JSON
 * (structuredContent plus its JSON text mirror; 10 tickets with emails, phones and free-text
 * descriptions, and a page cursor that pads it to the size) redacted by
 * 20 rules — paths with `[*]`, `**`, keyed `hash`, `mask_middle`, span rules with a regex and
 * built-in detectors. Also times the same result under the 12 rules that never match (the fixed cost).
 * The redacted output is checked once before timing: no PII left in either copy, and six report
 * entries per ticket (the text mirror is rewritten from the redacted structuredContent, not walked
 * again, so its changes are reported once, under /structuredContent). Standalone: `node dist/bench/suites/redact.js`.
 */
import { Bench } from "tinybench";
import type { CompiledAgent, RedactionRuleSpec } from "../../runtime/hooks.js";
import { redactResult, toolRedaction } from "../../runtime/redact/plan.js";
import type { RedactionEntry } from "../../runtime/redact/walk.js";
import { runMain } from "../flags.js";

const rule = (id: string, paths: string[], method: string, matching: RedactionRuleSpec["matching"] = [], args: (string | number)[] = []): RedactionRuleSpec => ({
  id, paths, matching, method: { name: method, args }, scopes: ["result"], tools: null, classes: null, when: null,
});

/** The 20 rules. */
export const RULES: readonly RedactionRuleSpec[] = [
  rule("email", ["tickets[*].requester.email"], "hash"),
  rule("phone", ["tickets[*].requester.phone"], "mask_middle"),
  rule("desc", ["tickets[*].description"], "mask", [{ kind: "regex", source: "(\\+?\\d{1,3}[-.\\s]?)?\\d{9,15}", flags: "" }]),
  rule("desc-mail", ["tickets[*].description"], "redact_full", [{ kind: "detector", name: "email" }]),
  rule("card", ["tickets[*].comments[*].body"], "redact_full", [{ kind: "detector", name: "card" }]),
  rule("token", ["**.token"], "remove"),
  rule("name", ["tickets[*].requester.name"], "truncate", [], [1]),
  rule("rid", ["tickets[*].requester.id"], "hash"),
  ...Array.from({ length: 12 }, (_, i) => rule(`absent-${i}`, [`tickets[*].field_${i}`, `meta.x${i}`], "redact_full")),
];

function ticket(i: number) {
  return {
    id: 45000 + i,
    subject: `Ticket ${i}: eSIM activation issue`,
    status: "open",
    priority: "high",
    description: `The QR code fails with error 0x51. Please call me back at +34 699${String(100000 + i)} after 18:00, or mail me.`,
    tags: ["esim", "activation"],
    requester: { id: `u-${1000 + i}`, name: "Jordi Puig", email: `customer${i}@example.com`, phone: "+34 699 111 222" },
    comments: [{ author: "agent", body: "Card on file 4111 1111 1111 1111, will call back.", created_at: "2025-03-03T09:14:00Z" }],
  };
}

/** Tickets in the sample result. */
export const TICKETS = 10;
/** Size of the sample result as JSON (the "10 KiB result"). */
export const RESULT_BYTES = 10 * 1024;

type SampleResult = { content: { type: string; text: string }[]; structuredContent: unknown };

function resultWithCursor(cursorLength: number): SampleResult {
  const sc = { tickets: Array.from({ length: TICKETS }, (_, i) => ticket(i)), count: TICKETS, cursor: "c".repeat(cursorLength) };
  return { content: [{ type: "text", text: JSON.stringify(sc) }], structuredContent: sc };
}

/**
 * The sample result: structuredContent and its text mirror, `RESULT_BYTES` long as JSON. The
 * cursor pads it; each cursor character appears twice (once per copy), so the tickets' size must
 * leave an even gap, which the throw guards if the fixture ever changes.
 */
export function sampleResult(): SampleResult {
  const base = JSON.stringify(resultWithCursor(0)).length;
  const gap = RESULT_BYTES - base;
  if (gap < 0 || gap % 2 !== 0) throw new Error(`redaction bench: tickets take ${base} B, cannot pad to ${RESULT_BYTES} B`);
  const res = resultWithCursor(gap / 2);
  if (Buffer.byteLength(JSON.stringify(res)) !== RESULT_BYTES) throw new Error("redaction bench: sample result is not RESULT_BYTES long");
  return res;
}

function agentWith(redactions: readonly RedactionRuleSpec[]): CompiledAgent {
  return {
    name: "bench", mode: "intercept", upstream: { transport: "http", url: "http://127.0.0.1/mcp", vendor: null }, upstreamAuth: null,
    allowAnonymous: true, auth: null, decide: () => { throw new Error("not used"); }, clientName: () => null, upstreamName: (t: string) => t, redactions, limits: [], idempotency: [], blocks: [], redactionKey: null,
  };
}

/** µs per redaction of the sample result, with 20 rules and with rules that never match. */
export async function timeRedact(timeMs = 1000): Promise<{ label: string; usPerOp: number; opsPerSec: number; rme: number; bytes: number }[]> {
  const res = sampleResult();
  const bytes = JSON.stringify(res).length;
  const full = toolRedaction(agentWith(RULES), "ticket_search", "read");
  const none = toolRedaction(agentWith(RULES.slice(8)), "ticket_search", "read");
  const report: RedactionEntry[] = [];
  const out = JSON.stringify(redactResult(full, res, "k", report));
  if (/customer\d+@|4111 1111|699 111 222/.test(out) || report.length !== TICKETS * 6) throw new Error(`redaction bench: output not redacted as expected (${report.length} entries)`);
  const bench = new Bench({ time: timeMs, warmupTime: 200 });
  let sink = 0;
  bench.add("20 rules, 10 KiB result", () => { const r: RedactionEntry[] = []; redactResult(full, res, "k", r); sink += r.length; });
  bench.add("12 rules that never match", () => { const r: RedactionEntry[] = []; redactResult(none, res, "k", r); sink += r.length; });
  await bench.run();
  if (sink < 0) console.log(sink);
  return bench.tasks.map((t) => {
    const r = t.result;
    if (r.state !== "completed") throw new Error(`redact ${t.name}: ${r.state}`);
    return { label: t.name, usPerOp: Math.round(r.latency.mean * 1000 * 10) / 10, opsPerSec: Math.round(1000 / r.latency.mean), rme: Math.round(r.latency.rme * 10) / 10, bytes };
  });
}

export type RedactTiming = Awaited<ReturnType<typeof timeRedact>>[number];

export function formatRedact(timings: readonly RedactTiming[]): string {
  return ["redaction of a result (runtime/redact/):", ...timings.map((t) => `  ${t.label.padEnd(28)} ${t.usPerOp.toFixed(1).padStart(8)} µs/op  ${String(t.opsPerSec).padStart(8)} ops/s  ±${t.rme}%  (${t.bytes} B)`)].join("\n");
}

if (process.argv[1]?.endsWith("redact.js")) {
  runMain("redact", async () => console.log(formatRedact(await timeRedact())));
}
