/**
 * Note: a user-written regex that `isBacktrackingSafe` (runtime/helpers/regex.ts) cannot prove
 * safe runs on the linear-time engine (RE2) instead of the native one (§9 "Generated code"): the
 * same matches, but slower. TAL0903 at each such regex literal in a condition (`matches`), an
 * idempotency key, a `const`, a `matching` clause (seed `patterns`) or a `detector`. Built-in
 * detectors are tuned by the project and never noted. A pattern no engine accepts is reported
 * elsewhere (TAL0103/TAL0104) and not noted again.
 * Codes: TAL0903.
 */
import type { Expr, RegexLit } from "../../lower/ast.js";
import { compileRegex, isBacktrackingSafe } from "../../../runtime/helpers/regex.js";
import { spanRef } from "../../source/source.js";
import { walk } from "../conditions.js";
import type { CheckRule } from "../context.js";

/** Every regex literal inside `e`. */
function regexesIn(e: Expr, out: RegexLit[]): void {
  walk(e, (x) => {
    if (x.kind === "regex") out.push(x);
  });
}

/** Whether some engine accepts the pattern (compileRegex falls back to RE2 for unsafe ones). */
function compiles(re: RegexLit): boolean {
  try {
    compileRegex(re.source, re.flags);
    return true;
  } catch {
    return false;
  }
}

/** The rule described at the top of this file. */
export const checkRegexEngine: CheckRule = {
  name: "regex-engine",
  run(ctx) {
    const found: RegexLit[] = [];
    for (const decls of ctx.program.detectors.values()) for (const d of decls) found.push(...d.patterns);
    for (const decls of ctx.program.consts.values()) for (const c of decls) regexesIn(c.value, found);
    for (const agent of ctx.program.agents) {
      for (const { node: rule } of agent.rules) {
        if ("cond" in rule && rule.cond !== undefined) regexesIn(rule.cond.expr, found);
        if (rule.kind === "idempotent") for (const k of rule.key) regexesIn(k, found);
        if (rule.kind === "redact") for (const m of rule.matching) if (!("name" in m)) found.push(m);
      }
    }
    for (const re of found) {
      if (isBacktrackingSafe(re.source) || !compiles(re)) continue;
      ctx.diags.report("TAL0903", re.span, {
        args: { span: spanRef(re.span) },
        help: "bound the repetition (e.g. `\\d{1,20}` for `\\d+`) and avoid nested or alternated repeats to run on the faster native engine",
      });
    }
  },
};
