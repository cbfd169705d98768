/**
 * The grant part of the default branch: which grants cover a name for a principal slot and class
 * (a conditional grant only when its condition is true; only unconditional ones make a tool listed). With up to `MAX_MASK_GRANTS` grants they form a bit mask (bit j = the j-th grant
 * by id, so ids read out of a mask come sorted), and the allow decision for every mask a slot can
 * produce is preallocated; with more, the covering ids are collected into a list per call.
 */
import { ALLOW_PREFIX, CLASS_RANK, decisionText } from "../ir/decision-text.js";
import type { ToolClass } from "../ir/ir.js";
import { Code, Name, comment, frozenArray, indent, join, ts } from "./code.js";
import { anyGlobTest } from "./glob-code.js";
import { REQUEST_PARAMS, envArgs, type CondEmitter } from "./expr-code.js";
import type { ModuleBuilder } from "./module.js";
import { emitScan, type ScanItem } from "./scan.js";
import { accessCovers, grantIncludes, type AgentPlan, type RuleOf } from "./plan.js";

/** Classes by rank. */
export const CLASSES: readonly ToolClass[] = ["read", "write", "destructive"];
/** Masks are 31-bit-safe numbers; more unconditional grants than this use the id-list path. */
export const MAX_MASK_GRANTS = 30;
/** Realizable masks are enumerated per slot only up to this many candidate grants (2^6 subsets). */
const MAX_ENUM_CANDIDATES = 6;

const tool = Name.of("tool");
const p = Name.of("p");
const k = Name.of("k");

/** A test of the class rank `k` against a set of classes. */
export function classTest(classes: readonly ToolClass[]): Code {
  const ranks = [...new Set(classes.map((c) => CLASS_RANK[c]))].sort();
  if (ranks.length === 3) return ts`${k} >= 0`;
  return ranks.length === 1 ? ts`${k} === ${ranks[0]!}` : ts`(${join(ranks.map((r) => ts`${k} === ${r}`), " || ")})`;
}

/** The grant functions' parameters: those of an agent with conditions also carry what conditions read. */
export function grantParams(plan: AgentPlan): (readonly [Name, Code])[] {
  const base: (readonly [Name, Code])[] = [
    [tool, Code.trusted("string")],
    [p, Code.trusted("number")],
    [k, Code.trusted("number")],
  ];
  return plan.conditional ? [...base, ...REQUEST_PARAMS] : base;
}

/** Arguments for `grantParams` (the caller has the same names in scope). */
export function grantArgs(plan: AgentPlan): Code {
  return plan.conditional ? ts`${tool}, ${p}, ${k}, $caller, $args, $meta, $now` : ts`${tool}, ${p}, ${k}`;
}

/** Bit mask of the unconditional grants (they alone make a tool listed, §7.3). */
export function unconditionalBits(plan: AgentPlan): number {
  return plan.grants.reduce((m, g, j) => (g.when === null ? m | (2 ** j) : m), 0);
}

/** Code testing whether grant `g` covers `tool` for slot `p` and class `k`; undefined when it reaches no slot. */
function grantTest(mb: ModuleBuilder, plan: AgentPlan, g: RuleOf<"grant">, ce: CondEmitter): Code | undefined {
  const slots = plan.slots.map((s) => grantIncludes(g, s));
  if (!slots.some(Boolean)) return undefined;
  const parts: Code[] = [];
  if (!slots.every(Boolean)) parts.push(ts`${mb.hoist("WHO", Code.trusted("readonly boolean[]"), frozenArray(slots))}[${p}]`);
  if (!g.access.includes("all")) parts.push(classTest(g.access.filter((a): a is ToolClass => a !== "all")));
  parts.push(anyGlobTest(mb, tool, g.on, false));
  // A conditional grant grants only when its condition is true (tool = upstream in the default branch).
  if (g.when !== null) parts.push(ts`${ce.cond(g.when, g.at)}(${envArgs(ts`${tool}`, ts`${tool}`, ts`CLASS_NAMES[${k}]!`)}) === 1`);
  return join(parts, " && ");
}

