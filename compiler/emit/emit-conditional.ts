/**
 * The function of an exact tool name whose rule slice has conditions (LANGUAGE.md §7.1 with §5's
 * rule boundary): forbids whose condition is not F fire; a conditional grant grants only when its
 * condition is T; an `approve`/`confirm` applies unless its condition is F, making an allowed call
 * "pending". Everything that does not depend on a condition is precomputed per principal slot
 * (`listed`, not exposed, outside the boundary, no grant at all, a pending decision whose rules
 * are all unconditional); tool name, upstream and class are constants here. Allocation happens
 * only on terminal denies that name rules that fired, on an allow that a conditional grant took
 * part in (its rule ids depend on the call), and on pending decisions that a conditional
 * confirm/approve took part in when a case has more than `MAX_PENDING_TABLE` of them (up to that,
 * the pending decision of every subset is preallocated). Very long slices run in parts (`scan.ts`).
 */
import { ALLOW_PREFIX, decisionText } from "../ir/decision-text.js";
import type { ExprIR } from "../ir/ir.js";
import { Code, Name, comment, frozenArray, indent, join, ts } from "./code.js";
import { REQUEST_PARAMS, envArgs, type CondEmitter } from "./expr-code.js";
import type { ModuleBuilder } from "./module.js";
import { approveConst, approveData, confirmConst, confirmData, mergePending } from "./pending.js";
import { grantIncludes, type AgentPlan, type DynamicCase, type ExactCase } from "./plan.js";
import { FIRED, FIRED_TYPE, emitScan, fireStmt } from "./scan.js";

/** Runs a list of statements as a scan (in parts when long); undefined = keep them inline. */
type ScanOf = (what: string, acc: Name, accType: Code, items: readonly Code[]) => Code[] | undefined;

const p = Name.of("p");
/** Up to this many confirm/approve rules in a case, the pending decision of every subset is preallocated. */
const MAX_PENDING_TABLE = 4;

/** Parameters of a conditional exact case: the slot, then what conditions read. */
export const CASE_PARAMS: readonly (readonly [Name, Code])[] = [[p, Code.trusted("number")], ...REQUEST_PARAMS];

/** Forbids that fire unless their condition is F, collected into `ids`. */
function collectFiring(
  mb: ModuleBuilder,
  ce: CondEmitter,
  env: Code,
  ids: Name,
  text: Name,
  rules: readonly { id: string; at: string; when: ExprIR | null; message: string }[],
): Code[] {
  return rules.map((r) => {
    const m = mb.hoist("TEXT", Code.trusted("string"), ts`${r.message}`);
    const push = ts`if (${ids} === undefined) { ${ids} = []; ${text} = ${m}; } ${ids}.push(${r.id});`;
    if (r.when === null) return join([comment(`rule ${r.id} (${r.at}), unconditional`), ts`{ ${push} }`], "\n");
    return join([comment(`rule ${r.id} (${r.at}): fires unless false`), ts`if (${ce.cond(r.when, r.at)}(${env}) !== 0) { ${push} }`], "\n");
  });
}

