/**
 * Instants as operators and clients write them: ms since epoch (digits), or ISO 8601 as
 * `YYYY-MM-DD` (UTC midnight) or a date and time with `Z` or an offset. A time without a zone is
 * accepted only where the reader shares the writer's zone (`localOk`: the CLI on its own host);
 * an API client cannot see the server's zone.
 */
const ISO_ZONED = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2}))?$/i;
const ISO_ANY = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})?)?$/i;

/** ms since epoch, or NaN when `text` is not an instant in one of the forms above. */
export function parseInstant(text: string, localOk = false): number {
  if (/^[0-9]{1,15}$/.test(text)) return Number(text);
  return (localOk ? ISO_ANY : ISO_ZONED).test(text) ? Date.parse(text) : NaN;
}
