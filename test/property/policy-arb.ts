/**
 * Random policies from the grammar (LANGUAGE.md §3, §4, §6, §10) for the property test of
 * `test/conditions.property.test.ts`: random principals (vendors and callers, with and without a
 * `tools` boundary, in teams), teams with members and approvers, posture, exposures (exact names
 * with classes and renames `tool a -> "up_a" { class read }`, globs such as `"t_*"`, `"*_x"`,
 * `"t_*e*"`, no class = destructive), and forbid/grant/confirm/approve rules whose targets are
 * names, globs, lists, classes and case variants (forbid, confirm and approve ignore ASCII case,
 * grants and boundaries do not, §6), with random conditions (`conditions-arb.ts`), `@id`s and
 * `@reason`s. Every policy also carries one `idempotent`, two `block response` and one
 * `redact … when` rule with random response conditions, whose compiled functions the test compares.
 *
 * Rule targets lean towards what the policy exposes, so that calls get past the default deny
 * often enough to reach grants, confirmations and approvals. One policy in five is large (dozens
 * of exposures, ≥ 48 forbids and grants), so that the emitter's other code shapes run as well:
 * name lookups through a Map (> 32 exact names), grant id lists (> 30 grants) and bucketed,
 * chunked rule scans (≥ 48 rules of a kind).
 *
 * A generated policy may fail `check` (two exposures renamed onto one upstream name, a destructive
 * tool without oversight under read_only, a condition comparing a number with a string, …); the
 * test drops the lines an error points at.
 */
import fc from "fast-check";
import { DETECTOR_DECLS, guard, keyExpr, respCond } from "./conditions-arb.js";

/** The longest valid tool name (128 characters, SEP-986). */
export const LONG_NAME = `l${"o".repeat(126)}g`;

/** Exact tool names policies draw from: `.`/`-`/`/`, digits, mixed case, the maximum length. */
export const NAMES = ["t_read", "t_write", "t_nuke", "g_x", "g_xy", "r_x1", "r_a", "a.b", "x-y/z", "T_Read", "n0", "up_t_read", LONG_NAME] as const;

/** Globs: prefixes, suffixes, middle pieces, `*` alone, and one that matches the long name. */
export const GLOBS = ["t_*", "g_*", "r_x*", "*_x", "*_read", "*", "t_*e*", "*x*", "up_*", "l*g", "*.b", "x-*/z", "*/*", "T_*", "*_*_*"] as const;

/** Names no exposure has: a typo, a name nobody exposes, a case variant. */
const STRAYS = ["t_raed", "nope", "G_XY", "t_read2"] as const;

/** Extra names and globs of large policies: many exact names (Map dispatch), many prefixes (bucketed scans). */
const BULK_NAMES = Array.from({ length: 120 }, (_, k) => `b${k}_x`);
const BULK_GLOBS = ["b1*", "b2*_x", "B3*", "b4*", "*0_x", "b*_*", "b1*x"] as const;

const CLASSES = ["read", "write", "destructive"] as const;
const TEAMS = ["ops", "sec", "dev"] as const;
const APPROVERS = ["o@x", "s@x", "d@x"] as const;
const PRINCIPALS = [
  { kind: "vendor", id: "v" },
  { kind: "vendor", id: "v2" },
  { kind: "caller", id: "c" },
  { kind: "caller", id: "w" },
  { kind: "caller", id: "x.y" },
] as const;
type PrincipalRef = (typeof PRINCIPALS)[number];

const VIA = ["", " via elicitation", " via token", " via elicitation_or_token"] as const;
const APPROVE_OPTS = ["", " { quorum 2 }", " { timeout 5m defer }", " { defer }", " { timeout 1h quorum 3 hold }"] as const;

/** `arb` with probability `p`, else undefined. */
const sometimes = <T>(arb: fc.Arbitrary<T>, p: number) => fc.oneof({ weight: Math.round((1 - p) * 100), arbitrary: fc.constant(undefined) }, { weight: Math.round(p * 100), arbitrary: arb });

/** ASCII case variants of a name or glob: all upper (0), all lower (1), first letter flipped (2). */
export function caseVariant(s: string, how: number): string {
  if (how === 0) return s.toUpperCase();
  if (how === 1) return s.toLowerCase();
  const i = s.search(/[A-Za-z]/);
  if (i < 0) return s;
  const c = s[i]!;
  return s.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + s.slice(i + 1);
}

