/**
 * Random `tools/call`s for the property test of `test/conditions.property.test.ts`: tool names
 * from the policy's own vocabulary, glob instances, and their look-alikes (ASCII case variants,
 * Unicode confusables, ASCII look-alikes such as `0` for `o`, inserted spaces, `*`, NUL, zero-width
 * and bidi characters, lone surrogates, names of 128, 129 and 4096 characters, the empty name,
 * values that are no string at all); principals (declared, anonymous, and forged: an index out of
 * range or not an integer, an id that does not match its index); arguments with missing fields,
 * wrong types, `__proto__` keys and huge numbers; `_meta` and `now`; and upstream answers.
 */
import fc from "fast-check";
import type { DecideContext, Principal, PrincipalSpec } from "../../runtime/hooks.js";
import { caseVariant } from "./policy-arb.js";

// ─── Tool names ───────────────────────────────────────────────────────────────────────────────

/** Look-alikes per character: Cyrillic, Greek, fullwidth, Kelvin sign, dotless i, and ASCII ones. */
const CONFUSABLES: Readonly<Record<string, readonly string[]>> = {
  a: ["\u0430", "\u0251"],
  e: ["\u0435", "\u00e9"],
  o: ["\u043e", "\u03bf", "0"],
  c: ["\u0441"],
  p: ["\u0440"],
  x: ["\u0445", "\u00d7"],
  i: ["\u0456", "\u0131", "l"],
  k: ["\u212a", "\u03ba"],
  K: ["\u212a"],
  s: ["\u0455"],
  t: ["\u0442"],
  l: ["1", "I", "\u04cf"],
  g: ["\u0261"],
  r: ["\u0433"],
  n: ["\u043f"],
  T: ["\u03a4", "\uff34"],
  R: ["\u0280"],
  _: ["\uff3f", "\u02cd", "-"],
  ".": ["\u2024", "\uff0e"],
  "-": ["\u2010", "\u2212", "_"],
  "/": ["\u2215", "\u2044"],
};

/** Characters outside the alphabet, inserted somewhere in a name. */
const JUNK = [" ", "*", ":", "@", "\u0000", "\n", "\u200b", "\u0301", "\u00e9", "\ud83d\ude00", "\ud83d", "\u202e", "\u00a0", "?", "\\"];

/** What replaces each `*` when a glob is turned into a name. */
const FILLERS = ["", "x", "_x", "read", "a.b/c", "X", "_"];

function confuse(s: string, at: number): string {
  const spots = [...s].flatMap((ch, i) => (CONFUSABLES[ch] ? [i] : []));
  if (spots.length === 0) return s;
  const chars = [...s];
  const i = spots[at % spots.length]!;
  const alts = CONFUSABLES[chars[i]!]!;
  chars[i] = alts[Math.floor(at / spots.length) % alts.length]!;
  return chars.join("");
}

const insert = (s: string, at: number, junk: string) => s.slice(0, at % (s.length + 1)) + junk + s.slice(at % (s.length + 1));
const pad = (s: string, length: number) => (s.length >= length ? s : s + "x".repeat(length - s.length));

/** One change that turns a name into a look-alike. */
const mutation: fc.Arbitrary<(s: string) => string> = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: 0, max: 2 }).map((how) => (s: string) => caseVariant(s, how)) },
  { weight: 3, arbitrary: fc.nat(99).map((at) => (s: string) => confuse(s, at)) },
  { weight: 2, arbitrary: fc.tuple(fc.nat(200), fc.constantFrom(...JUNK)).map(([at, j]) => (s: string) => insert(s, at, j)) },
  { weight: 1, arbitrary: fc.constantFrom(127, 128, 129, 4096).map((n) => (s: string) => pad(s, n)) },
  { weight: 1, arbitrary: fc.constantFrom((s: string) => s.slice(0, -1), (s: string) => `${s}_`, (s: string) => `_${s}`, (s: string) => s + s) },
);

/** A word as is, or a glob with each `*` filled in. */
function wordArb(words: readonly string[]): fc.Arbitrary<string> {
  const exact = words.filter((w) => !w.includes("*"));
  const globs = words.filter((w) => w.includes("*"));
  const fill = fc
    .tuple(fc.constantFrom(...(globs.length > 0 ? globs : ["*"])), fc.array(fc.constantFrom(...FILLERS), { minLength: 4, maxLength: 4 }))
    .map(([g, fills]) => g.split("*").reduce((acc, piece, i) => (i === 0 ? piece : acc + fills[(i - 1) % fills.length]! + piece), ""));
  return exact.length > 0 ? fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...exact) }, { weight: 2, arbitrary: fill }) : fill;
}

/**
 * A tool name for a policy: mostly a word of its exposures (`exposed`), else any name or glob it
 * mentions, as is or with `*` filled in; then zero to two look-alike changes; now and then
 * something that is not a name at all (the runtime never passes one, but `decide` must not throw).
 */