/** Emit `decide_<slug>_<i>` for a case with conditions; returns its name. */
export function emitConditionalCase(mb: ModuleBuilder, ce: CondEmitter, plan: AgentPlan, name: Name, c: ExactCase, dyn: DynamicCase): Name {
  const env = envArgs(ts`${c.name}`, ts`${dyn.toolUpstream}`, ts`${dyn.cls}`);
  const listed = mb.hoist("LISTED", Code.trusted("ReadonlyArray<boolean>"), frozenArray(dyn.listed));
  const body: Code[] = [];
  const deny = (reason: string, ids: Name, text: Name) =>
    ts`if (${ids} !== undefined) return Object.freeze({ effect: "deny", reason: ${reason}, ruleIds: Object.freeze(${ids}), message: ${text}, upstream: null, toolClass: ${dyn.cls}, listed: ${listed}[${p}]!, confirm: null, approval: null });`;

  // Step 2: forbids.
  const caseArgs = ts`${p}, $caller, $args, $meta, $now`;
  const scanOf = (what: string, acc: Name, accType: Code, items: readonly Code[]) =>
    emitScan(mb, { fnPrefix: `${name}_${what}`, what: `${what} of ${c.name}`, subject: p, params: CASE_PARAMS, args: caseArgs, acc, accType, items: items.map((stmt) => ({ refs: null, stmt })) });
  const forbidScan =
    dyn.forbids.length > 0
      ? scanOf(
          "forbids",
          FIRED,
          FIRED_TYPE,
          dyn.forbids.map((f) => fireStmt(mb, { ...f, message: decisionText.forbid(c.name, f.id, f.reason) }, () => (f.when === null ? null : ts`${ce.cond(f.when, f.at)}(${env}) !== 0`))),
        )
      : undefined;
  if (forbidScan !== undefined) {
    body.push(ts`let ${FIRED}: ${FIRED_TYPE} = undefined;`, ...forbidScan);
    body.push(ts`if (${FIRED} !== undefined) return Object.freeze({ effect: "deny", reason: "forbid", ruleIds: Object.freeze(${FIRED}.ids), message: ${FIRED}.text, upstream: null, toolClass: ${dyn.cls}, listed: ${listed}[${p}]!, confirm: null, approval: null });`);
  } else if (dyn.forbids.length > 0) {
    const ids = Name.of("forbidIds");
    const text = Name.of("forbidText");
    body.push(ts`let ${ids}: string[] | undefined;`, ts`let ${text} = "";`);
    body.push(...collectFiring(mb, ce, env, ids, text, dyn.forbids.map((f) => ({ ...f, message: decisionText.forbid(c.name, f.id, f.reason) }))));
    body.push(deny("forbid", ids, text));
  }
  // Step 3 up to the grants: fixed per slot.
  const pre = mb.hoist("PRE", Code.trusted("readonly (Decision | null)[]"), frozenArray(dyn.pre.map((d) => (d === null ? null : mb.decision(d)))));
  body.push(ts`const pre = ${pre}[${p}]!;`, ts`if (pre !== null) return pre;`);

  const allow = emitGrantPart(mb, ce, plan, dyn, env, body, scanOf);
  // Steps 7-8: applicable confirm/approve rules make the call pending (the runtime collects them).
  const pending = emitPendingPart(mb, ce, plan, dyn, env, listed, scanOf);
  body.push(...pending.stmts);
  if (!pending.terminal) body.push(ts`return ${allow};`);
  mb.fn({
    name,
    params: CASE_PARAMS,
    returnType: Code.trusted("Decision"),
    body,
    leading: comment(`${c.at} tool ${c.name}; rules: ${c.ruleIds.join(", ")} (conditional: decided per call)`),
  });
  return name;
}

/**
 * Steps 3 (grants) and 4 (posture): pushes the statements and returns the code of the allow
 * decision. For a slot no conditional grant reaches, the outcome is fixed and preallocated
 * (`FIXED[p]`); only the other slots collect grant ids per call.
 */
