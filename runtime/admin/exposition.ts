/**
 * The Prometheus text exposition format, version 0.0.4 (what `/metrics` answers and `promtool
 * check metrics` parses): `# HELP` and `# TYPE` lines, then one `name{label="value",…} value`
 * line per sample. Only the escaping and number rules live here; the registry (metrics.ts)
 * decides what is written.
 */

export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Metric and label names: `[a-zA-Z_:][a-zA-Z0-9_:]*` (labels without `:`; `__` prefixes are reserved). */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function checkMetricName(name: string): void {
  if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
}

export function checkLabelName(name: string): void {
  if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`invalid label name ${JSON.stringify(name)}`);
}

/** A label value inside double quotes: backslash, double quote and newline are escaped. */
export function escapeLabelValue(value: string): string {
  return /[\\"\n]/.test(value) ? value.replace(/[\\"\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`)) : value;
}

/** HELP text: backslash and newline are escaped (a double quote is not). */
export function escapeHelp(text: string): string {
  return /[\\\n]/.test(text) ? text.replace(/[\\\n]/g, (c) => (c === "\n" ? "\\n" : "\\\\")) : text;
}

/** `l1="v1",l2="v2"` (no braces), for label names and values of equal length. */
export function labelPairs(names: readonly string[], values: readonly string[]): string {
  let out = "";
  for (let i = 0; i < names.length; i++) out += `${i > 0 ? "," : ""}${names[i]}="${escapeLabelValue(values[i]!)}"`;
  return out;
}

/** A sample value as Go's ParseFloat reads it: `+Inf`, `-Inf`, `NaN`, else JavaScript's shortest form. */
export function formatValue(v: number): string {
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  if (Number.isNaN(v)) return "NaN";
  return String(v);
}

/** One sample line: `name value` or `name{pairs} value`. */
export function sampleLine(name: string, pairs: string, value: number): string {
  return pairs === "" ? `${name} ${formatValue(value)}` : `${name}{${pairs}} ${formatValue(value)}`;
}
