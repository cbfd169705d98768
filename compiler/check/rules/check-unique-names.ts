/**
 * Invariant: a name declares one thing. Two principals with the same id (vendor and caller ids
 * share a namespace, since a token resolves to one id), two teams, secrets, consts or detectors
 * with the same name, or the same agent declared twice in one file, are TAL0302 with a related
 * "first defined here". (The same agent in two files is a merge, see `check-agent-scalars.ts`.)
 * Codes: TAL0302.
 */
import type { Span } from "../../source/source.js";
import type { CheckContext, CheckRule } from "../context.js";
import type { DeclTable } from "../program.js";

function reportDuplicates<D extends { span: Span }>(ctx: CheckContext, table: DeclTable<D>, kind: string, nameSpan: (d: D) => Span): void {
  for (const [name, decls] of table) {
    const first = decls[0]!;
    for (const dup of decls.slice(1)) {
      ctx.diags.report("TAL0302", nameSpan(dup), {
        args: { kind, name },
        related: [{ span: nameSpan(first), message: "first defined here" }],
      });
    }
  }
}

/** The rule described at the top of this file. */
export const checkUniqueNames: CheckRule = {
  name: "unique-names",
  run(ctx) {
    const p = ctx.program;
    reportDuplicates(ctx, p.principals, "principal", (d) => d.id.span);
    reportDuplicates(ctx, p.teams, "team", (d) => d.name.span);
    reportDuplicates(ctx, p.secrets, "secret", (d) => d.name.span);
    reportDuplicates(ctx, p.consts, "const", (d) => d.name.span);
    reportDuplicates(ctx, p.detectors, "detector", (d) => d.name.span);
    for (const agent of p.agents) {
      const seen = new Map<string, Span>();
      for (const { decl, file } of agent.parts) {
        const first = seen.get(file.path);
        if (first) {
          ctx.diags.report("TAL0302", decl.name.span, {
            args: { kind: "agent", name: agent.name },
            related: [{ span: first, message: "first defined here" }],
            help: "an agent is declared once per file; another file may extend it",
          });
        } else seen.set(file.path, decl.name.span);
      }
    }
  },
};