function emitGrantPart(mb: ModuleBuilder, ce: CondEmitter, plan: AgentPlan, dyn: DynamicCase, env: Code, body: Code[], scanOf: ScanOf): Code {
  const cls = dyn.cls!; // a slot whose `pre` is null has an exposed class
  const readOnlyAbove = plan.agent.posture === "read_only" && cls !== "read";
  const listed = mb.hoist("LISTED", Code.trusted("ReadonlyArray<boolean>"), frozenArray(dyn.listed));
  const fixed = plan.slots.map((s, i) => {
    if (dyn.grants.some((g) => g.when !== null && grantIncludes(g, s))) return null;
    const mine = dyn.grants.filter((g) => grantIncludes(g, s));
    if (mine.length === 0) return mb.decision({ effect: "deny", reason: "default:no_grant", ruleIds: [], message: decisionText.noGrant(cls), upstream: null, toolClass: cls, listed: false });
    if (readOnlyAbove && !mine.some((g) => g.access.some((a) => a !== "read"))) {
      return mb.decision({ effect: "deny", reason: "posture", ruleIds: [], message: decisionText.posture(cls), upstream: null, toolClass: cls, listed: dyn.listed[i]! });
    }
    const ids = mine.map((g) => g.id);
    return mb.decision({ effect: "allow", reason: "allow", ruleIds: ids, message: decisionText.allow(ids), upstream: dyn.upstream, toolClass: cls, listed: dyn.listed[i]! });
  });
  const f = Name.of("fixed");
  if (fixed.every((d) => d !== null)) {
    const table = mb.hoist("FIXED", Code.trusted("readonly Decision[]"), frozenArray(fixed));
    body.push(comment("Grants and posture: no conditional grant reaches any principal here."), ts`const ${f} = ${table}[${p}]!;`, ts`if (${f}.effect === "deny") return ${f};`);
    return ts`${f}`;
  }

  // Grants: a conditional one counts only when its condition is T.
  const g = Name.of("grantIds");
  const w = Name.of("writes");
  const inner: Code[] = [];
  const reaching = dyn.grants.filter((r) => plan.slots.some((s) => grantIncludes(r, s)));
  const grantStmt = (r: (typeof reaching)[number], setW: Code) => {
    const slots = plan.slots.map((s) => grantIncludes(r, s));
    const tests: Code[] = [];
    if (!slots.every(Boolean)) tests.push(ts`${mb.hoist("WHO", Code.trusted("readonly boolean[]"), frozenArray(slots))}[${p}]`);
    if (r.when !== null) tests.push(ts`${ce.cond(r.when, r.at)}(${env}) === 1`);
    const stmt = ts`(${g} ??= []).push(${r.id});${setW}`;
    return join([comment(`rule ${r.id} (${r.at})${r.when !== null ? ": grants only when true" : ""}`), tests.length === 0 ? ts`{ ${stmt} }` : ts`if (${join(tests, " && ")}) { ${stmt} }`], "\n");
  };
  const grantScan = scanOf("grants", g, Code.trusted("string[] | undefined"), reaching.map((r) => grantStmt(r, ts``)));
  if (grantScan !== undefined) {
    inner.push(...grantScan);
    // Posture: some grant that held reaches beyond `read`.
    const writeIds = reaching.filter((r) => r.access.some((a) => a !== "read")).map((r) => r.id);
    if (readOnlyAbove) inner.push(ts`const ${w} = hasAnyOf(${g}, ${mb.hoist("IDS", Code.trusted("readonly string[]"), frozenArray(writeIds))});`);
  } else {
    if (readOnlyAbove) inner.push(ts`let ${w} = false;`);
    for (const r of reaching) inner.push(grantStmt(r, readOnlyAbove && r.access.some((a) => a !== "read") ? ts` ${w} = true;` : ts``));
  }
  const noGrant = mb.decision({ effect: "deny", reason: "default:no_grant", ruleIds: [], message: decisionText.noGrant(cls), upstream: null, toolClass: cls, listed: false });
  inner.push(ts`if (${g} === undefined) return ${noGrant};`);
  if (readOnlyAbove) {
    const posture = mb.hoist(
      "POSTURE",
      Code.trusted("readonly Decision[]"),
      frozenArray(dyn.listed.map((l) => mb.decision({ effect: "deny", reason: "posture", ruleIds: [], message: decisionText.posture(cls), upstream: null, toolClass: cls, listed: l }))),
    );
    inner.push(ts`if (!${w}) return ${posture}[${p}]!;`);
  }
  const table = mb.hoist("FIXED", Code.trusted("readonly (Decision | null)[]"), frozenArray(fixed));
  body.push(
    comment("Grants and posture: fixed for principals no conditional grant reaches (null = collect per call)."),
    ts`const ${f} = ${table}[${p}]!;`,
    ts`let ${g}: string[] | undefined;`,
    join([ts`if (${f} !== null) {`, ts`  if (${f}.effect === "deny") return ${f};`, ts`} else {`, indent(join(inner, "\n")), ts`}`], "\n"),
  );
  return ts`${f} !== null ? ${f} : Object.freeze({ effect: "allow", reason: "allow", ruleIds: Object.freeze(${g}!), message: ${ALLOW_PREFIX} + ${g}!.join(", "), upstream: ${dyn.upstream}, toolClass: ${cls}, listed: ${listed}[${p}]!, confirm: null, approval: null })`;
}

/**
 * Steps 7-8 after an allow: the statements returning a pending decision when confirm/approve rules
 * apply. With no conditional one among them the pending decision is fixed per slot (preallocated);
 * otherwise the rules that apply are collected per call and merged by the `pending` helper.
 */
