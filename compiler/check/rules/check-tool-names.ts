/**
 * Invariant: tool names and globs are well formed (§6). An exact name outside
 * `[A-Za-z0-9_.\-/]{1,128}` is TAL0307 (a warning: such a name can never be called, the runtime
 * denies it as `invalid_tool_name` first); a glob may use only `*` over that alphabet and cannot be
 * renamed (TAL0308). Covers exposures, rename targets, every rule's tool refs and principal
 * boundaries.
 * Codes: TAL0307, TAL0308.
 */
import type { ToolRef } from "../../lower/ast.js";
import { globProblem, isGlob, isValidToolName } from "../../ir/tool-names.js";
import type { CheckContext, CheckRule } from "../context.js";
import { agentToolRefs } from "../tool-refs.js";

function checkRef(ctx: CheckContext, ref: ToolRef): void {
  if (isGlob(ref.name)) {
    const why = globProblem(ref.name);
    if (why !== undefined) ctx.diags.report("TAL0308", ref.span, { args: { p: ref.name, why } });
  } else if (!isValidToolName(ref.name)) {
    ctx.diags.report("TAL0307", ref.span, {
      args: { n: ref.name },
      help: "tool names are 1–128 characters of [A-Za-z0-9_.-/]; calls to this name are always denied",
    });
  }
}

/** The rule described at the top of this file. */
export const checkToolNames: CheckRule = {
  name: "tool-names",
  run(ctx) {
    for (const [, decls] of ctx.program.principals) for (const d of decls) for (const ref of d.tools ?? []) checkRef(ctx, ref);
    for (const agent of ctx.program.agents) {
      for (const { ref } of agentToolRefs(agent)) checkRef(ctx, ref);
      for (const { node } of agent.tools) {
        if (!node.upstream) continue;
        for (const ref of node.refs) {
          if (isGlob(ref.name)) ctx.diags.report("TAL0308", ref.span, { args: { p: ref.name, why: "globs cannot be renamed" } });
        }
        const u = node.upstream;
        if (!isValidToolName(u.value)) {
          ctx.diags.report("TAL0307", u.span, { args: { n: u.value }, help: "an upstream tool name is an exact name; `*` is not a wildcard here" });
        }
      }
    }
  },
};