/** Emit the mask function and the preallocated allow decisions; returns the mask function's name. */
export function emitGrants(mb: ModuleBuilder, plan: AgentPlan, slug: string, ce: CondEmitter): { mask: Name; allow: Name } {
  const mask = Name.of(`grantMask_${slug}`);
  const allow = Name.of(`allow_${slug}`);
  const grants = plan.grants;
  const body: Code[] = [ts`let m = 0;`];
  grants.forEach((g, j) => {
    const test = grantTest(mb, plan, g, ce);
    if (test) body.push(join([comment(`rule ${g.id} (${g.at})`), ts`if (${test}) m |= ${2 ** j};`], "\n"));
  });
  body.push(ts`return m;`);
  mb.fn({
    name: mask,
    params: grantParams(plan),
    returnType: Code.trusted("number"),
    body,
    leading: comment(`Covering ${plan.conditional ? "" : "unconditional "}grants of agent "${plan.agent.name}" as a bit mask (bit j = j-th grant by id).`),
  });

  // Preallocated allow decisions for every mask a slot can produce (subsets of its candidates).
  const ids = mb.hoist("IDS", Code.trusted("readonly string[]"), frozenArray(grants.map((g) => g.id)));
  const perClass: Code[] = [];
  const uncond = unconditionalBits(plan);
  CLASSES.forEach((cls, rank) => {
    const masks = new Set<number>();
    for (const s of plan.slots) {
      const cand = grants.map((g, j) => (grantIncludes(g, s) && accessCovers(g, cls) ? j : -1)).filter((j) => j >= 0);
      if (cand.length > MAX_ENUM_CANDIDATES) continue; // left to the builder below
      for (let sub = 1; sub < 1 << cand.length; sub++) {
        let m = 0;
        cand.forEach((j, b) => {
          if (sub & (1 << b)) m |= 2 ** j;
        });
        masks.add(m);
      }
    }
    if (masks.size === 0) return;
    const cases = [...masks].sort((a, b) => a - b).map((m) => {
      const gids = grants.filter((_, j) => m & (2 ** j)).map((g) => g.id);
      const d = mb.decision({ effect: "allow", reason: "allow", ruleIds: gids, message: decisionText.allow(gids), upstream: null, toolClass: cls, listed: (m & uncond) !== 0 });
      return ts`case ${m}: return ${d};`;
    });
    perClass.push(join([ts`case ${rank}:`, ts`  switch (m) {`, indent(join(cases, "\n"), 2), ts`  }`, ts`  break;`], "\n"));
  });
  const body2: Code[] = [];
  if (perClass.length > 0) body2.push(join([ts`switch (${k}) {`, indent(join(perClass, "\n")), ts`}`], "\n"));
  body2.push(
    join(
      [
        comment("A mask not enumerated above (a slot with many candidate grants): built here."),
        ts`const ids: string[] = [];`,
        ts`for (let j = 0; j < ${ids}.length; j++) if ((m & (2 ** j)) !== 0) ids.push(${ids}[j]!);`,
        ts`return Object.freeze({ effect: "allow", reason: "allow", ruleIds: Object.freeze(ids), message: ${ALLOW_PREFIX} + ids.join(", "), upstream: null, toolClass: CLASS_NAMES[${k}]!, listed: ${uncond === 2 ** grants.length - 1 ? ts`true` : ts`(m & ${uncond}) !== 0`}, confirm: null, approval: null });`,
      ],
      "\n",
    ),
  );
  mb.fn({
    name: allow,
    params: [
      [k, Code.trusted("number")],
      [Name.of("m"), Code.trusted("number")],
    ],
    returnType: Code.trusted("Decision"),
    body: body2,
    leading: comment(`Allow decisions of agent "${plan.agent.name}" by class rank and grant mask.`),
  });
  return { mask, allow };
}

/**
 * For agents with more unconditional grants than a mask holds: the covering grant ids as a list
 * (allocated per call, on this path only), and an allow decision built from it.
 */
export function emitGrantList(mb: ModuleBuilder, plan: AgentPlan, slug: string, ce: CondEmitter): Name {
  const name = Name.of(`grantIds_${slug}`);
  const ids = Name.of("ids");
  const items: ScanItem[] = [];
  for (const g of plan.grants) {
    const test = grantTest(mb, plan, g, ce);
    if (test) items.push({ refs: g.on, stmt: join([comment(`rule ${g.id} (${g.at})`), ts`if (${test}) (${ids} ??= []).push(${g.id});`], "\n") });
  }
  const accType = Code.trusted("string[] | undefined");
  const scan = emitScan(mb, { fnPrefix: `grants_${slug}`, what: "grants", subject: tool, params: grantParams(plan), args: grantArgs(plan), acc: ids, accType, items });
  const body: Code[] = [ts`let ${ids}: ${accType}${scan ? ts` = undefined` : ts``};`, ...(scan ?? items.map((i) => i.stmt)), ts`return ${ids};`];
  mb.fn({
    name,
    params: grantParams(plan),
    returnType: Code.trusted("string[] | undefined"),
    body,
    leading: comment(`Covering unconditional grants of agent "${plan.agent.name}" by id (too many for a mask).`),
  });
  return name;
}
