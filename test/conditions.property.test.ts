/**
 * Property test of conditions (LANGUAGE.md §5, §7.1): random policies whose forbid, grant,
 * confirm and approve rules carry random conditions written in the grammar (and whose block,
 * redact and idempotency rules carry random response conditions and key expressions) are compiled
 * through every stage; then random calls and responses (arguments with missing fields, wrong
 * types, `__proto__` keys, huge numbers, look-alike strings; random `_meta` and `now`; tool names
 * with case flips and Unicode look-alikes; structured, text and junk results) must get identical
 * answers from the reference interpreter and the compiled bundle: decisions (pending ones with
 * their confirm/approval needs), idempotency key values and block/redact condition results. At least 100,000 calls per run; a disagreement prints the policy.
 * Detectors (`matches <detector>`, `detect(…)`, built-in and declared with a validator) and regexes
 * that are not provably backtracking-safe run on the runtime's matchers the bundle is bound to; the
 * arguments then carry emails, cards with valid and invalid Luhn digits, JWT-ish and PEM-ish text.
 */
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { DecideContext, Principal } from "../runtime/hooks.js";
import { decideRef } from "../compiler/interp/decide.js";
import { blockWhenRef, idempotencyKeyRef, redactWhenRef } from "../compiler/interp/obligations.js";
import { compile } from "../compiler/pipeline.js";
import { memoryHost } from "./check/harness.js";
import { agentOf, importPolicy, principalFor, type LoadedPolicy } from "./emit/harness.js";
import type { BundleIR } from "../compiler/ir/ir.js";

const POLICIES = 12;
const CALLS_PER_POLICY = 8500; // 12 × 8500 = 102,000 calls

// ─── Expressions from the grammar ────────────────────────────────────────────────────────────

const str = fc.constantFrom('"urgent"', '"low"', '"a"', '""', '"\u0430"', '"K"', '"\u212a"', '"ß"', '"ops"', '"v"', '"t_read"', '"\ud83d\ude00"', '"é"', '"e\u0301"');
const num = fc.constantFrom("0", "1", "2", "3", "500", "501", "-2", "2.5", "9007199254740991", "9007199254740992", "1e300", "0.1");
const typed = fc.constantFrom("5m", "1h", "15m", "4MiB", "1KiB", "20 USD", "3 EUR");
const argPath = fc.constantFrom("args.priority", "args.impact", "args.n", "args.s", "args.tags[0]", "args.tags[1]", "args.obj.k", 'args["__proto__"]', "args.__proto__.k", "args.nil", "meta.trace");
const path = fc.oneof(
  { weight: 3, arbitrary: argPath },
  { weight: 1, arbitrary: fc.constantFrom("args.tags", "args.obj", "caller.id", "caller.kind", "caller.teams", "tool.name", "tool.upstream", "tool.class", "agent.name", "args") },
);

/** Built-in detectors, and the policy's declared `pan` (Luhn-validated) and `aaa` (a non-safe regex). */
const detectorName = fc.constantFrom("email", "card", "jwt", "private_key", "iban", "phone", "ipv4", "aws_key", "pan", "aaa");