function emitPendingPart(mb: ModuleBuilder, ce: CondEmitter, plan: AgentPlan, dyn: DynamicCase, env: Code, listed: Name, scanOf: ScanOf): { stmts: Code[]; terminal: boolean } {
  if (dyn.confirms.length === 0 && dyn.approves.length === 0) return { stmts: [], terminal: false };
  const cls = dyn.cls!;
  const confirms = dyn.confirms.map(confirmData);
  const approves = dyn.approves.map((a) => approveData(a, plan.teams));
  if ([...dyn.confirms, ...dyn.approves].every((r) => r.when === null)) {
    const table = mb.hoist("PENDING", Code.trusted("readonly Decision[]"), frozenArray(dyn.listed.map((l) => mb.decision(mergePending(confirms, approves, dyn.upstream, cls, l)))));
    return { stmts: [comment(`rules ${[...dyn.confirms, ...dyn.approves].map((r) => r.id).join(", ")} apply unconditionally: pending`), ts`return ${table}[${p}]!;`], terminal: true };
  }
  const rules = [...dyn.confirms, ...dyn.approves];
  if (rules.length <= MAX_PENDING_TABLE) {
    // Few rules: bit j = the j-th rule (confirms, then approves, each by id) applies; the merged
    // decision of every nonempty subset is preallocated, once per `listed` value a slot has.
    const pm = Name.of("pm");
    const out: Code[] = [comment("Steps 7-8: confirm/approve rules that apply (condition not false) make the call pending."), ts`let ${pm} = 0;`];
    rules.forEach((r, j) =>
      out.push(
        r.when === null
          ? join([comment(`rule ${r.id} (${r.at}), unconditional`), ts`${pm} |= ${1 << j};`], "\n")
          : join([comment(`rule ${r.id} (${r.at}): applies unless false`), ts`if (${ce.cond(r.when, r.at)}(${env}) !== 0) ${pm} |= ${1 << j};`], "\n"),
      ),
    );
    const table = (l: boolean) => {
      const row: (Name | null)[] = [null];
      for (let m = 1; m < 1 << rules.length; m++) {
        const pick = <T>(xs: readonly T[], from: number) => xs.filter((_, i) => (m & (1 << (from + i))) !== 0);
        row.push(mb.decision(mergePending(pick(confirms, 0), pick(approves, confirms.length), dyn.upstream, cls, l)));
      }
      return mb.hoist("PENDING", Code.trusted("readonly (Decision | null)[]"), frozenArray(row));
    };
    const ls = [...new Set(dyn.listed)];
    const pick = ls.length === 1 ? ts`${table(ls[0]!)}` : ts`(${listed}[${p}]! ? ${table(true)} : ${table(false)})`;
    out.push(ts`if (${pm} !== 0) return ${pick}[${pm}]!;`);
    return { stmts: out, terminal: false };
  }
  const cs = Name.of("cs");
  const aps = Name.of("aps");
  const none = mb.hoist("NONE", Code.trusted("readonly never[]"), ts`Object.freeze([])`);
  const out: Code[] = [comment("Steps 7-8: confirm/approve rules that apply (condition not false) make the call pending.")];
  if (confirms.length > 0) out.push(ts`let ${cs}: ConfirmRule[] | undefined;`);
  if (approves.length > 0) out.push(ts`let ${aps}: ApproveRule[] | undefined;`);
  const add = (list: Name, data: Name, r: { id: string; at: string; when: ExprIR | null }) =>
    r.when === null
      ? join([comment(`rule ${r.id} (${r.at}), unconditional`), ts`(${list} ??= []).push(${data});`], "\n")
      : join([comment(`rule ${r.id} (${r.at}): applies unless false`), ts`if (${ce.cond(r.when, r.at)}(${env}) !== 0) (${list} ??= []).push(${data});`], "\n");
  const cStmts = dyn.confirms.map((r, i) => add(cs, confirmConst(mb, confirms[i]!), r));
  const aStmts = dyn.approves.map((r, i) => add(aps, approveConst(mb, approves[i]!), r));
  out.push(...(scanOf("confirms", cs, Code.trusted("ConfirmRule[] | undefined"), cStmts) ?? cStmts));
  out.push(...(scanOf("approves", aps, Code.trusted("ApproveRule[] | undefined"), aStmts) ?? aStmts));
  const test = confirms.length > 0 && approves.length > 0 ? ts`${cs} !== undefined || ${aps} !== undefined` : confirms.length > 0 ? ts`${cs} !== undefined` : ts`${aps} !== undefined`;
  const both = confirms.length > 0 && approves.length > 0;
  const csArg = confirms.length > 0 ? (both ? ts`${cs} ?? ${none}` : ts`${cs}`) : ts`${none}`;
  const apsArg = approves.length > 0 ? (both ? ts`${aps} ?? ${none}` : ts`${aps}`) : ts`${none}`;
  out.push(ts`if (${test}) return pending(${csArg}, ${apsArg}, ${dyn.upstream}, ${cls}, ${listed}[${p}]!);`);
  return { stmts: out, terminal: false };
}
