/**
 * Built-in PII detectors (LANGUAGE.md §13: `matching email`, `matching card`, …). Each is a
 * linear-time candidate regex plus, where the format has one, a checksum validator (Luhn for
 * cards, mod-97 for IBANs) so that random digit runs are not redacted as card numbers.
 */
import { compileRegex, type CompiledRegex } from "./regex.js";

/** A detector: finds candidate spans, keeps the ones its validator accepts. */
export interface Detector {
  readonly name: string;
  test(s: string): boolean;
  spans(s: string): [number, number][];
}

/** Luhn checksum over the digits of `s` (separators ignored). */
export function luhnValid(s: string): boolean {
  const digits = s.replace(/\D/g, "");
  if (digits.length < 12 || digits.length > 19) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

/** ISO 13616 mod-97 check of an IBAN (spaces ignored). */
export function ibanValid(s: string): boolean {
  const iban = s.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const moved = iban.slice(4) + iban.slice(0, 4);
  let rem = 0;
  for (const ch of moved) {
    const code = ch.charCodeAt(0);
    const part = code >= 65 ? String(code - 55) : ch;
    for (const d of part) rem = (rem * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rem === 1;
}

function ipv4Valid(s: string): boolean {
  return s.split(".").every((p) => p.length <= 3 && Number(p) <= 255 && (p === "0" || !p.startsWith("0")));
}

/** Validators a declared detector may name (`validate luhn`): each checks one candidate span. */
export const VALIDATORS: Readonly<Record<string, (s: string) => boolean>> = Object.freeze({ luhn: luhnValid, iban: ibanValid });

const SOURCES: Record<string, readonly [string, string, ((s: string) => boolean) | null]> = {
  email: ["[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]{1,63}(?:\\.[A-Za-z0-9-]{1,63}){0,8}\\.[A-Za-z]{2,24}", "", null],
  phone: ["\\+?\\d[\\d\\s().-]{6,18}\\d", "", (s) => { const d = s.replace(/\D/g, "").length; return d >= 8 && d <= 15; }],
  card: ["\\b\\d(?:[ -]?\\d){11,18}\\b", "", luhnValid],
  iban: ["\\b[A-Z]{2}\\d{2}(?: ?[A-Z0-9]){11,30}\\b", "", ibanValid],
  ipv4: ["\\b\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\b", "", ipv4Valid],
  jwt: ["\\beyJ[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}\\.[A-Za-z0-9_-]{2,}", "", null],
  private_key: ["-----BEGIN [A-Z ]{0,30}PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]{0,30}PRIVATE KEY-----", "", null],
  aws_key: ["\\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\\b", "", null],
};

/** Names of the built-in detectors. */
export const DETECTOR_NAMES: readonly string[] = Object.freeze(Object.keys(SOURCES));

const cache = new Map<string, Detector>();

/** The built-in detector `name`, or null when there is none. */
export function detector(name: string): Detector | null {
  const hit = cache.get(name);
  if (hit) return hit;
  const spec = SOURCES[name];
  if (!spec) return null;
  const [source, flags, validate] = spec;
  const re: CompiledRegex = compileRegex(source, flags);
  const spans = (s: string): [number, number][] =>
    validate ? re.spans(s).filter(([a, b]) => validate(s.slice(a, b))) : re.spans(s);
  const d: Detector = Object.freeze({ name, spans, test: (s: string) => spans(s).length > 0 });
  cache.set(name, d);
  return d;
}

/**
 * A user-declared detector (`detector x { pattern /…/ validate luhn }`): the spans of every
 * pattern (each on the engine `compileRegex` picks), kept when all validators accept them. Throws
 * on a bad pattern or an unknown validator.
 */
export function declaredDetector(
  name: string,
  patterns: readonly { readonly source: string; readonly flags: string }[],
  validators: readonly string[],
): Detector {
  const checks = validators.map((v) => {
    const fn = Object.prototype.hasOwnProperty.call(VALIDATORS, v) ? VALIDATORS[v] : undefined;
    if (!fn) throw new Error(`unknown detector validator "${v}" (known: ${Object.keys(VALIDATORS).join(", ")})`);
    return fn;
  });
  const res = patterns.map((p) => compileRegex(p.source, p.flags));
  const spans = (s: string): [number, number][] =>
    res.flatMap((re) => re.spans(s)).filter(([a, b]) => checks.every((ok) => ok(s.slice(a, b))));
  const test = (s: string): boolean => {
    for (const re of res) {
      if (checks.length === 0 ? re.test(s) : re.spans(s).some(([a, b]) => checks.every((ok) => ok(s.slice(a, b))))) return true;
    }
    return false;
  };
  return Object.freeze({ name, spans, test });
}
