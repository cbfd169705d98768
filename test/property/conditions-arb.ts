/**
 * Random conditions written in the grammar (LANGUAGE.md §5), for the property test of
 * `test/conditions.property.test.ts`: paths into the arguments the call generator fills
 * (`calls-arb.ts`), typed literals, arithmetic, `??`, string functions, `in` (lists, ranges,
 * arrays), regexes (backtracking-safe and not), detectors (built-in and the policy's declared
 * `pan`/`aaa`), `detect(…)`, quantifiers (nested too), `now.hour/weekday(tz)`, `has()`,
 * `args_hash()`, names of the caller and the tool, and strong Kleene logic. Some generated
 * conditions fail `check` (a comparison of a number with a string, nested quantifiers over the
 * request beyond the cost budget); the test drops the rules that carry them.
 */
import fc from "fast-check";

const str = fc.constantFrom('"urgent"', '"low"', '"a"', '""', '"\u0430"', '"K"', '"\u212a"', '"ß"', '"ops"', '"v"', '"t_read"', '"\ud83d\ude00"', '"é"', '"e\u0301"');
const num = fc.constantFrom("0", "1", "2", "3", "500", "501", "-2", "2.5", "9007199254740991", "9007199254740992", "1000000", "0.1");
const typed = fc.constantFrom("5m", "1h", "15m", "4MiB", "1KiB", "20 USD", "3 EUR");
const argPath = fc.constantFrom("args.priority", "args.impact", "args.n", "args.s", "args.tags[0]", "args.tags[1]", "args.obj.k", 'args["__proto__"]', "args.__proto__.k", "args.nil", "meta.trace");
const path = fc.oneof(
  { weight: 3, arbitrary: argPath },
  { weight: 1, arbitrary: fc.constantFrom("args.tags", "args.obj", "caller.id", "caller.kind", "caller.teams", "tool.name", "tool.upstream", "tool.class", "agent.name", "args") },
);

/** Built-in detectors, and the policy's declared `pan` (Luhn-validated) and `aaa` (a non-safe regex). */
const detectorName = fc.constantFrom("email", "card", "jwt", "private_key", "iban", "phone", "ipv4", "aws_key", "pan", "aaa");

/** The detectors every generated policy declares (conditions name them). */
export const DETECTOR_DECLS = `detector pan { pattern /\\b(?:\\d[ -]?){13,19}\\b/ validate luhn }
detector aaa { pattern /(a+)+$/ }
`;

const { value, cond } = fc.letrec<{ value: string; cond: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    { weight: 6, arbitrary: path },
    { weight: 2, arbitrary: str },
    { weight: 2, arbitrary: num },
    { weight: 1, arbitrary: typed },
    { weight: 1, arbitrary: fc.constantFrom("null", "true", "false") },
    { weight: 1, arbitrary: fc.constant("args_hash()") },
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
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.constantFrom("tool.name", "tool.upstream", "tool.class", "caller.id", "caller.kind", "agent.name"),
          fc.constantFrom("==", "!=", "<"),
          fc.constantFrom('"t_read"', '"up_t_read"', '"U_t_read"', '"write"', '"destructive"', '"v"', '"c"', '"vendor"', '"anonymous"', '"a"'),
        )
        .map(([a, op, b]) => `(${a} ${op} ${b})`),
    },
    { weight: 1, arbitrary: fc.constantFrom('tool.upstream.startsWith("up_")', 'tool.name.endsWith("_x")', '"ops" in caller.teams', "tool.name == tool.upstream", "size(caller.teams) > 0") },
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
    { weight: 1, arbitrary: fc.constantFrom('args_hash().startsWith("a")', "(args_hash() == args.s)", "(size(args_hash()) == 64)", '(args_hash() < "8")') },
  ),
}));

export { cond, value };

/** A condition of a `block`/`redact` rule: the same shapes, reading the response roots too. */
export const respCond = fc.tuple(cond, fc.constantFrom("result.", "response.structuredContent.", "response.", "args.")).map(([c, root]) => c.replace(/args\./g, root));

/** An idempotency key expression: a `??` default keeps TAL0513 quiet, and the default itself may be unknown. */
export const keyExpr = fc.oneof({ weight: 4, arbitrary: fc.tuple(argPath, fc.oneof(str, num, argPath)).map(([a, d]) => `${a} ?? ${d}`) }, { weight: 1, arbitrary: fc.constant("args_hash()") });

/** ` when c` / ` unless c`, or nothing. */
export const guard = fc.option(fc.tuple(fc.boolean(), cond).map(([neg, c]) => ` ${neg ? "unless" : "when"} ${c}`), { nil: "", freq: 3 });
