/**
 * Rule scans that stay fast and type-checkable at any policy size. A scan is a list of rule
 * statements, each guarded by a test of the tool name against the rule's refs, that update one
 * accumulator (forbid ids, grant ids, pending rules, the exposure class). Small scans stay inline
 * in their function, exactly as before. Larger ones are
 * - bucketed: every ref's literal prefix (up to its first `*`, ASCII-lowercased) gives it a key,
 *   its first `width` characters; at run time the name's first `width` characters, folded the same
 *   way, are hashed (`nameKey`) and only the rules of that hash bucket are tested, plus the rules
 *   no key can rule out (class targets, refs with a shorter prefix). Folding ASCII case makes one
 *   bucket serve case-sensitive refs (grants, exposures) and case-insensitive ones (forbid,
 *   confirm, approve) alike; a hash collision only adds candidates, and every candidate is still
 *   tested in full, so bucketing never changes which rules match. Candidates keep the scan's
 *   order (rules by id), so ids still come out sorted.
 * - chunked: the statements of a bucket go into helper functions of at most `CHUNK` rules, called
 *   in sequence with the accumulator passed through, so no function outgrows TypeScript's control
 *   flow analysis (TS2563) however many rules a policy has.
 */
import { asciiLower } from "../ir/tool-names.js";
import { Code, Name, comment, indent, join, ts } from "./code.js";
import type { ModuleBuilder } from "./module.js";

/** One rule statement of a scan; `refs` null = no name test can rule it out (class targets). */
export interface ScanItem {
  readonly refs: readonly string[] | null;
  readonly stmt: Code;
}

export interface ScanSpec {
  /** Prefix of the generated helper names (`<prefix>_<n>`). */
  readonly fnPrefix: string;
  /** What is scanned, for comments ("forbids", "grants", …). */
  readonly what: string;
  /** The tool name the refs are matched against. */
  readonly subject: Name;
  /** Parameters of the helpers besides the accumulator, and the arguments passing the same names. */
  readonly params: readonly (readonly [Name, Code])[];
  readonly args: Code;
  readonly acc: Name;
  readonly accType: Code;
  readonly items: readonly ScanItem[];
}

/** The forbid accumulator of a scan: ids that fired (by id), the first one's message (suffix), whether an unconditional one fired. */
export const FIRED = Name.of("fired");
export const FIRED_TYPE = Code.trusted("{ readonly ids: string[]; readonly text: string; hard: boolean } | undefined");

/**
 * A forbid's statement for a scan into `FIRED`: when `test()` holds (null = always), the rule fires.
 * The message is hoisted before the test is built, the order the inline form hoists in.
 */
export function fireStmt(mb: ModuleBuilder, r: { id: string; at: string; when: unknown; message: string }, makeTest: () => Code | null): Code {
  const m = mb.hoist("TEXT", Code.trusted("string"), ts`${r.message}`);
  const test = makeTest();
  const hard = r.when === null ? ts` ${FIRED}.hard = true;` : ts``;
  return join(
    [
      comment(`rule ${r.id} (${r.at})`),
      test === null ? ts`{` : ts`if (${test}) {`,
      ts`  if (${FIRED} === undefined) ${FIRED} = { ids: [], text: ${m}, hard: false };`,
      ts`  ${FIRED}.ids.push(${r.id});${hard}`,
      ts`}`,
    ],
    "\n",
  );
}

/** Scans with fewer statements than this stay inline (unchanged output for ordinary policies). */
export const SCAN_MIN = 48;
/** At most this many rule statements per generated function. */
export const CHUNK = 100;
/** Buckets of at most this many rules are written out in their `case` rather than called. */
const INLINE_BUCKET = 3;
/** At most this many rules written out in the cases of one scan (the rest are calls). */
const INLINE_TOTAL = 50;
/** Longest prefix width considered for bucketing. */
const MAX_WIDTH = 32;

/** The run-time key: the first `width` characters, ASCII-folded, hashed; -1 for a shorter name. Same arithmetic as the emitted `nameKey`. */
export function nameKey(s: string, width: number, mask: number): number {
  if (s.length < width) return -1;
  let h = 0;
  for (let i = 0; i < width; i++) {
    let c = s.charCodeAt(i);
    if (c >= 65 && c <= 90) c += 32;
    h = (Math.imul(h, 31) + c) | 0;
  }
  return h & mask;
}

const NAME_KEY = Name.of("nameKey");
const emitted = new WeakSet<ModuleBuilder>();

/** Emit the `nameKey` helper once per module. */
function nameKeyFn(mb: ModuleBuilder): Name {
  if (emitted.has(mb)) return NAME_KEY;
  emitted.add(mb);
  const s = Name.of("s");
  mb.fn({
    name: NAME_KEY,
    params: [
      [s, Code.trusted("string")],
      [Name.of("width"), Code.trusted("number")],
      [Name.of("mask"), Code.trusted("number")],
    ],
    returnType: Code.trusted("number"),
    body: [
      ts`if (${s}.length < width) return -1;`,
      ts`let h = 0;`,
      join([ts`for (let i = 0; i < width; i++) {`, ts`  let c = ${s}.charCodeAt(i);`, ts`  if (c >= 65 && c <= 90) c += 32;`, ts`  h = (Math.imul(h, 31) + c) | 0;`, ts`}`], "\n"),
      ts`return h & mask;`,
    ],
    leading: comment("Bucket key of a tool name for rule scans: its first `width` characters, ASCII case folded, hashed (-1 when shorter)."),
  });
  return NAME_KEY;
}

