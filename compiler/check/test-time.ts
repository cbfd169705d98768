/**
 * Times in tests and `talonc explain --at` (§11 `at "…"`): ISO 8601, a date (midnight UTC) or a
 * date and time with `Z` or an offset. A zoneless time is refused: its meaning would depend on
 * the machine the tests run on.
 */

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Milliseconds since the epoch of a test's `at` text, or undefined when it is not ISO 8601 with a zone. */
export function parseTestTime(text: string): number | undefined {
  if (!ISO.test(text)) return undefined;
  // Date.parse rolls 2026-02-30 over to March; a date that does not exist is an error.
  const [y, m, d] = text.slice(0, 10).split("-").map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y, m - 1, d));
  if (day.getUTCFullYear() !== y || day.getUTCMonth() !== m - 1 || day.getUTCDate() !== d) return undefined;
  const ms = Date.parse(text.length === 10 ? `${text}T00:00:00Z` : text);
  return Number.isFinite(ms) ? ms : undefined;
}