const { value, cond } = fc.letrec<{ value: string; cond: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: path },
    { weight: 2, arbitrary: str },
    { weight: 2, arbitrary: num },
    { weight: 1, arbitrary: typed },
    { weight: 1, arbitrary: fc.constantFrom("null", "true", "false") },
    { weight: 1, arbitrary: fc.tuple(tie("value"), fc.constantFrom("+", "-", "*"), fc.oneof(num, argPath)).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 1, arbitrary: tie("value").map((a) => `-(${a})`) },
    { weight: 1, arbitrary: fc.tuple(argPath, fc.oneof(num, str)).map(([a, d]) => `(${a} ?? ${d})`) },
    { weight: 1, arbitrary: fc.tuple(tie("value"), fc.constantFrom("lower", "upper", "trim", "nfkc", "size")).map(([a, f]) => `(${a}).${f}()`) },
    { weight: 1, arbitrary: tie("value").map((a) => `size(${a})`) },
    { weight: 1, arbitrary: fc.array(fc.oneof(str, num), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`) },
  ),
  cond: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: fc.tuple(argPath, fc.constantFrom("==", "!=", "<", "<=", ">", ">="), fc.oneof(num, str)).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 2, arbitrary: fc.tuple(tie("value"), fc.constantFrom("==", "!=", "<", "<=", ">", ">="), tie("value")).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 2, arbitrary: fc.tuple(tie("value"), fc.array(fc.oneof(str, num), { maxLength: 4 })).map(([a, xs]) => `(${a} in [${xs.join(", ")}])`) },
    { weight: 1, arbitrary: fc.tuple(str, fc.constantFrom("args.tags", "caller.teams", "args.s")).map(([a, xs]) => `(${a} in ${xs})`) },
    { weight: 1, arbitrary: fc.tuple(argPath, fc.constantFrom("1..5", "0..500", "-3..3")).map(([a, r]) => `(${a} in ${r})`) },
    { weight: 1, arbitrary: fc.tuple(argPath, fc.constantFrom("/^[a-z]+$/", "/urg/i", "/\\d{3}/", "/(a+)+$/", "/^.$/s", "/^.$/")).map(([a, re]) => `(${a} matches ${re})`) },
    { weight: 1, arbitrary: fc.tuple(argPath, fc.constantFrom("startsWith", "endsWith", "contains"), fc.oneof(str, argPath)).map(([a, f, b]) => `(${a}).${f}(${b})`) },
    { weight: 1, arbitrary: fc.tuple(argPath, detectorName).map(([a, d]) => `(${a} matches ${d})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.oneof(argPath, fc.constantFrom("args", "args.tags", "args.obj", "meta", "caller.teams")), fc.uniqueArray(detectorName, { minLength: 1, maxLength: 3 }))
        .map(([v, ds]) => `detect(${v}, ${ds.join(", ")})`),
    },
    { weight: 2, arbitrary: path.map((p) => `has(${p})`) },
    { weight: 4, arbitrary: fc.tuple(tie("cond"), fc.constantFrom("&&", "||"), tie("cond")).map(([a, op, b]) => `(${a} ${op} ${b})`) },
    { weight: 2, arbitrary: tie("cond").map((a) => `!(${a})`) },
    { weight: 1, arbitrary: fc.tuple(tie("cond"), fc.constantFrom("true", "false")).map(([a, d]) => `((${a}) ?? ${d})`) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("args.tags", "args.n", "caller.teams", "args.obj"), fc.constantFrom("exists", "all"), fc.constantFrom('x == "ops"', "x > 1", 'x.startsWith("a")', "size(x) > 0", "x == args.s"))
        .map(([xs, q, body]) => `${xs}.${q}(x, ${body})`),
    },
    { weight: 1, arbitrary: fc.constantFrom("args.tags.exists(x, caller.teams.exists(y, x == y))", 'args.tags.all(x, ["a", "ops"].exists(y, y == x))', 'args.obj.k.exists(x, args.tags.exists(x, x == "ops"))') },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("hour", "weekday"), fc.constantFrom('"UTC"', '"Europe/Madrid"', '"Asia/Kolkata"'), fc.constantFrom("<", ">=", "=="), fc.constantFrom("3", "12", "7"))
        .map(([f, tz, op, n]) => `(now.${f}(${tz}) ${op} ${n})`),
    },
    { weight: 1, arbitrary: fc.constantFrom("true", "false", "(args.impact > 500)", '(args.priority == "urgent")', '(args.priority == "urgent" || args.impact > 500)') },
  ),
}));

const maybe = (c: fc.Arbitrary<string>) => fc.option(c, { nil: undefined, freq: 3 });
/** A condition of a `block`/`redact` rule: the same shapes, reading the response roots too. */
const respCond = fc.tuple(cond, fc.constantFrom("result.", "response.structuredContent.", "response.", "args.")).map(([c, root]) => c.replace(/args\./g, root));
/** An idempotency key expression: a `??` default keeps TAL0513 quiet, and the default itself may be unknown. */
const keyExpr = fc.tuple(argPath, fc.oneof(str, num, argPath)).map(([a, d]) => `${a} ?? ${d}`);
const when = (c: string | undefined, negate: boolean) => (c === undefined ? "" : ` ${negate ? "unless" : "when"} ${c}`);

