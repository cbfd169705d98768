/**
 * The pieces of one generated module before ts-morph assembles them: hoisted constants (deduplicated
 * by their initializer, so equal decisions and glob piece lists exist once) and functions, each
 * with an optional leading comment. Everything in here is `Code`/`Name`, never raw text.
 */
import type { ApprovalNeed, ConfirmNeed, Decision } from "../../runtime/hooks.js";
import { Code, Name, frozenArray, frozenObject } from "./code.js";

/** A module-level `const`. */
export interface ConstDecl {
  readonly name: Name;
  readonly type: Code | undefined;
  readonly init: Code;
  readonly leading: Code | undefined;
}

/** A module-level function. */
export interface FunctionDecl {
  readonly name: Name;
  readonly params: readonly (readonly [Name, Code])[];
  readonly returnType: Code;
  readonly body: readonly Code[];
  readonly leading: Code | undefined;
}

const N = (s: string) => Name.of(s);

/** Field names of a `Decision` literal (fixed, trusted). */
const F = {
  effect: N("effect"),
  reason: N("reason"),
  ruleIds: N("ruleIds"),
  message: N("message"),
  upstream: N("upstream"),
  toolClass: N("toolClass"),
  listed: N("listed"),
  confirm: N("confirm"),
  approval: N("approval"),
};

/** A decision as the emitter builds it: `confirm`/`approval` default to null (every non-pending decision). */
export type DecisionInput = Omit<Decision, "confirm" | "approval"> & { readonly confirm?: ConfirmNeed | null; readonly approval?: ApprovalNeed | null };

function confirmLiteral(c: ConfirmNeed | null | undefined): Code | null {
  return c ? frozenObject([[N("ruleIds"), frozenArray(c.ruleIds)], [N("via"), c.via]]) : null;
}

function approvalLiteral(a: ApprovalNeed | null | undefined): Code | null {
  return a
    ? frozenObject([
        [N("ruleIds"), frozenArray(a.ruleIds)],
        [N("teams"), frozenArray(a.teams)],
        [N("approvers"), frozenArray(a.approvers)],
        [N("quorum"), a.quorum],
        [N("timeoutMs"), a.timeoutMs],
        [N("wait"), a.wait],
      ])
    : null;
}

/** A frozen `Decision` literal. */
export function decisionLiteral(d: DecisionInput): Code {
  return frozenObject([
    [F.effect, d.effect],
    [F.reason, d.reason],
    [F.ruleIds, frozenArray(d.ruleIds)],
    [F.message, d.message],
    [F.upstream, d.upstream],
    [F.toolClass, d.toolClass],
    [F.listed, d.listed],
    [F.confirm, confirmLiteral(d.confirm)],
    [F.approval, approvalLiteral(d.approval)],
  ]);
}

/** Collects the constants and functions of the module being generated. */
export class ModuleBuilder {
  readonly consts: ConstDecl[] = [];
  readonly functions: FunctionDecl[] = [];
  private readonly byInit = new Map<string, Name>();
  private readonly counters = new Map<string, number>();

  /** A fresh name `<prefix><n>`. */
  fresh(prefix: string): Name {
    const n = this.counters.get(prefix) ?? 0;
    this.counters.set(prefix, n + 1);
    return Name.of(`${prefix}${n}`);
  }

  /** A module constant for `init` (the same initializer and type always give the same constant). */
  hoist(prefix: string, type: Code | undefined, init: Code): Name {
    const key = `${type?.text ?? ""}\u0000${init.text}`;
    const found = this.byInit.get(key);
    if (found) return found;
    const name = this.fresh(prefix);
    this.byInit.set(key, name);
    this.consts.push({ name, type, init, leading: undefined });
    return name;
  }

  /** A preallocated frozen decision. */
  decision(d: DecisionInput): Name {
    return this.hoist("D", Code.trusted("Decision"), decisionLiteral(d));
  }

  /** A named constant (not deduplicated). */
  constant(name: Name, type: Code | undefined, init: Code, leading?: Code): void {
    this.consts.push({ name, type, init, leading });
  }

  fn(f: FunctionDecl): void {
    this.functions.push(f);
  }
}
