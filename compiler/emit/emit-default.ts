/**
 * The default branch of an agent's `decide`: names that are no exact exposure (and no name a
 * forbid writes out exactly) are resolved here against globs at run time, following §7.1:
 * glob exposure (most restrictive class wins) → forbids (ASCII case-insensitive) → default deny
 * (not exposed, boundary, grant) → confirm / approve (a pending decision) → allow. Conditions are
 * evaluated where their rule's targets match (`expr-code.ts`): unknown fires forbid, confirm and
 * approve, and never grants. Long rule lists (forbids, grants, confirm/approve, glob exposures)
 * become scans bucketed by name prefix and split into parts (`scan.ts`).
 *
 * Allocation: the allow path allocates nothing — the covering grants become a bit mask and the
 * decision for each realizable mask is preallocated (`emit-grants.ts`; an agent with more than
 * `MAX_MASK_GRANTS` unconditional grants collects ids instead). Deny decisions whose rule ids or
 * message depend on which globs a name matched (forbid names the called tool) are built on that
 * terminal deny path only; so are pending decisions (confirm/approve list the matching rules).
 */
import { ALLOW_PREFIX, CLASS_RANK, FORBID_PREFIX, decisionText, forbidSuffix } from "../ir/decision-text.js";
import type { ExprIR, TargetsIR, ToolClass } from "../ir/ir.js";
import { Code, Name, comment, frozenArray, join, ts } from "./code.js";
import { CLASSES, MAX_MASK_GRANTS, classTest, emitGrantList, emitGrants, grantArgs, grantParams, unconditionalBits } from "./emit-grants.js";
import { REQUEST_PARAMS, envArgs, type CondEmitter } from "./expr-code.js";
import { anyGlobTest, globTest } from "./glob-code.js";
import { approveConst, approveData, confirmConst, confirmData } from "./pending.js";
import type { ModuleBuilder } from "./module.js";
import type { AgentPlan } from "./plan.js";
import { FIRED, FIRED_TYPE, emitScan, fireStmt } from "./scan.js";

const tool = Name.of("tool");
const p = Name.of("p");

/** Targets of forbid/confirm/approve in the default branch: the upstream name is the client name here. */
function targetsTest(mb: ModuleBuilder, t: TargetsIR): Code {
  return t.kind === "classes" ? classTest(t.classes) : anyGlobTest(mb, tool, t.refs, true);
}

/** What conditions see in the default branch: the upstream name is the client name; the class is `$cls`. */
const ENV = envArgs(ts`${tool}`, ts`${tool}`, ts`$cls`);

/**
 * Collect-ids code for forbids; returns the statements. A rule with a condition fires unless the
 * condition is false (U fires, §5).
 */
function collect(
  mb: ModuleBuilder,
  ce: CondEmitter,
  list: Name,
  msg: Name,
  rules: readonly { id: string; at: string; targets: TargetsIR; when: ExprIR | null; message: string; hard?: boolean }[],
  hard?: Name,
): Code[] {
  return rules.map((r) => {
    const m = mb.hoist("TEXT", Code.trusted("string"), ts`${r.message}`);
    const setHard = hard && r.hard ? ts` ${hard} = true;` : ts``;
    const test = r.when === null ? targetsTest(mb, r.targets) : ts`${targetsTest(mb, r.targets)} && ${ce.cond(r.when, r.at)}(${ENV}) !== 0`;
    return join(
      [comment(`rule ${r.id} (${r.at})`), ts`if (${test}) {`, ts`  if (${list} === undefined) { ${list} = []; ${msg} = ${m}; }`, ts`  ${list}.push(${r.id});${setHard}`, ts`}`],
      "\n",
    );
  });
}