/** A policy: fixed vocabulary, random conditions on every rule kind. */
const policyArb = fc
  .record({
    c: fc.array(maybe(cond), { minLength: 8, maxLength: 8 }),
    neg: fc.array(fc.boolean(), { minLength: 10, maxLength: 10 }),
    posture: fc.constantFrom("read_only", "read_write"),
    rc: fc.array(respCond, { minLength: 2, maxLength: 2 }),
    keys: fc.array(keyExpr, { minLength: 1, maxLength: 3 }),
    via: fc.array(fc.constantFrom("", " via elicitation", " via token", " via elicitation_or_token"), { minLength: 2, maxLength: 2 }),
    opts: fc.array(fc.constantFrom("", " { quorum 2 }", " { timeout 5m defer }", " { defer }", " { timeout 1h quorum 3 hold }"), { minLength: 2, maxLength: 2 }),
  })
  .map(
    ({ c, neg, posture, rc, keys, via, opts }) => `talon 1
detector pan { pattern /\\b(?:\\d[ -]?){13,19}\\b/ validate luhn }
detector aaa { pattern /(a+)+$/ }
team ops { members "c" approvers "o@x" }
team sec { approvers "s@x", "o@x" }
vendor "v" { token env("V") }
caller "c" { token env("C") teams ops }
caller "w" { token env("W") tools "t_*" }
agent "a" {
  upstream "https://up"
  posture ${posture}
  tool t_read { class read }
  tool t_write -> "upstream_write" { class write }
  tool t_nuke { class destructive }
  tool "g_*" { class write }
  tool "r_*" { class read }
  @id("f1") forbid tool t_write, "G_X*"${when(c[0], neg[0]!)}
  @id("f2") forbid class destructive${when(c[1], neg[1]!)}
  @id("g1") grant vendor "v" read, write on "t_*", "g_*"${when(c[2], neg[2]!)}
  @id("g2") grant team ops all on "*"${when(c[3], neg[3]!)}
  @id("g3") grant anyone read on "r_*", t_read${when(c[4], neg[4]!)}
  @id("g4") grant caller "w" write on "t_*"
  @id("c1") confirm tool "g_*", t_nuke${when(c[5], neg[5]!)}${via[0]}
  @id("c2") confirm tool "G_X*", upstream_write unless args.s == "a"${via[1]}
  @id("a1") approve class write${when(c[6], neg[6]!)} by team ops${opts[0]}
  @id("a2") approve tool "r_x*"${when(c[7], neg[7]!)} by team sec${opts[1]}
  @id("i1") idempotent class write key ${keys.join(", ")} window 10m
  @id("b1") block response${when(rc[0], neg[8]!) || " when true"}
  @id("r1") redact obj.k with mask${when(rc[1], neg[9]!)}
  @id("b2") block response when detect(response, email, card, pan, aaa, jwt, private_key)
}
`,
  );

// ─── Calls ────────────────────────────────────────────────────────────────────────────────────

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
  { weight: 6, arbitrary: fc.constantFrom(null, true, false, 0, -0, 1, 3, 5, 500, 501, 2 ** 53, 2 ** 53 - 1, -(2 ** 60), 1e308, 0.1, 2.5, "urgent", "low", "ops", "a", "", "\u0430", "K", "\u212a", "\ud83d\ude00", "\ud83d", "é", "e\u0301", "UrGeNt", "abc", "123", "t_read", " a ", "a\u00a0", "\tlow\n", 9007199254740990, -9007199254740990) },
  { weight: 1, arbitrary: fc.integer({ min: -10, max: 600 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 4 }) },
);
const jsonValue = fc.oneof(
  { weight: 6, arbitrary: leaf },
  { weight: 2, arbitrary: fc.array(leaf, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom("k", "x", "__proto__", "constructor"), leaf, { maxKeys: 3 }) },
);
const ARG_KEYS = ["priority", "impact", "n", "s", "tags", "obj", "nil", "__proto__", "toString", "extra"];

/** Arguments as the runtime sees them: parsed JSON, so `__proto__` is an own key. */
const argsArb = fc.oneof(
  { weight: 8, arbitrary: fc.array(fc.tuple(fc.constantFrom(...ARG_KEYS), jsonValue), { maxLength: 6 }).map((es) => JSON.parse(`{${es.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`) as unknown) },
  { weight: 1, arbitrary: fc.constantFrom(undefined, null, [], "str", 3) },
);
const ctxArb: fc.Arbitrary<DecideContext | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.record({ meta: fc.option(fc.dictionary(fc.constantFrom("trace", "__proto__"), leaf, { maxKeys: 2 }), { nil: undefined }), now: fc.option(fc.oneof(fc.integer({ min: 0, max: 4102444800000 }), fc.constantFrom(Number.NaN, 1e20, -1)), { nil: undefined }) }, { requiredKeys: [] }),
);
/** A CallToolResult as an upstream might send it (or junk). */
const responseArb = fc.oneof(
  fc.constantFrom(undefined, null, "text", { isError: true, content: [] }, { content: [{ type: "text", text: "not json" }] }),
  argsArb.map((a) => ({ content: [], structuredContent: a })),
  argsArb.map((a) => ({ content: [{ type: "image", data: "" }, { type: "text", text: JSON.stringify(a) ?? "" }] })),
  argsArb.map((a) => ({ content: [{ type: "text", text: ` ${JSON.stringify(a) ?? ""}` }], isError: false })),
);
const TOOLS = ["t_read", "t_write", "t_nuke", "upstream_write", "g_x", "G_Xy", "g_Xz", "r_x1", "r_a", "R_X1", "T_WRITE", "t_wr\u0131te", "\u212a", "g_", "nope", "t_read ", ""];
const toolArb = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(...TOOLS) },
  { weight: 2, arbitrary: fc.tuple(fc.constantFrom("g_", "r_", "r_x", "t_", "G_X", "g_X"), fc.constantFrom("", "1", "x", "Xy", "a.b", "\u0430")).map(([a, b]) => a + b) },
);

