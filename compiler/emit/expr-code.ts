/**
 * Conditions (`ExprIR`) → TypeScript. Each distinct condition becomes one module function
 * `cond<n>(<env>): number` returning 0 (false), 1 (true) or 2 (unknown); a quantifier body becomes
 * a function `quant<n>` holding its loop, with the bound variables as parameters (no closures).
 * Expressions are straight-line calls of the value helpers (`expr-helpers.ts`), with `&&`, `||`
 * and `??` short-circuiting through temporaries (typed `unknown`: `as unknown` keeps TypeScript from
 * narrowing them to a literal's type). Constant lists, typed literals, regexes and
 * time-zone formatters are hoisted to module constants, so the common paths allocate nothing.
 * Detectors and regexes that are not provably backtracking-safe become `Lent` constants: matchers
 * the runtime lends the module through `bind` (RE2, validators), U while unbound; so does
 * `args_hash()` (the runtime's hash of the arguments, the one idempotency keys use).
 * Every literal goes through `code.ts`. The reference evaluator is `compiler/interp/eval.ts`.
 */
import { isBacktrackingSafe } from "../../runtime/helpers/regex.js";
import type { DetectorIR, ExprIR } from "../ir/ir.js";
import { Code, Name, comment, frozenArray, frozenObject, join, ts } from "./code.js";
import type { ModuleBuilder } from "./module.js";

/** Parameters every condition function takes (what §5's roots read). */
/** The per-request part of `ENV_PARAMS` (what decide functions pass down). */
export const REQUEST_PARAMS: readonly (readonly [Name, Code])[] = [
  [Name.of("$caller"), Code.trusted("Principal")],
  [Name.of("$args"), Code.trusted("unknown")],
  [Name.of("$meta"), Code.trusted("unknown")],
  [Name.of("$now"), Code.trusted("number | undefined")],
];

export const ENV_PARAMS: readonly (readonly [Name, Code])[] = [
  ...REQUEST_PARAMS,
  [Name.of("$tool"), Code.trusted("string")],
  [Name.of("$up"), Code.trusted("string")],
  [Name.of("$cls"), Code.trusted("ToolClass | null")],
];

/** A call of a condition function with the environment named as in `ENV_PARAMS`, given tool/upstream/class code. */
export function envArgs(tool: Code, up: Code, cls: Code): Code {
  return ts`$caller, $args, $meta, $now, ${tool}, ${up}, ${cls}`;
}

const ENV_FORWARD = Code.trusted("$caller, $args, $meta, $now, $tool, $up, $cls");

/**
 * How a function reads the response roots: "none" (decide conditions and idempotency keys: both
 * U), "response" (a `ConditionFn`: `response` is its last parameter), or "result" (also reads
 * `result`, derived once per call as `$res` and passed on to quantifier functions).
 */
type RespMode = "none" | "response" | "result";

const RESP_PARAM: readonly [Name, Code] = [Name.of("$resp"), Code.trusted("unknown")];
const RES_PARAM: readonly [Name, Code] = [Name.of("$res"), Code.trusted("unknown")];

/** Does `e` read the `result` root anywhere? */
function readsResult(e: ExprIR): boolean {
  return JSON.stringify(e).includes('"root":"result"');
}

/** Compiles conditions of one module. */
export class CondEmitter {
  private readonly conds = new Map<string, Name>();

  constructor(
    private readonly mb: ModuleBuilder,
    private readonly agentName: string,
    /** The bundle's declared detectors (`BundleIR.detectors`); other detector names are built-ins. */
    private readonly detectors: readonly DetectorIR[] = [],
  ) {}

  /** Whether any condition was emitted (the helpers are then needed). */
  get used(): boolean {
    return this.conds.size > 0;
  }

  /** The function computing `e` as 0/1/2 (one per distinct condition). */
  cond(e: ExprIR, at: string): Name {
    const key = JSON.stringify(e);
    const found = this.conds.get(key);
    if (found) return found;
    const name = this.mb.fresh("cond");
    this.conds.set(key, name);
    const body = new Body(this, [], "none");
    const value = body.expr(e);
    this.mb.fn({
      name,
      params: ENV_PARAMS,
      returnType: Code.trusted("number"),
      body: [...body.decls(), ts`return tri(${value});`],
      leading: comment(`condition at ${at}: 0 = false, 1 = true, 2 = unknown`),
    });
    return name;
  }