export function toolArb(exposed: readonly string[], mentioned: readonly string[]): fc.Arbitrary<unknown> {
  const word = fc.oneof({ weight: 3, arbitrary: wordArb(exposed.length > 0 ? exposed : mentioned) }, { weight: 2, arbitrary: wordArb(mentioned) });
  return fc.oneof(
    { weight: 32, arbitrary: word },
    { weight: 6, arbitrary: fc.tuple(word, mutation).map(([w, m]) => m(w)) },
    { weight: 2, arbitrary: fc.tuple(word, mutation, mutation).map(([w, m, n]) => n(m(w))) },
    { weight: 1, arbitrary: fc.constantFrom<unknown>("", " ", "*", "a".repeat(100_000), 42, null, undefined, { name: "t_read" }, ["t_read"]) },
  );
}

// ─── Principals ───────────────────────────────────────────────────────────────────────────────

const ANONYMOUS: Principal = { id: "anonymous", kind: "anonymous", index: -1, teams: [] };

/** The principals of a bundle as the runtime builds them, anonymous, and forged ones. */
export function principalArb(specs: readonly PrincipalSpec[]): fc.Arbitrary<Principal> {
  const declared = specs.map((s): Principal => ({ id: s.id, kind: s.kind, index: s.index, teams: s.teams }));
  const forged = fc.tuple(fc.constantFrom(...declared), fc.constantFrom(specs.length, 99, -2, 0.5, Number.NaN, -0, 0, Number.MAX_SAFE_INTEGER), fc.boolean()).map(
    ([p, index, claims]): Principal => ({ ...p, index, teams: [...p.teams, "ops"], ...(claims ? { claims: { sub: "x", groups: ["ops"] } } : {}) }),
  );
  return fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...declared) }, { weight: 2, arbitrary: fc.constant(ANONYMOUS) }, { weight: 1, arbitrary: forged });
}

// ─── Arguments, context, responses ────────────────────────────────────────────────────────────

/** Text detectors look for: hits and near misses (bad Luhn digit, truncated PEM, JWT without a signature). */
const SENSITIVE = [
  "ana@example.com",
  "write to a.b+c@mail.example.org today",
  "4111 1111 1111 1111",
  "card 4111-1111-1111-1112 declined",
  "4012888888881881",
  "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
  "token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0",
  "-----BEGIN RSA PRIVATE KEY-----\nMIIBOgIBAAJBAK\n-----END RSA PRIVATE KEY-----",
  "-----BEGIN PRIVATE KEY-----\nMIIB",
  "DE89 3704 0044 0532 0130 00",
  "+1 (555) 010-9999",
  "10.0.0.1",
  "AKIAIOSFODNN7EXAMPLE",
  "aaaaaaaaaaaaaaaaaaaaaaaaaaaa!",
  "aaaa",
];

const leaf = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...SENSITIVE) },
  {
    weight: 6,
    arbitrary: fc.constantFrom(null, true, false, 0, -0, 1, 3, 5, 500, 501, 2 ** 53, 2 ** 53 - 1, 2 ** 53 + 2, -(2 ** 60), 1e308, -1e308, 5e-324, 0.1, 2.5, "urgent", "low", "ops", "a", "", "\u0430", "K", "\u212a", "\ud83d\ude00", "\ud83d", "é", "e\u0301", "UrGeNt", "abc", "123", "t_read", " a ", "a\u00a0", "\tlow\n", 9007199254740990, -9007199254740990),
  },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: 600 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
/**
 * An object as `JSON.parse` builds it: keys in first-seen order, the last value of a repeated key,
 * and `__proto__` an own data property (never the prototype).
 */
function parsedObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

const jsonValue = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.array(fc.tuple(fc.constantFrom("k", "x", "__proto__", "constructor"), leaf), { maxLength: 3 }).map(parsedObject) },
);
const ARG_KEYS = ["priority", "impact", "n", "s", "tags", "obj", "nil", "__proto__", "toString", "extra"];

/** Arguments as the runtime sees them (parsed JSON); sometimes no object at all. */
export const argsArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(fc.constantFrom(...ARG_KEYS), jsonValue), { maxLength: 6 }).map(parsedObject) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], "str", 3) },
);

/** `_meta` and the request time, each possibly absent or nonsense. */
export const ctxArb: fc.Arbitrary<DecideContext | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record(
    {
      meta: fc.option(fc.array(fc.tuple(fc.constantFrom("trace", "__proto__"), leaf), { maxLength: 2 }).map(parsedObject), { nil: undefined }),
      now: fc.option(fc.oneof(fc.integer({ min: 0, max: 4102444800000 }), fc.constantFrom(Number.NaN, 1e20, -1)), { nil: undefined }),
    },
    { requiredKeys: [] },
  ),
);

/** A CallToolResult as an upstream might send it (or junk). */
export const responseArb = fc.oneof(
  fc.constantFrom(undefined, null, "text", { isError: true, content: [] }, { content: [{ type: "text", text: "not json" }] }),
  argsArb.map((a) => ({ content: [], structuredContent: a })),
  argsArb.map((a) => ({ content: [{ type: "image", data: "" }, { type: "text", text: JSON.stringify(a) ?? "" }] })),
  argsArb.map((a) => ({ content: [{ type: "text", text: ` ${JSON.stringify(a) ?? ""}` }], isError: false })),
);