/** Conditions in scan helpers, which get the class rank `k` rather than `$cls`. */
const ENV_K = envArgs(ts`${tool}`, ts`${tool}`, ts`(k >= 0 ? CLASS_NAMES[k]! : null)`);
/** A forbid's statement in a scan helper. */
function fire(mb: ModuleBuilder, ce: CondEmitter, r: { id: string; at: string; targets: TargetsIR; when: ExprIR | null; message: string }): Code {
  return fireStmt(mb, r, () => (r.when === null ? targetsTest(mb, r.targets) : ts`${targetsTest(mb, r.targets)} && ${ce.cond(r.when, r.at)}(${ENV_K}) !== 0`));
}

/** Emit `decideOther_<slug>(tool, p)`; returns its name. */
export function emitDefaultBranch(mb: ModuleBuilder, plan: AgentPlan, slug: string, inBoundary: Name, ce: CondEmitter): Name {
  const { agent } = plan;
  const name = Name.of(`decideOther_${slug}`);
  const scanParams = grantParams(plan);
  const scanArgs = grantArgs(plan);
  const useMask = plan.grants.length <= MAX_MASK_GRANTS;
  const grants = useMask ? emitGrants(mb, plan, slug, ce) : { list: emitGrantList(mb, plan, slug, ce) };
  // `listed` needs an unconditional grant (§7.3 is args-independent; U never grants).
  const uncondIds = plan.grants.filter((g) => g.when === null).map((g) => g.id);
  const allUncond = uncondIds.length === plan.grants.length;
  const uncondBits = "mask" in grants ? unconditionalBits(plan) : 0;
  const listedOf = (v: Code): Code =>
    allUncond
      ? "mask" in grants
        ? ts`${v} !== 0`
        : ts`${v} !== undefined`
      : "mask" in grants
        ? ts`(${v} & ${uncondBits}) !== 0`
        : ts`hasAnyOf(${v}, ${mb.hoist("IDS", Code.trusted("readonly string[]"), frozenArray(uncondIds))})`;
  const granted = listedOf("mask" in grants ? ts`${grants.mask}(${grantArgs(plan)})` : ts`${grants.list}(${grantArgs(plan)})`);
  const perClass = (make: (cls: ToolClass) => Parameters<ModuleBuilder["decision"]>[0]) =>
    mb.hoist("BY_CLASS", Code.trusted("readonly Decision[]"), frozenArray(CLASSES.map((c) => mb.decision(make(c)))));
  const notExposed = mb.decision({ effect: "deny", reason: "default:not_exposed", ruleIds: [], message: decisionText.notExposed(agent.name), upstream: null, toolClass: null, listed: false });
  const outside = perClass((c) => ({ effect: "deny", reason: "default:outside_boundary", ruleIds: [], message: decisionText.outsideBoundary(), upstream: null, toolClass: c, listed: false }));
  const noGrant = perClass((c) => ({ effect: "deny", reason: "default:no_grant", ruleIds: [], message: decisionText.noGrant(c), upstream: null, toolClass: c, listed: false }));

  // Exposure: globs only, tried from the most restrictive class down (§3).
  const byRank: Code[] = [];
  for (const rank of [2, 1, 0]) {
    const globs = agent.tools.filter((t) => t.glob && CLASS_RANK[t.class ?? "destructive"] === rank).map((t) => t.name);
    if (globs.length > 0) byRank.push(ts`${byRank.length > 0 ? ts`else ` : ts``}if (${anyGlobTest(mb, tool, globs, false)}) k = ${rank};`);
  }
  const k = Name.of("k");
  const exposureScan = emitScan(mb, {
    fnPrefix: `exposure_${slug}`,
    what: "glob exposures",
    subject: tool,
    params: [[tool, Code.trusted("string")]],
    args: ts`${tool}`,
    acc: k,
    accType: Code.trusted("number"),
    items: agent.tools
      .filter((t) => t.glob)
      .map((t) => {
        const rank = CLASS_RANK[t.class ?? "destructive"];
        return { refs: [t.name], stmt: ts`if (${k} < ${rank} && ${globTest(mb, tool, t.name, false)}) ${k} = ${rank};` };
      }),
  });
  const body: Code[] = [
    comment("Exposure by glob (exact names are switch cases); the most restrictive class wins, no class = destructive."),
    ts`let k: number = -1;`,
    ...(exposureScan ?? byRank),
  ];
  if (plan.conditional) body.push(ts`const $cls = k >= 0 ? CLASS_NAMES[k]! : null;`);

  // Forbids: every matching id (sorted: rules are visited by id); an unknown condition fires.
  const forbidScan = emitScan(mb, {
    fnPrefix: `forbids_${slug}`,
    what: "forbids",
    subject: tool,
    params: scanParams,
    args: scanArgs,
    acc: FIRED,
    accType: FIRED_TYPE,
    items: plan.forbids.map((f) => ({ refs: f.targets.kind === "tools" ? f.targets.refs : null, stmt: fire(mb, ce, { ...f, message: forbidSuffix(f.id, f.reason) }) })),
  });
  if (forbidScan !== undefined) {
    body.push(ts`let ${FIRED}: ${FIRED_TYPE} = undefined;`, ...forbidScan);
    body.push(
      join(
        [
          ts`if (${FIRED} !== undefined) {`,
          ts`  const listed = !${FIRED}.hard && k >= 0 && ${inBoundary}(${tool}, ${p}) && ${granted};`,
          ts`  return Object.freeze({ effect: "deny", reason: "forbid", ruleIds: Object.freeze(${FIRED}.ids), message: ${FORBID_PREFIX} + ${tool} + ${FIRED}.text, upstream: null, toolClass: k >= 0 ? CLASS_NAMES[k]! : null, listed, confirm: null, approval: null });`,
          ts`}`,
        ],
        "\n",
      ),
    );
  } else {
    const fIds = Name.of("forbidIds");
    const fMsg = Name.of("forbidText");
    const hard = Name.of("hard");
    body.push(ts`let ${fIds}: string[] | undefined;`, ts`let ${fMsg} = "";`, ts`let ${hard} = false;`);
    body.push(...collect(mb, ce, fIds, fMsg, plan.forbids.map((f) => ({ ...f, message: forbidSuffix(f.id, f.reason), hard: f.when === null })), hard));
    body.push(
      join(
        [
          ts`if (${fIds} !== undefined) {`,
          ts`  const listed = !${hard} && k >= 0 && ${inBoundary}(${tool}, ${p}) && ${granted};`,
          ts`  return Object.freeze({ effect: "deny", reason: "forbid", ruleIds: Object.freeze(${fIds}), message: ${FORBID_PREFIX} + ${tool} + ${fMsg}, upstream: null, toolClass: k >= 0 ? CLASS_NAMES[k]! : null, listed, confirm: null, approval: null });`,
          ts`}`,
        ],
        "\n",
      ),
    );
  }

  // Default deny, in order. (Posture needs no check here: a grant covering a write or destructive
  // class names that class or `all`, which is exactly what read_only asks for.)
  body.push(ts`if (k < 0) return ${notExposed};`, ts`if (!${inBoundary}(${tool}, ${p})) return ${outside}[k]!;`);
  if ("mask" in grants) body.push(ts`const m = ${grants.mask}(${grantArgs(plan)});`, ts`if (m === 0) return ${noGrant}[k]!;`);
  else body.push(ts`const g = ${grants.list}(${grantArgs(plan)});`, ts`if (g === undefined) return ${noGrant}[k]!;`);
  const listedHere = listedOf("mask" in grants ? ts`m` : ts`g`);

  // Steps 7-8: confirm and approve rules whose targets match (and whose condition is not false)
  // make the call pending; the `pending` helper merges them (sets depend on glob matches here).
  if (plan.confirms.length > 0 || plan.approves.length > 0) {
    const cs = Name.of("cs");
    const aps = Name.of("aps");
    const none = mb.hoist("NONE", Code.trusted("readonly never[]"), ts`Object.freeze([])`);
    const add = (list: Name, data: Name, r: { id: string; at: string; targets: TargetsIR; when: ExprIR | null }) => {
      const test = r.when === null ? targetsTest(mb, r.targets) : ts`${targetsTest(mb, r.targets)} && ${ce.cond(r.when, r.at)}(${ENV}) !== 0`;
      return join([comment(`rule ${r.id} (${r.at})`), ts`if (${test}) (${list} ??= []).push(${data});`], "\n");
    };
    body.push(comment("Steps 7-8: confirm/approve rules that apply (condition not false) make the call pending."));
    const addK = (list: Name, data: Name, r: { id: string; at: string; targets: TargetsIR; when: ExprIR | null }) => {
      const test = r.when === null ? targetsTest(mb, r.targets) : ts`${targetsTest(mb, r.targets)} && ${ce.cond(r.when, r.at)}(${ENV_K}) !== 0`;
      return join([comment(`rule ${r.id} (${r.at})`), ts`if (${test}) (${list} ??= []).push(${data});`], "\n");
    };
    const scanOf = <R extends { id: string; at: string; targets: TargetsIR; when: ExprIR | null }>(what: "confirms" | "approves", list: Name, type: string, rules: readonly R[], data: (r: R) => Name): Code[] => {
      const scan = emitScan(mb, {
        fnPrefix: `${what}_${slug}`,
        what,
        subject: tool,
        params: scanParams,
        args: scanArgs,
        acc: list,
        accType: Code.trusted(`${type}[] | undefined`),
        items: rules.map((r) => ({ refs: r.targets.kind === "tools" ? r.targets.refs : null, stmt: addK(list, data(r), r) })),
      });
      return [ts`let ${list}: ${Code.trusted(type)}[] | undefined;`, ...(scan ?? rules.map((r) => add(list, data(r), r)))];
    };
    if (plan.confirms.length > 0) body.push(...scanOf("confirms", cs, "ConfirmRule", plan.confirms, (r) => confirmConst(mb, confirmData(r))));
    if (plan.approves.length > 0) body.push(...scanOf("approves", aps, "ApproveRule", plan.approves, (r) => approveConst(mb, approveData(r, plan.teams))));
    const hasC = plan.confirms.length > 0;
    const hasA = plan.approves.length > 0;
    const test = hasC && hasA ? ts`${cs} !== undefined || ${aps} !== undefined` : hasC ? ts`${cs} !== undefined` : ts`${aps} !== undefined`;
    // Narrowed by the test when only one kind exists; otherwise the other may still be undefined.
    const arg = (has: boolean, list: Name) => (!has ? ts`${none}` : hasC && hasA ? ts`${list} ?? ${none}` : ts`${list}`);
    body.push(ts`if (${test}) return pending(${arg(hasC, cs)}, ${arg(hasA, aps)}, null, CLASS_NAMES[k]!, ${allUncond ? ts`true` : listedHere});`);
  }
  if ("mask" in grants) body.push(ts`return ${grants.allow}(k, m);`);
  else {
    body.push(
      ts`return Object.freeze({ effect: "allow", reason: "allow", ruleIds: Object.freeze(g), message: ${ALLOW_PREFIX} + g.join(", "), upstream: null, toolClass: CLASS_NAMES[k]!, listed: ${allUncond ? ts`true` : listedHere}, confirm: null, approval: null });`,
    );
  }
  mb.fn({
    name,
    params: [
      [tool, Code.trusted("string")],
      [p, Code.trusted("number")],
      ...(plan.conditional ? REQUEST_PARAMS : []),
    ],
    returnType: Code.trusted("Decision"),
    body,
    leading: comment(`Agent "${agent.name}": names that are not exact switch cases (glob exposures and everything else).`),
  });
  return name;
}
