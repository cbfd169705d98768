/**
 * One agent's code: a function per exact name holding only that name's rule slice (its per-slot
 * decisions, precomputed; a slice with conditions is decided per call by `emit-conditional.ts`),
 * the `decide` entry (alphabet check, then `switch (tool)`, or past `MAX_STRING_CASES` names a Map
 * to a case number), the default branch
 * (`emit-default.ts`) and `clientName` (a `switch` over upstream names).
 */
import type { Decision } from "../../runtime/hooks.js";
import type { AgentIR } from "../ir/ir.js";
import { Code, Name, comment, indent, join, ts } from "./code.js";
import { emitConditionalCase } from "./emit-conditional.js";
import { emitDefaultBranch } from "./emit-default.js";
import { CondEmitter } from "./expr-code.js";
import { anyGlobTest } from "./glob-code.js";
import type { ModuleBuilder } from "./module.js";
import type { AgentPlan, ExactCase, Slot } from "./plan.js";

const p = Name.of("p");
/** Agents with more exact names than this dispatch through a Map (see `emitDecide`). */
const MAX_STRING_CASES = 32;

function slotLabel(s: Slot): string {
  return s.principal ? `${s.principal.kind} "${s.principal.id}"` : "anonymous or unknown principal";
}

/** `switch (p)` over slots grouped by decision; the most frequent decision is the default. */
function slotSwitch(mb: ModuleBuilder, slots: readonly Slot[], decisions: readonly Decision[]): Code[] {
  const names = decisions.map((d) => mb.decision(d));
  const count = new Map<Name, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  let dflt = names[names.length - 1]!;
  for (const [n, c] of count) if (c > count.get(dflt)!) dflt = n;
  if (count.size === 1) return [ts`return ${dflt};`];
  const groups: Code[] = [];
  for (const [n] of count) {
    if (n === dflt) continue;
    const labels = slots.filter((_, i) => names[i] === n).map((s) => ts`case ${s.index}: ${comment(slotLabel(s))}`);
    groups.push(join([...labels, ts`  return ${n};`], "\n"));
  }
  return [join([ts`switch (${p}) {`, indent(join(groups, "\n")), ts`  default:`, ts`    return ${dflt};`, ts`}`], "\n")];
}

function emitCase(mb: ModuleBuilder, ce: CondEmitter, plan: AgentPlan, slug: string, c: ExactCase, i: number): Name {
  const name = Name.of(`decide_${slug}_${i}`);
  if (c.dynamic) return emitConditionalCase(mb, ce, plan, name, c, c.dynamic);
  mb.fn({
    name,
    params: [[p, Code.trusted("number")]],
    returnType: Code.trusted("Decision"),
    body: slotSwitch(mb, plan.slots, c.decisions),
    leading: comment(`${c.at} tool ${c.name}; rules: ${c.ruleIds.length > 0 ? c.ruleIds.join(", ") : "(none)"}`),
  });
  return name;
}

/**
 * Emit `decide_<slug>`; returns its name. An agent with conditions (`plan.conditional`) also takes
 * the call's arguments and context, which conditional cases and the default branch read.
 */
