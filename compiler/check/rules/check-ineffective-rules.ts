/**
 * Invariant: a rule that names tools does something for at least one of them. When every tool
 * target of a grant/approve/confirm/limit/idempotent/redact/block is taken away by an
 * unconditional `forbid` (forbids win, §7.1), the rule can never apply: TAL0501 at the rule.
 *
 * Conservative by construction (a false warning would teach authors to ignore the code):
 * - only rules whose targets are tool refs count; class targets and rules without `on` are skipped;
 * - only unconditional forbids with tool-ref targets count (a class forbid depends on declared
 *   classes and `trust_annotations`);
 * - a target is covered when a forbid glob matches it ASCII-case-insensitively (as forbid matches
 *   at run time). For a glob target the glob itself is matched as a name, with its `*` an ordinary
 *   character that only a forbid `*` can absorb: if forbid `F` matches target `T` that way, every
 *   name `T` matches is matched by `F` (substitute the name's run for each `*` of `T` inside the
 *   `*` of `F` that absorbed it), so `"admin_*"` covers `"admin_x*"` while `"a*"` never covers
 *   `"*"`. An exact forbid never covers a glob target.
 * Codes: TAL0501.
 */
import type { ForbidRule, Rule, ToolRef } from "../../lower/ast.js";
import { refMatchesIgnoreCase } from "../../ir/tool-names.js";
import { Diagnostics } from "../../diagnostics/diagnostic.js";
import { literalScope } from "../../ir/lower-expr.js";
import { lowerRule } from "../../ir/lower-rule.js";
import type { FileAst } from "../../lower/ast.js";
import type { Program } from "../program.js";
import type { CheckRule } from "../context.js";

/** The tool refs a rule targets, or undefined when it targets classes or every tool. */
function toolTargets(rule: Rule): readonly ToolRef[] | undefined {
  switch (rule.kind) {
    case "forbid":
      return undefined;
    case "grant":
      return rule.on;
    case "approve":
    case "confirm":
    case "idempotent":
      return rule.targets.kind === "tools" ? rule.targets.refs : undefined;
    case "limit":
    case "redact":
    case "block":
      return rule.on?.kind === "tools" ? rule.on.refs : undefined;
  }
}

/** Whether an unconditional forbid takes away every name `ref` can stand for. */
export function forbidCovers(forbid: ForbidRule, ref: string): boolean {
  return forbid.cond === undefined && forbid.targets.kind === "tools" && forbid.targets.refs.some((f) => refMatchesIgnoreCase(f.name, ref));
}

/**
 * The rule's id as evidence and `talonc explain` show it: `@id`, else the default id computed
 * the way lowering does (into a scratch bag, so lowering problems are not reported twice).
 */
function ruleId(program: Program, rule: Rule, agent: string, file: FileAst): string {
  const explicit = rule.annotations.find((a) => a.name === "id")?.value;
  if (explicit !== undefined) return explicit;
  const scratch = new Diagnostics();
  try {
    const ir = lowerRule(rule, agent, { ...literalScope(program, scratch), allowRoots: true, argsScope: file.origin === "yaml" });
    if (!scratch.hasErrors) return ir.id;
  } catch {
    // An invalid rule (already reported by another check) has no stable default id.
  }
  return `${rule.kind} rule at line ${rule.span.line}`;
}

/** The rule described at the top of this file. */
export const checkIneffectiveRules: CheckRule = {
  name: "ineffective-rules",
  run(ctx) {
    for (const agent of ctx.program.agents) {
      const forbids = agent.rules.map((r) => r.node).filter((r): r is ForbidRule => r.kind === "forbid" && r.cond === undefined);
      if (forbids.length === 0) continue;
      for (const { node: rule, file } of agent.rules) {
        const refs = toolTargets(rule);
        if (!refs || refs.length === 0) continue;
        if (!refs.every((ref) => forbids.some((f) => forbidCovers(f, ref.name)))) continue;
        ctx.diags.report("TAL0501", rule.span, {
          args: { id: ruleId(ctx.program, rule, agent.name, file) },
          help: "remove the rule, or narrow the `forbid` that takes its tools away",
        });
      }
    }
  },
};
