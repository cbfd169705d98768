/**
 * Durations as operators type them: `500ms`, `30s`, `5m`, `24h`, `7d`, `2w`, `1h30m`.
 */

const UNIT_MS: Readonly<Record<string, number>> = {
  w: 7 * 24 * 60 * 60 * 1000,
  d: 24 * 60 * 60 * 1000,
  h: 60 * 60 * 1000,
  m: 60 * 1000,
  s: 1000,
  ms: 1,
};

/** Units from largest to smallest; a compound duration must follow this order. */
const UNIT_ORDER = ["w", "d", "h", "m", "s", "ms"];

const EXAMPLES = "e.g. 500ms, 30s, 5m, 24h, 7d, 2w, 1h30m";

/**
 * Parses a duration into milliseconds. Each part is a whole number followed by a unit (`w d h m s
 * ms`); parts go from the largest unit to the smallest, each unit at most once (`1h30m`, not
 * `30m1h` or `5m5m`, which are more likely typos than intent). No spaces, signs or fractions;
 * units are case-sensitive (`M` is not minutes). Throws an Error naming the problem.
 */
export function parseDuration(text: string): number {
  if (typeof text !== "string" || text === "") throw new Error(`invalid duration "": expected a number and a unit, ${EXAMPLES}`);
  const part = /([0-9]+)(ms|[wdhms])/y;
  let total = 0;
  let pos = 0;
  let lastRank = -1;
  while (pos < text.length) {
    part.lastIndex = pos;
    const m = part.exec(text);
    if (!m) throw new Error(`invalid duration "${text}": ${describeBadPart(text, pos)}, ${EXAMPLES}`);
    const [whole, digits, unit] = m as unknown as [string, string, string];
    const rank = UNIT_ORDER.indexOf(unit);
    if (rank <= lastRank) {
      throw new Error(`invalid duration "${text}": units must go from largest to smallest, each at most once (w d h m s ms)`);
    }
    lastRank = rank;
    total += Number(digits) * UNIT_MS[unit]!;
    pos += whole.length;
  }
  if (!Number.isSafeInteger(total)) throw new Error(`invalid duration "${text}": too large`);
  return total;
}

/** What is wrong at `pos`: a number without a unit, an unknown unit, or not a number at all. */
function describeBadPart(text: string, pos: number): string {
  const rest = text.slice(pos);
  const digits = /^[0-9]+/.exec(rest)?.[0];
  if (digits === undefined) return `expected a number at "${rest}"`;
  const after = rest.slice(digits.length);
  if (after === "") return `"${digits}" has no unit (use w, d, h, m, s or ms)`;
  if (/^[.,][0-9]/.test(after)) return "fractions are not supported (write 1h30m, not 1.5h)";
  const unit = /^[^0-9]+/.exec(after)?.[0] ?? after;
  return `unknown unit "${unit}" (use w, d, h, m, s or ms)`;
}