/** The literal prefix of a ref (up to its first `*`), lowercased. */
function literalPrefix(ref: string): string {
  const star = ref.indexOf("*");
  return asciiLower(star < 0 ? ref : ref.slice(0, star));
}

interface Bucketing {
  readonly width: number;
  /** Item indexes tested for every name. */
  readonly residual: readonly number[];
  /** Key (first `width` chars of a prefix) → item indexes. */
  readonly byKey: ReadonlyMap<string, readonly number[]>;
  /** Residual plus the largest bucket: the most rules one name tests. */
  readonly cost: number;
}

function bucketing(items: readonly ScanItem[], width: number): Bucketing {
  const residual: number[] = [];
  const byKey = new Map<string, number[]>();
  items.forEach((it, i) => {
    const prefixes = it.refs === null ? null : it.refs.map(literalPrefix);
    if (prefixes === null || prefixes.some((p) => p.length < width)) {
      residual.push(i);
      return;
    }
    for (const key of new Set(prefixes.map((p) => p.slice(0, width)))) {
      const list = byKey.get(key);
      if (list) list.push(i);
      else byKey.set(key, [i]);
    }
  });
  let largest = 0;
  for (const l of byKey.values()) largest = Math.max(largest, l.length);
  return { width, residual, byKey, cost: residual.length + largest };
}

/** The best prefix width (fewest rules tested in the worst bucket; the narrower on a tie), or undefined when bucketing does not pay. */
function bestBucketing(items: readonly ScanItem[]): Bucketing | undefined {
  let longest = 0;
  for (const it of items) for (const r of it.refs ?? []) longest = Math.max(longest, literalPrefix(r).length);
  let best: Bucketing | undefined;
  for (let w = 1; w <= Math.min(longest, MAX_WIDTH); w++) {
    const b = bucketing(items, w);
    if (best === undefined || b.cost < best.cost) best = b;
  }
  return best !== undefined && best.cost * 2 <= items.length ? best : undefined;
}

/**
 * The statements running a scan: undefined when it is small enough to stay inline (the caller then
 * emits `items` itself); else calls of generated helpers, through a bucket `switch` when that pays.
 * The caller declares and initializes the accumulator before these statements.
 */
export function emitScan(mb: ModuleBuilder, spec: ScanSpec): Code[] | undefined {
  const { items } = spec;
  if (items.length < SCAN_MIN) return undefined;
  // Helpers by their item list, so equal candidate lists share one set of functions.
  const helpers = new Map<string, Name[]>();
  const callsFor = (indexes: readonly number[]): Code[] => {
    const key = indexes.join(",");
    let names = helpers.get(key);
    if (!names) {
      names = [];
      for (let at = 0; at < indexes.length; at += CHUNK) {
        const part = indexes.slice(at, at + CHUNK);
        const name = mb.fresh(`${spec.fnPrefix}_`);
        mb.fn({
          name,
          params: [...spec.params, [spec.acc, spec.accType]],
          returnType: spec.accType,
          body: [...part.map((i) => items[i]!.stmt), ts`return ${spec.acc};`],
          leading: comment(`Part of the ${spec.what} scan: ${part.length} rule${part.length === 1 ? "" : "s"}.`),
        });
        names.push(name);
      }
      helpers.set(key, names);
    }
    return names.map((n) => ts`${spec.acc} = ${n}(${spec.args}, ${spec.acc});`);
  };

  const b = bestBucketing(items);
  if (b === undefined && items.length <= CHUNK) return undefined;
  if (b === undefined) return [comment(`The ${spec.what} in parts of at most ${CHUNK} rules.`), ...callsFor(items.map((_, i) => i))];

  // Keys that hash to the same bucket share it; a table about twice the keys keeps that rare.
  let mask = 15;
  while (mask + 1 < 2 * b.byKey.size && mask < 4095) mask = mask * 2 + 1;
  const buckets = new Map<number, { keys: string[]; indexes: Set<number> }>();
  for (const [key, list] of b.byKey) {
    const h = nameKey(key, b.width, mask);
    let bucket = buckets.get(h);
    if (!bucket) buckets.set(h, (bucket = { keys: [], indexes: new Set(b.residual) }));
    bucket.keys.push(key);
    for (const i of list) bucket.indexes.add(i);
  }
  // A bucket of a few rules is written out in its case, while the scan's function stays small.
  let inlined = 0;
  const run = (indexes: readonly number[]): Code[] => {
    if (indexes.length <= INLINE_BUCKET && inlined + indexes.length <= INLINE_TOTAL) {
      inlined += indexes.length;
      return indexes.map((i) => items[i]!.stmt);
    }
    return callsFor(indexes);
  };
  const cases: Code[] = [];
  for (const h of [...buckets.keys()].sort((x, y) => x - y)) {
    const bucket = buckets.get(h)!;
    const indexes = [...bucket.indexes].sort((x, y) => x - y);
    const label = bucket.keys.map((k) => JSON.stringify(k)).join(", ");
    cases.push(join([ts`case ${h}: ${comment(label)}`, indent(join([...run(indexes), ts`break;`], "\n"))], "\n"));
  }
  if (b.residual.length > 0) cases.push(join([ts`default:`, indent(join(run(b.residual), "\n"))], "\n"));
  const key = nameKeyFn(mb);
  return [
    comment(`The ${spec.what} whose refs can match: bucketed by the name's first ${b.width} characters (ASCII case folded).`),
    join([ts`switch (${key}(${spec.subject}, ${b.width}, ${mask})) {`, indent(join(cases, "\n")), ts`}`], "\n"),
  ];
}