/** A tool ref as written: an identifier when it can be one (and `quote` is off), else a string literal. */
function refText(r: string, quote: boolean): string {
  return !quote && /^[A-Za-z_][A-Za-z0-9_]*$/.test(r) ? r : JSON.stringify(r);
}

// ─── Tool refs ────────────────────────────────────────────────────────────────────────────────

/** What a policy's refs are drawn from; `hot` = what its exposures declare (names, upstream names, globs). */
interface Vocab {
  readonly names: readonly string[];
  readonly globs: readonly string[];
  readonly hot: readonly string[];
}

/** One ref a rule or boundary names. */
function refArb(v: Vocab): fc.Arbitrary<string> {
  const all = [...v.names, ...v.globs];
  return fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...(v.hot.length > 0 ? v.hot : all)) },
    { weight: 3, arbitrary: fc.constantFrom(...v.names) },
    { weight: 3, arbitrary: fc.constantFrom(...v.globs) },
    { weight: 2, arbitrary: fc.tuple(fc.constantFrom(...all), fc.integer({ min: 0, max: 2 })).map(([r, how]) => caseVariant(r, how)) },
    { weight: 1, arbitrary: fc.constantFrom(...STRAYS) },
  );
}

/** A ref list as written (`a, "t_*", B`). */
function refsText(v: Vocab): fc.Arbitrary<string> {
  return fc.tuple(fc.uniqueArray(refArb(v), { minLength: 1, maxLength: 3 }), fc.boolean()).map(([rs, quote]) => rs.map((r) => refText(r, quote)).join(", "));
}

/** `tool <refs>` or `class <classes>`. */
function targetsArb(v: Vocab): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: refsText(v).map((t) => `tool ${t}`) },
    { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...CLASSES), { minLength: 1, maxLength: 2 }).map((cs) => `class ${cs.join(", ")}`) },
  );
}

// ─── Exposures ────────────────────────────────────────────────────────────────────────────────

/** An exposure as written; `name` is the exact name it declares (distinct within a policy; globs may repeat). */
interface Exposure {
  readonly name: string | undefined;
  readonly text: string;
  /** Exact names, upstream names and globs it declares. */
  readonly declares: readonly string[];
}

const classArb = sometimes(fc.constantFrom(...CLASSES), 0.8);
const classBlock = (cls: string | undefined) => (cls ? ` { class ${cls} }` : "");

/** An exposure: an exact name (maybe renamed) or a list of globs, with a class or none (= destructive). */
function exposureArb(names: readonly string[], globs: readonly string[]): fc.Arbitrary<Exposure> {
  const rename = fc.oneof({ weight: 3, arbitrary: fc.constantFrom("up_", "u.x/", "U_").map((prefix) => ({ prefix })) }, { weight: 1, arbitrary: fc.constantFrom(...names).map((name) => ({ name })) });
  const exact = fc.record({ name: fc.constantFrom(...names), rename: sometimes(rename, 0.35), cls: classArb, quote: fc.boolean() }).map(({ name, rename: r, cls, quote }): Exposure => {
    const upstream = r === undefined ? undefined : "prefix" in r ? r.prefix + name : r.name;
    const arrow = upstream === undefined ? "" : ` -> ${JSON.stringify(upstream)}`;
    return { name, text: `tool ${refText(name, quote)}${arrow}${classBlock(cls)}`, declares: upstream === undefined ? [name] : [name, upstream] };
  });
  const glob = fc
    .tuple(fc.uniqueArray(fc.constantFrom(...globs), { minLength: 1, maxLength: 3 }), classArb)
    .map(([refs, cls]): Exposure => ({ name: undefined, text: `tool ${refs.map((r) => JSON.stringify(r)).join(", ")}${classBlock(cls)}`, declares: refs }));
  return fc.oneof({ weight: 3, arbitrary: exact }, { weight: 2, arbitrary: glob });
}

// ─── Rules ────────────────────────────────────────────────────────────────────────────────────

/** How many rules of each kind a policy gets: [min, max]. */
interface RuleCounts {
  readonly forbid: readonly [number, number];
  readonly grant: readonly [number, number];
  readonly confirm: readonly [number, number];
  readonly approve: readonly [number, number];
}
/** Small policies; large ones have enough forbids and grants for the bucketed scans (≥ 48) and the grant id lists (> 30). */
const SMALL_COUNTS: RuleCounts = { forbid: [0, 2], grant: [1, 6], confirm: [0, 2], approve: [1, 3] };
const LARGE_COUNTS: RuleCounts = { forbid: [48, 56], grant: [48, 60], confirm: [3, 10], approve: [3, 10] };