  /**
   * A `ConditionFn` (runtime/hooks.ts) for `e`: the condition of a `block`/`redact` rule, which may
   * read `response` (its last parameter) and `result` (derived from it).
   */
  conditionFn(e: ExprIR, at: string): Name {
    const key = `response\u0000${JSON.stringify(e)}`;
    const found = this.conds.get(key);
    if (found) return found;
    const name = this.mb.fresh("when");
    this.conds.set(key, name);
    const mode: RespMode = readsResult(e) ? "result" : "response";
    const body = new Body(this, [], mode);
    const value = body.expr(e);
    this.mb.fn({
      name,
      params: [...ENV_PARAMS, RESP_PARAM],
      returnType: Code.trusted("0 | 1 | 2"),
      body: [...(mode === "result" ? [ts`const $res = resultOf($resp);`] : []), ...body.decls(), ts`return tri(${value}) as 0 | 1 | 2;`],
      leading: comment(`condition at ${at} (ConditionFn): 0 = false, 1 = true, 2 = unknown`),
    });
    return name;
  }

  /**
   * `IdempotencySpec.key` for `key e, …`: the values in order, or null when one is unknown (or a
   * typed literal, which is not JSON data).
   */
  keyFn(exprs: readonly ExprIR[], at: string): Name {
    const name = this.mb.fresh("key");
    const body = new Body(this, [], "none");
    const stmts: Code[] = [];
    const ks = exprs.map((e, i) => {
      const k = Name.of(`k${i}`);
      stmts.push(ts`const ${k}: unknown = ${body.expr(e)};`, ts`if (${k} === $U || ${k} instanceof TypedValue) return null;`);
      return k;
    });
    this.mb.fn({
      name,
      params: ENV_PARAMS,
      returnType: Code.trusted("readonly unknown[] | null"),
      body: [...body.decls(), ...stmts, ts`return Object.freeze([${join(ks.map((k) => ts`${k}`), ", ")}]);`],
      leading: comment(`idempotency key at ${at}: the key values, or null when one is unknown`),
    });
    return name;
  }

  /** @internal a quantifier function over `xs` binding a new variable after `outer`. */
  quantifier(fn: "exists" | "all", binder: string, bodyExpr: ExprIR, outer: readonly string[], mode: RespMode): Name {
    const name = this.mb.fresh("quant");
    const vars = [...outer, binder];
    const v = varName(vars.length - 1);
    const body = new Body(this, vars, mode);
    const test = body.expr(bodyExpr);
    const hit = fn === "exists" ? 1 : 0;
    const params: (readonly [Name, Code])[] = [
      [Name.of("xs"), Code.trusted("unknown")],
      ...ENV_PARAMS,
      ...respParams(mode),
      ...outer.map((_, i) => [varName(i), Code.trusted("unknown")] as const),
    ];
    this.mb.fn({
      name,
      params,
      returnType: Code.trusted("unknown"),
      body: [
        ts`if (!Array.isArray(xs) || xs.length > 10000) return $U;`,
        ts`let anyUnknown = false;`,
        join(
          [
            ts`for (let i = 0; i < xs.length; i++) {`,
            ts`  const ${v} = val(xs[i]);`,
            ...body.decls().map((d) => ts`  ${d}`),
            ts`  const c = tri(${test});`,
            ts`  if (c === ${hit}) return ${fn === "exists"};`,
            ts`  if (c === 2) anyUnknown = true;`,
            ts`}`,
          ],
          "\n",
        ),
        ts`return anyUnknown ? $U : ${fn === "all"};`,
      ],
      leading: comment(`${fn} over an array (non-array or more than max_elements = unknown)`),
    });
    return name;
  }

  /** @internal */
  hoist(prefix: string, type: string, init: Code): Name {
    return this.mb.hoist(prefix, Code.trusted(type), init);
  }

  /** @internal the `Lent` constant of detector `name`: declared in the bundle, else built-in. */
  detector(name: string): Name {
    const d = this.detectors.find((x) => x.name === name);
    if (!d) return this.hoist("DETECTOR", "Lent", ts`builtinDetector(${name})`);
    const patterns = d.patterns.map((p) => frozenObject([[Name.of("source"), p.source], [Name.of("flags"), p.flags]]));
    return this.hoist("DETECTOR", "Lent", ts`declaredDetector(Object.freeze([${join(patterns, ", ")}]), ${frozenArray(d.validators)})`);
  }

