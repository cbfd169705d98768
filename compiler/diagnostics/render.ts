/**
 * Rendering diagnostics: the human form (`file:line:col: error[TAL0401]: message`, the source line,
 * a caret span, `= help:`) and the JSON form for machines (LSP-shaped).
 */
import type { Source } from "../source/source.js";
import type { Diagnostic } from "./diagnostic.js";

/** Sources by display path, so a renderer can quote the offending line. */
export type SourceMap = ReadonlyMap<string, Source>;

export function renderDiagnostic(d: Diagnostic, sources: SourceMap): string {
  const { span } = d;
  const lines = [`${span.file}:${span.line}:${span.col}: ${d.severity}[${d.code}]: ${d.message}`];
  const src = sources.get(span.file);
  if (src) {
    // Bidi controls are shown as visible escapes of the same width, so the quoted line cannot
    // be reordered on screen (TAL0109 quotes exactly such lines).
    const text = src.lineText(span.line).replace(/\t/g, " ").replace(/[\u202a-\u202e\u2066-\u2069]/g, "\u00bf");
    const gutter = String(span.line);
    const pad = " ".repeat(gutter.length);
    // A multi-line span is underlined to the end of its first line.
    const endCol = span.endLine === span.line ? span.endCol : text.length + 1;
    const width = Math.max(1, endCol - span.col);
    lines.push(`${gutter} | ${text}`);
    lines.push(`${pad} | ${" ".repeat(Math.max(0, span.col - 1))}${"^".repeat(width)}`);
    for (const r of d.related) lines.push(`${pad} = note: ${r.message} (${r.span.file}:${r.span.line}:${r.span.col})`);
    if (d.help) lines.push(`${pad} = help: ${d.help}`);
  } else {
    for (const r of d.related) lines.push(`  = note: ${r.message} (${r.span.file}:${r.span.line}:${r.span.col})`);
    if (d.help) lines.push(`  = help: ${d.help}`);
  }
  return lines.join("\n");
}

export function renderDiagnostics(ds: readonly Diagnostic[], sources: SourceMap): string {
  return ds.map((d) => renderDiagnostic(d, sources)).join("\n\n");
}

/** `{code, severity, message, span, related[], help?, fix?}` per diagnostic. */
export function diagnosticsToJson(ds: readonly Diagnostic[]): unknown[] {
  return ds.map((d) => ({
    code: d.code,
    severity: d.severity,
    message: d.message,
    span: d.span,
    related: d.related,
    ...(d.help !== undefined ? { help: d.help } : {}),
    ...(d.fix !== undefined ? { fix: d.fix } : {}),
  }));
}

/** One line of counts, as compilers print at the end of a run. */
export function summary(ds: readonly Diagnostic[]): string {
  const count = (s: string) => ds.filter((d) => d.severity === s).length;
  const parts = [
    [count("error"), "error"],
    [count("security-warning"), "security warning"],
    [count("warning"), "warning"],
    [count("note"), "note"],
  ] as const;
  return parts.map(([n, w]) => `${n} ${w}${n === 1 ? "" : "s"}`).join(", ");
}
