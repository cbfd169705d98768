/**
 * Diagnostics as data: a code, a primary span, optional related spans ("first defined here"),
 * `help` and a machine-applicable `fix`. Stages push into a `Diagnostics` bag; the CLI sorts,
 * caps and renders them.
 */
import type { Span } from "../source/source.js";
import { CATALOG, formatMessage, type Code, type Severity } from "./catalog.js";

export interface Related {
  readonly span: Span;
  readonly message: string;
}

export interface Diagnostic {
  readonly code: Code;
  readonly severity: Severity;
  readonly message: string;
  readonly span: Span;
  readonly related: readonly Related[];
  readonly help?: string;
  readonly fix?: { readonly span: Span; readonly replacement: string };
}

export interface DiagnosticInit {
  args?: Record<string, string | number>;
  related?: Related[];
  help?: string;
  fix?: { span: Span; replacement: string };
  /** Overrides the catalog message (rare: parser messages that already read well). */
  message?: string;
  /** Overrides the catalog severity, for a code the spec makes stricter under a setting (TAL0502 with `catalog … strict`). */
  severity?: Severity;
}

/** Build a diagnostic from the catalog. */
export function diag(code: Code, span: Span, init: DiagnosticInit = {}): Diagnostic {
  const d: Diagnostic = {
    code,
    severity: init.severity ?? CATALOG[code].severity,
    message: init.message ?? formatMessage(code, init.args ?? {}),
    span,
    related: init.related ?? [],
    ...(init.help !== undefined ? { help: init.help } : {}),
    ...(init.fix !== undefined ? { fix: init.fix } : {}),
  };
  return d;
}

/** A collector shared by the stages of one compilation. */
export class Diagnostics {
  readonly items: Diagnostic[] = [];

  add(d: Diagnostic): void {
    this.items.push(d);
  }

  report(code: Code, span: Span, init?: DiagnosticInit): void {
    this.items.push(diag(code, span, init));
  }

  get hasErrors(): boolean {
    return this.items.some((d) => d.severity === "error");
  }

  /** Sorted by file, then position, then code; duplicates (same code and span) removed. */
  sorted(): Diagnostic[] {
    const seen = new Set<string>();
    const out: Diagnostic[] = [];
    for (const d of [...this.items].sort(compareDiagnostics)) {
      const key = `${d.code}|${d.span.file}|${d.span.start}|${d.span.end}|${d.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(d);
    }
    return out;
  }
}

export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.span.file !== b.span.file) return a.span.file < b.span.file ? -1 : 1;
  if (a.span.start !== b.span.start) return a.span.start - b.span.start;
  return a.code < b.code ? -1 : a.code > b.code ? 1 : 0;
}