  /** @internal */
  get agent(): string {
    return this.agentName;
  }
}

const varName = (i: number) => Name.of(`v${i}`);

function respParams(mode: RespMode): (readonly [Name, Code])[] {
  return mode === "none" ? [] : mode === "response" ? [RESP_PARAM] : [RESP_PARAM, RES_PARAM];
}

/** The code of one function body: temporaries plus expression text. */
class Body {
  private temps = 0;

  constructor(
    private readonly ce: CondEmitter,
    private readonly vars: readonly string[],
    private readonly mode: RespMode,
  ) {}

  decls(): Code[] {
    if (this.temps === 0) return [];
    return [ts`let ${join(Array.from({ length: this.temps }, (_, i) => ts`${Name.of(`t${i}`)}`), ", ")}: unknown;`];
  }

  private temp(): Name {
    return Name.of(`t${this.temps++}`);
  }

  expr(e: ExprIR): Code {
    switch (e.op) {
      case "lit":
        return ts`${e.value}`;
      case "duration":
        return this.ce.hoist("TYPED", "TypedValue", ts`new TypedValue("duration", ${e.ms}, "")`);
      case "size":
        return this.ce.hoist("TYPED", "TypedValue", ts`new TypedValue("size", ${e.bytes}, "")`);
      case "money":
        return this.ce.hoist("TYPED", "TypedValue", ts`new TypedValue("money", ${e.micros}, ${e.currency})`);
      case "regex":
      case "detector":
        return ts`$U`;
      case "path":
        return this.path(e);
      case "list": {
        if (e.items.every((i) => i.op === "lit")) {
          return this.ce.hoist("LIST", "readonly unknown[]", ts`Object.freeze([${join(e.items.map((i) => this.expr(i)), ", ")}])`);
        }
        return ts`list([${join(e.items.map((i) => this.expr(i)), ", ")}])`;
      }
      case "object":
        return ts`obj([${join(e.entries.map(([k, v]) => ts`[${k}, ${this.expr(v)}]`), ", ")}])`;
      case "not":
        return ts`not(${this.expr(e.operand)})`;
      case "neg":
        return ts`neg(${this.expr(e.operand)})`;
      case "in_range":
        return ts`inRange(${this.expr(e.value)}, ${this.expr(e.low)}, ${this.expr(e.high)})`;
      case "binary":
        return this.binary(e.kind, e.left, e.right);
      case "call":
        return this.call(e);
    }
  }

  private path(e: Extract<ExprIR, { op: "path" }>): Code {
    let v: Code;
    let i = 0;
    const first = e.steps[0];
    if (e.root.startsWith("$")) {
      const at = this.vars.lastIndexOf(e.root); // the innermost binder of that name
      v = at < 0 ? ts`$U` : ts`${varName(at)}`;
    } else if (e.root === "args") v = ts`val($args)`;
    else if (e.root === "meta") v = ts`val($meta)`;
    else if (e.root === "caller" && (first === "id" || first === "kind" || first === "teams")) {
      v = first === "id" ? ts`$caller.id` : first === "kind" ? ts`$caller.kind` : ts`$caller.teams`;
      i = 1;
    } else if (e.root === "tool" && (first === "name" || first === "upstream" || first === "class")) {
      v = first === "name" ? ts`$tool` : first === "upstream" ? ts`$up` : ts`($cls ?? $U)`;
      i = 1;
    } else if (e.root === "agent" && first === "name") {
      v = ts`${this.ce.agent}`;
      i = 1;
    } else if (e.root === "response" && this.mode !== "none") v = ts`val($resp)`;
    else if (e.root === "result" && this.mode === "result") v = ts`$res`;
    else return ts`$U`;
    for (; i < e.steps.length; i++) {
      const s = e.steps[i]!;
      v = typeof s === "string" ? ts`get(${v}, ${s})` : typeof s === "number" ? ts`idx(${v}, ${s})` : ts`step(${v}, ${this.expr(s)})`;
    }
    return v;
  }