/** Forbid/grant/confirm/approve rules over the given principals and teams (`approving`: teams with approvers). */
function rulesArb(v: Vocab, counts: RuleCounts, principals: readonly PrincipalRef[], teams: readonly string[], approving: readonly string[]): fc.Arbitrary<string[]> {
  const who = fc.oneof(
    { weight: 2, arbitrary: fc.constantFrom(...principals).map((p) => `${p.kind} ${JSON.stringify(p.id)}`) },
    { weight: 2, arbitrary: fc.constant("anyone") },
    ...(teams.length > 0 ? [{ weight: 1, arbitrary: fc.constantFrom(...teams).map((t) => `team ${t}`) }] : []),
  );
  const access = fc.oneof(fc.constant("all"), fc.uniqueArray(fc.constantFrom("read", "write", "destructive", "all"), { minLength: 1, maxLength: 2 }).map((a) => a.join(", ")));
  const targets = targetsArb(v);
  // So many forbids leaning on the exposures would forbid nearly every exposed name.
  const forbidTargets = counts.forbid[0] > 10 ? targetsArb({ ...v, hot: [] }) : targets;
  const some = (arb: fc.Arbitrary<string>, [min, max]: readonly [number, number]) => fc.array(arb, { minLength: min, maxLength: max });
  const grantGuard = fc.oneof(fc.constant(""), guard);
  return fc
    .tuple(
      some(fc.tuple(forbidTargets, guard).map(([t, g]) => `forbid ${t}${g}`), counts.forbid),
      some(fc.tuple(who, access, refsText(v), grantGuard).map(([w, a, on, g]) => `grant ${w} ${a} on ${on}${g}`), counts.grant),
      some(fc.tuple(targets, guard, fc.constantFrom(...VIA)).map(([t, g, via]) => `confirm ${t}${g}${via}`), counts.confirm),
      approving.length === 0
        ? fc.constant([])
        : some(fc.tuple(targets, guard, fc.constantFrom(...approving), fc.constantFrom(...APPROVE_OPTS)).map(([t, g, team, o]) => `approve ${t}${g} by team ${team}${o}`), counts.approve),
    )
    .map((kinds) => kinds.flat());
}

/** `@id` half the time (else the default id `a.<kind>.<hash>`), `@reason` now and then (escapes included). */
const annotations = fc.tuple(fc.boolean(), sometimes(fc.constantFrom("no", 'say "no"\n', "tab\there"), 0.15));

// ─── Policies ─────────────────────────────────────────────────────────────────────────────────

/** A generated policy and the names calls should use. */
export interface GeneratedPolicy {
  readonly text: string;
  /** What the exposures declare: exact names, their upstream names, globs (calls instantiate them). */
  readonly exposed: readonly string[];
  /** Every name and glob the policy mentions (`vocabularyOf`). */
  readonly mentioned: readonly string[];
}

type TeamDecl = readonly [members: readonly string[], approvers: readonly string[]];
type PrincipalDecl = readonly [boundary: string | undefined, teams: readonly string[]];

/** Teams and principals, as declarations. */
function header(teams: readonly string[], teamDecls: readonly TeamDecl[], principals: readonly PrincipalRef[], principalDecls: readonly PrincipalDecl[]): string[] {
  const lines: string[] = ["talon 1", DETECTOR_DECLS.trimEnd()];
  const list = (xs: readonly string[]) => xs.map((x) => JSON.stringify(x)).join(", ");
  teams.forEach((t, i) => {
    const [members, approvers] = teamDecls[i]!;
    const body = [members.length > 0 ? `members ${list(members)}` : "", approvers.length > 0 ? `approvers ${list(approvers)}` : ""];
    lines.push(`team ${t} { ${body.filter((b) => b !== "").join("  ")} }`);
  });
  principals.forEach((p, i) => {
    const [tools, ts] = principalDecls[i]!;
    const extra = `${tools !== undefined ? `  tools ${tools}` : ""}${ts.length > 0 ? `  teams ${ts.join(", ")}` : ""}`;
    lines.push(`${p.kind} ${JSON.stringify(p.id)} { token env("T${i}")${extra} }`);
  });
  return lines;
}

