/**
 * Source text and positions. Every front end (the `.talon` grammar, the YAML loader) reports
 * positions as byte-independent UTF-16 offsets into a `Source`; a `Span` carries both offsets and
 * 1-based line/column so diagnostics and provenance comments never need the text again.
 */

/** A half-open range `[start, end)` in one source file, with 1-based line/col of both ends. */
export interface Span {
  readonly file: string;
  readonly start: number;
  readonly end: number;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
}

/** One input file: its display path (as given on the command line) and its text. */
export class Source {
  private lineStarts: number[] | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
  ) {}

  /** Offsets of the first character of each line, computed once on demand. */
  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    for (let i = 0; i < this.text.length; i++) {
      if (this.text.charCodeAt(i) === 10) starts.push(i + 1);
    }
    this.lineStarts = starts;
    return starts;
  }

  /** 1-based line and column of an offset (columns count UTF-16 units, as editors and LSP do). */
  position(offset: number): { line: number; col: number } {
    const starts = this.starts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: offset - starts[lo]! + 1 };
  }

  /** The text of a 1-based line, without its newline. */
  lineText(line: number): string {
    const starts = this.starts();
    const from = starts[line - 1] ?? this.text.length;
    const next = starts[line];
    const to = next === undefined ? this.text.length : next - 1;
    return this.text.slice(from, to).replace(/\r$/, "");
  }

  /** A span for `[start, end)`. */
  span(start: number, end: number): Span {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { file: this.path, start, end: Math.max(start, end), line: a.line, col: a.col, endLine: b.line, endCol: b.col };
  }
}

/** A span that covers both `a` and `b` (same file). */
export function joinSpans(a: Span, b: Span): Span {
  const first = a.start <= b.start ? a : b;
  const last = a.end >= b.end ? a : b;
  return { file: a.file, start: first.start, end: last.end, line: first.line, col: first.col, endLine: last.endLine, endCol: last.endCol };
}

/** `file:line` for provenance comments and manifests. */
export function spanRef(span: Span): string {
  return `${span.file}:${span.line}:${span.col}`;
}