  private binary(kind: string, l: ExprIR, r: ExprIR): Code {
    switch (kind) {
      case "&&": {
        const t = this.temp();
        return ts`((${t} = ${this.expr(l)} as unknown) === false ? false : and(${t}, ${this.expr(r)}))`;
      }
      case "||": {
        const t = this.temp();
        return ts`((${t} = ${this.expr(l)} as unknown) === true ? true : or(${t}, ${this.expr(r)}))`;
      }
      case "??": {
        const t = this.temp();
        return ts`((${t} = ${this.expr(l)} as unknown) === $U ? ${this.expr(r)} : ${t})`;
      }
      case "matches": {
        if (r.op === "detector") return ts`matchesLent(${this.ce.detector(r.name)}, ${this.expr(l)})`;
        if (r.op !== "regex") return ts`$U`;
        const flags = [...new Set(r.flags)].sort().join("");
        if (!isBacktrackingSafe(r.source)) return ts`matchesLent(${this.ce.hoist("RE", "Lent", ts`lentRegex(${r.source}, ${flags})`)}, ${this.expr(l)})`;
        const re = this.ce.hoist("RE", "RegExp", ts`nativeRe(${r.source}, ${flags})`);
        return ts`matches(${re}, ${this.expr(l)})`;
      }
      default: {
        const fn = BINARY[kind];
        return fn ? ts`${Name.of(fn)}(${this.expr(l)}, ${this.expr(r)})` : ts`$U`;
      }
    }
  }

  private call(e: Extract<ExprIR, { op: "call" }>): Code {
    const args = e.args;
    if (e.target === null) {
      if (e.fn === "has" && args.length === 1) return ts`known(${this.expr(args[0]!)})`;
      if (e.fn === "has") return ts`false`;
      if (e.fn === "size" && args.length === 1) return ts`size(${this.expr(args[0]!)})`;
      if (e.fn === "args_hash") return args.length === 0 ? ts`argsHash($args)` : ts`$U`;
      if (e.fn === "detect" && args.length >= 2) {
        const names = args.slice(1).map((d) => (d.op === "detector" ? d.name : null));
        if (names.includes(null)) return ts`$U`; // `detect` takes detector names only
        const lents = names.map((n) => ts`${this.ce.detector(n!)}`);
        const list = this.ce.hoist("DETECTORS", "readonly Lent[]", ts`Object.freeze([${join(lents, ", ")}])`);
        return ts`detectIn(${this.expr(args[0]!)}, ${list})`;
      }
      return ts`$U`;
    }
    if (e.fn === "exists" || e.fn === "all") {
      const binder = args[0];
      if (!binder || binder.op !== "path" || args.length !== 2) return ts`$U`;
      const q = this.ce.quantifier(e.fn, binder.root, args[1]!, this.vars, this.mode);
      const resp = respParams(this.mode).map(([n]) => ts`${n}`);
      return ts`${q}(${join([this.expr(e.target), ENV_FORWARD, ...resp, ...this.vars.map((_, i) => ts`${varName(i)}`)], ", ")})`;
    }
    if (e.fn === "hour" || e.fn === "weekday") {
      const t = e.target;
      if (t.op !== "path" || t.root !== "now" || t.steps.length > 0 || args.length !== 1) return ts`$U`;
      const tz = args[0]!;
      const fmt = tz.op === "lit" ? this.ce.hoist("TZ", "Intl.DateTimeFormat | null", ts`tzFormat(${tz.value})`) : ts`tzFormat(${this.expr(tz)})`;
      return ts`clock(${fmt}, $now, ${e.fn === "hour"})`;
    }
    const target = this.expr(e.target);
    if (e.fn === "size") return args.length === 0 ? ts`size(${target})` : ts`$U`;
    if (e.fn === "lower" || e.fn === "upper" || e.fn === "trim" || e.fn === "nfkc") return args.length === 0 ? ts`${Name.of(e.fn)}(${target})` : ts`$U`;
    if ((e.fn === "startsWith" || e.fn === "endsWith" || e.fn === "contains") && args.length === 1) return ts`${Name.of(e.fn)}(${target}, ${this.expr(args[0]!)})`;
    return ts`$U`;
  }
}

const BINARY: Readonly<Record<string, string>> = {
  "==": "eq",
  "!=": "ne",
  "<": "lt",
  "<=": "le",
  ">": "gt",
  ">=": "ge",
  in: "inList",
  "+": "add",
  "-": "sub",
  "*": "mul",
};