/** The agent's last lines: the rules whose compiled functions the test calls by id. */
function fixedRules(idem: string, keys: readonly string[], rc: readonly [string, string, boolean, boolean]): string[] {
  const guarded = (head: string, c: string, negate: boolean) => `  ${head} ${negate ? "unless" : "when"} ${c}`;
  return [
    `  @id("i1") idempotent ${idem} key ${keys.join(", ")} window 10m`,
    guarded('@id("b1") block response', rc[0], rc[2]),
    guarded('@id("r1") redact obj.k with mask', rc[1], rc[3]),
    '  @id("b2") block response when detect(response, email, card, pan, aaa, jwt, private_key)',
    "}",
  ];
}

/** A whole policy with one agent `a`. Each policy draws its exact names from a few of `NAMES` (and, when large, `BULK_NAMES`). */
export const policyArb: fc.Arbitrary<GeneratedPolicy> = fc
  .record({
    names: fc.subarray([...NAMES], { minLength: 3, maxLength: 7 }),
    principals: fc.subarray([...PRINCIPALS], { minLength: 1 }),
    teams: fc.subarray([...TEAMS], { minLength: 1 }),
    large: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
  })
  .chain(({ names: few, principals, teams, large }) => {
    const names = large ? [...few, ...BULK_NAMES] : few;
    const globs = large ? [...GLOBS, ...BULK_GLOBS] : [...GLOBS];
    const exp = large ? { minLength: 30, maxLength: 45 } : { minLength: 1, maxLength: 7 };
    const approvers = fc.oneof({ weight: 4, arbitrary: fc.subarray([...APPROVERS], { minLength: 1 }) }, { weight: 1, arbitrary: fc.constant([]) });
    return fc
      .record({
        exposures: fc.uniqueArray(exposureArb(names, globs), { ...exp, selector: (e) => e.name ?? e.text, comparator: "SameValue" }),
        teamDecls: fc.tuple(...teams.map(() => fc.tuple(fc.subarray(principals.map((p) => p.id)), approvers))),
        posture: fc.constantFrom("read_only", "read_write"),
      })
      .chain(({ exposures, teamDecls, posture }) => {
        const v: Vocab = { names, globs, hot: [...new Set(exposures.flatMap((e) => e.declares))] };
        const approving = teams.filter((_, i) => teamDecls[i]![1].length > 0);
        return fc
          .record({
            principalDecls: fc.tuple(...principals.map(() => fc.tuple(sometimes(refsText(v), 0.3), fc.subarray(teams)))),
            rules: rulesArb(v, large ? LARGE_COUNTS : SMALL_COUNTS, principals, teams, approving).chain((rs) => fc.tuple(...rs.map((r) => annotations.map((a) => [a, r] as const)))),
            keys: fc.array(keyExpr, { minLength: 1, maxLength: 3 }),
            idem: targetsArb(v),
            rc: fc.tuple(respCond, respCond, fc.boolean(), fc.boolean()),
          })
          .map(({ principalDecls, rules, keys, idem, rc }): GeneratedPolicy => {
            const lines = header(teams, teamDecls, principals, principalDecls);
            lines.push('agent "a" {', '  upstream "https://up"', `  posture ${posture}`);
            for (const e of exposures) lines.push(`  ${e.text}`);
            rules.forEach(([[id, reason], rule], i) => {
              const ann = `${id ? `@id("p${i}") ` : ""}${reason !== undefined ? `@reason(${JSON.stringify(reason)}) ` : ""}`;
              lines.push(`  ${ann}${rule}`);
            });
            lines.push(...fixedRules(idem, keys, rc));
            const text = `${lines.join("\n")}\n`;
            return { text, exposed: v.hot, mentioned: vocabularyOf(text) };
          });
      });
  });

/**
 * The names and globs of the pools that a policy text mentions, and every quoted name in it (renames,
 * case variants), plus the strays and `*`, so that every policy gets calls to names it never mentions.
 */
export function vocabularyOf(text: string): string[] {
  const out = new Set<string>([...STRAYS, "*"]);
  for (const w of [...NAMES, ...BULK_NAMES, ...GLOBS, ...BULK_GLOBS]) if (text.includes(w)) out.add(w);
  const refs = text.replace(/@\w+\("[^"]*"\)|env\("[^"]*"\)/g, "");
  for (const m of refs.matchAll(/"([A-Za-z0-9_.\-/*]+)"/g)) out.add(m[1]!);
  return [...out];
}