export function emitDecide(mb: ModuleBuilder, plan: AgentPlan, slug: string, inBoundary: Name, invalid: Name, ce: CondEmitter = new CondEmitter(mb, plan.agent.name)): Name {
  const envCall = ts`${p}, principal, $args, $meta, $now`;
  const calls = plan.cases.map((c, i) => ts`return ${emitCase(mb, ce, plan, slug, c, i)}(${c.dynamic ? envCall : p});`);
  // A `switch` over strings compares the name with case after case; past a few dozen names a Map
  // from name to case number (one hash lookup) and a `switch` over that number are faster.
  const byNumber = plan.cases.length > MAX_STRING_CASES;
  const cases = byNumber
    ? calls.map((call, i) => join([ts`case ${i}: ${comment(JSON.stringify(plan.cases[i]!.name))}`, ts`  ${call}`], "\n"))
    : calls.map((call, i) => ts`case ${plan.cases[i]!.name}: ${call}`);
  const subject = byNumber
    ? ts`${mb.hoist("CASES", Code.trusted("ReadonlyMap<string, number>"), ts`new Map<string, number>([${join(plan.cases.map((c, i) => ts`[${c.name}, ${i}]`), ", ")}])`)}.get(${Name.of("tool")})`
    : ts`${Name.of("tool")}`;
  const other = emitDefaultBranch(mb, plan, slug, inBoundary, ce);
  const name = Name.of(`decide_${slug}`);
  const tool = Name.of("tool");
  const context: Code[] = plan.conditional
    ? [comment("What conditions read besides the arguments: request _meta and the request time."), ts`const $meta = ctx === undefined ? undefined : ctx.meta;`, ts`const $now = ctx === undefined ? undefined : ctx.now;`]
    : [];
  const otherArgs = plan.conditional ? ts`${tool}, ${envCall}` : ts`${tool}, ${p}`;
  mb.fn({
    name,
    params: [
      [tool, Code.trusted("string")],
      [Name.of("principal"), Code.trusted("Principal")],
      ...(plan.conditional
        ? ([
            [Name.of("$args"), Code.trusted("unknown")],
            [Name.of("ctx"), Code.trusted("DecideContext | undefined")],
          ] as const)
        : ([[Name.of("_args"), Code.trusted("unknown")]] as const)),
    ],
    returnType: Code.trusted("Decision"),
    body: [
      comment("Step 1: the MCP name alphabet, before any rule sees the name."),
      ts`if (!validName(${tool})) return ${invalid};`,
      ts`const ${p} = slotOf(principal);`,
      ...context,
      join([ts`switch (${subject}) {`, indent(join([...cases, ts`default: return ${other}(${otherArgs});`], "\n")), ts`}`], "\n"),
    ],
    leading: comment(`Agent "${plan.agent.name}": decide a tools/call by client tool name (LANGUAGE.md 7.1).`),
  });
  return name;
}

/** Emit `upstreamName_<slug>`: the renames of exact exposures as a `switch`, else the name itself. */
export function emitUpstreamName(mb: ModuleBuilder, agent: AgentIR, slug: string): Name {
  const tool = Name.of("tool");
  const cases: Code[] = [];
  for (const t of agent.tools) if (!t.glob && t.upstream !== null) cases.push(ts`case ${t.name}: return ${t.upstream};`);
  const name = Name.of(`upstreamName_${slug}`);
  mb.fn({
    name,
    params: [[tool, Code.trusted("string")]],
    returnType: Code.trusted("string"),
    body: [join([ts`switch (${tool}) {`, indent(join([...cases, ts`default: return ${tool};`], "\n")), ts`}`], "\n")],
    leading: comment(`Agent "${agent.name}": the upstream tool a client name is forwarded under (renames of exact exposures).`),
  });
  return name;
}

/** Emit `clientName_<slug>`; returns its name. */
export function emitClientName(mb: ModuleBuilder, agent: AgentIR, slug: string): Name {
  const up = Name.of("upstreamName");
  const cases: Code[] = [];
  const seen = new Set<string>();
  for (const t of agent.tools) {
    if (t.glob) continue;
    const u = t.upstream ?? t.name;
    if (seen.has(u)) continue;
    seen.add(u);
    cases.push(ts`case ${u}: return ${t.name};`);
  }
  // A client name renamed to another upstream tool hides the upstream tool of the same name.
  for (const t of agent.tools) {
    if (t.glob || seen.has(t.name)) continue;
    seen.add(t.name);
    cases.push(ts`case ${t.name}: return null;`);
  }
  const globs = agent.tools.filter((t) => t.glob).map((t) => t.name);
  const dflt = globs.length > 0 ? ts`default: return validName(${up}) && ${anyGlobTest(mb, up, globs, false)} ? ${up} : null;` : ts`default: return null;`;
  const name = Name.of(`clientName_${slug}`);
  mb.fn({
    name,
    params: [[up, Code.trusted("string")]],
    returnType: Code.trusted("string | null"),
    body: [join([ts`switch (${up}) {`, indent(join([...cases, dflt], "\n")), ts`}`], "\n")],
    leading: comment(`Agent "${agent.name}": the client name an upstream tool is listed under.`),
  });
  return name;
}
