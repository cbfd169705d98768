/**
 * The resolved view of a bundle that every check rule and the IR lowering read: declarations by
 * name (all of them, in file order, so duplicates can be reported with "first defined here") and
 * agents merged across files (a `.talon` agent may extend a YAML agent of the same name).
 * Building it reports nothing; the rules in `rules/` do.
 */
import type { AgentDecl, ConstDecl, DetectorDecl, FileAst, PrincipalDecl, SecretDecl, TeamDecl, TestDecl } from "../lower/ast.js";
import { mergeAgent, type MergedAgent } from "./agents.js";

/** Declarations sharing a name, in file order; the first one is the one that counts. */
export type DeclTable<D> = ReadonlyMap<string, readonly D[]>;

/** Declarations by name and merged agents: what rules and lowering read. */
export interface Program {
  /** Input files sorted by path (the order every table follows). */
  readonly files: readonly FileAst[];
  readonly consts: DeclTable<ConstDecl>;
  readonly secrets: DeclTable<SecretDecl>;
  readonly detectors: DeclTable<DetectorDecl>;
  readonly teams: DeclTable<TeamDecl>;
  /** By principal id (vendor and caller ids share one namespace: a token maps to one id). */
  readonly principals: DeclTable<PrincipalDecl>;
  /** Agents merged by name, sorted by name. */
  readonly agents: readonly MergedAgent[];
  /** The file each declaration came from (for "set in two sources" and YAML args scope). */
  readonly fileOf: ReadonlyMap<object, FileAst>;
  /** Every `test` block, in file order: `agent` is the enclosing agent or the `on "…"` name (undefined when neither). */
  readonly tests: readonly ProgramTest[];
}

/** A `test` block and the agent it runs against. */
export interface ProgramTest {
  readonly decl: TestDecl;
  readonly agent: string | undefined;
  /** Declared inside an `agent` block (rather than at top level). */
  readonly inAgent: boolean;
  readonly file: FileAst;
}

function push<D>(table: Map<string, D[]>, key: string, d: D): void {
  const list = table.get(key);
  if (list) list.push(d);
  else table.set(key, [d]);
}

/** Build the program from parsed files (any order; they are sorted by path here). */
export function buildProgram(files: readonly FileAst[]): Program {
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const consts = new Map<string, ConstDecl[]>();
  const secrets = new Map<string, SecretDecl[]>();
  const detectors = new Map<string, DetectorDecl[]>();
  const teams = new Map<string, TeamDecl[]>();
  const principals = new Map<string, PrincipalDecl[]>();
  const agentParts = new Map<string, { decl: AgentDecl; file: FileAst }[]>();
  const fileOf = new Map<object, FileAst>();
  const tests: ProgramTest[] = [];
  for (const file of sorted) {
    for (const decl of file.decls) {
      fileOf.set(decl, file);
      switch (decl.kind) {
        case "const":
          push(consts, decl.name.name, decl);
          break;
        case "secret":
          push(secrets, decl.name.name, decl);
          break;
        case "detector":
          push(detectors, decl.name.name, decl);
          break;
        case "team":
          push(teams, decl.name.name, decl);
          break;
        case "principal":
          push(principals, decl.id.value, decl);
          break;
        case "agent":
          push(agentParts, decl.name.value, { decl, file });
          for (const item of decl.items) {
            fileOf.set(item, file);
            if (item.kind === "test") tests.push({ decl: item, agent: decl.name.value, inAgent: true, file });
          }
          break;
        case "test":
          tests.push({ decl, agent: decl.on?.value, inAgent: false, file });
          break;
      }
    }
  }
  const agents = [...agentParts.keys()].sort().map((name) => mergeAgent(name, agentParts.get(name)!));
  return { files: sorted, consts, secrets, detectors, teams, principals, agents, fileOf, tests };
}