// ─── The test ─────────────────────────────────────────────────────────────────────────────────

/** Compile a policy; undefined when it has errors (a generated expression the checks reject). */
function build(text: string): { ir: BundleIR; mjs: string } | undefined {
  const files = { "p.talon": text };
  const r = compile([{ path: "p.talon", text }], { until: "emit", host: memoryHost(files), regenerate: { dir: "p", out: "o" } });
  if (r.diagnostics.sorted().some((d) => d.severity === "error")) return undefined;
  return { ir: r.ir!, mjs: r.policy!.policyMjs };
}

const plain = (d: unknown) => JSON.parse(JSON.stringify(d)) as unknown;

describe("conditions: interpreter and compiled bundle agree", () => {
  test(`on ${POLICIES} random policies × ${CALLS_PER_POLICY} random calls`, { timeout: 120_000 }, async () => {
    const texts = fc.sample(policyArb, { numRuns: POLICIES * 3, seed: 0x7a1c0 });
    const built: { text: string; ir: BundleIR; policy: LoadedPolicy }[] = [];
    for (const text of texts) {
      if (built.length === POLICIES) break;
      const b = build(text);
      if (b) built.push({ text, ir: b.ir, policy: await importPolicy(b.mjs) });
    }
    expect(built.length).toBe(POLICIES);
    let calls = 0;
    const reasons = new Map<string, number>();
    const outcomes = new Set<string>();
    for (const [i, { text, ir, policy }] of built.entries()) {
      const agent = agentOf(policy, "a");
      const who = (k: number): Principal => (k === 3 ? { id: "anonymous", kind: "anonymous", index: -1, teams: [] } : principalFor(policy, ["v", "c", "w"][k]!));
      fc.assert(
        fc.property(toolArb, fc.integer({ min: 0, max: 3 }), argsArb, ctxArb, responseArb, (tool, k, args, ctx, response) => {
          calls++;
          const p = who(k);
          const ref = decideRef(ir, "a", tool, p, args, ctx);
          const got = agent.decide(tool, p, args, ctx);
          reasons.set(ref.reason, (reasons.get(ref.reason) ?? 0) + 1);
          if (JSON.stringify(got) !== JSON.stringify(ref)) expect(plain(got), `policy:\n${text}`).toEqual(plain(ref));
          // §7.3: `listed` never depends on the arguments.
          expect(got.listed).toBe(agent.decide(tool, p, undefined).listed);
          // The specs' compiled functions: idempotency key, block and redact conditions.
          const cls = got.toolClass;
          const env = { principal: p, args, meta: ctx?.meta, now: ctx?.now, tool, upstream: got.upstream ?? tool, cls, response };
          const call = [p, args, ctx?.meta, ctx?.now, tool, env.upstream, cls] as const;
          const keyRef = idempotencyKeyRef(ir, "a", "i1", env);
          const keyGot = agent.idempotency[0]!.key!(...call);
          if (JSON.stringify(keyGot) !== JSON.stringify(keyRef)) expect(plain(keyGot), `key, policy:\n${text}`).toEqual(plain(keyRef));
          expect(agent.blocks[0]!.when(...call, response), `block, policy:\n${text}`).toBe(blockWhenRef(ir, "a", "b1", env));
          const redact = agent.redactions[0]!.when;
          expect(redact === null ? null : redact(...call, response), `redact, policy:\n${text}`).toBe(redactWhenRef(ir, "a", "r1", env));
          outcomes.add(`block:${blockWhenRef(ir, "a", "b1", env)}`);
          const detected = blockWhenRef(ir, "a", "b2", env);
          expect(agent.blocks[1]!.when(...call, response), `detect, policy:\n${text}`).toBe(detected);
          outcomes.add(`detect:${detected}`);
          outcomes.add(`key:${keyRef === null ? "unknown" : "known"}`);
        }),
        { numRuns: CALLS_PER_POLICY, seed: 0x5eed + i },
      );
    }
    expect(calls).toBeGreaterThanOrEqual(100_000);
    // The generated calls must exercise both sides of conditions.
    for (const r of ["allow", "forbid", "default:no_grant", "approval_required", "confirm_required"]) expect(reasons.get(r) ?? 0, r).toBeGreaterThan(100);
    expect([...outcomes].sort()).toEqual(["block:0", "block:1", "block:2", "detect:0", "detect:1", "detect:2", "key:known", "key:unknown"]);
  });
});
