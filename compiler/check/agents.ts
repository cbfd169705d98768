/**
 * Agents merged across files. A `.talon` `agent "X"` may extend a YAML agent `X` (LANGUAGE.md §9):
 * collections (tools, rules, roots, …) are unioned, and each scalar setting (mode, upstream,
 * upstream_auth, posture, …) must come from exactly one source. This module only collects; the
 * rule `check-agent-scalars.ts` reports scalars set twice (TAL0203) or in two sources (TAL0509).
 */
import type {
  AgentDecl,
  AgentItem,
  AuthItem,
  BlobsItem,
  CatalogItem,
  Duration,
  FileAst,
  FlagItem,
  Ident,
  ModeItem,
  PostureItem,
  RootItem,
  Rule,
  Str,
  ToolItem,
  UpstreamAuthItem,
  UpstreamItem,
} from "../lower/ast.js";
import type { Span } from "../source/source.js";

/** The typed scalar settings of an agent, by the key used in messages. */
export interface Scalars {
  mode: ModeItem;
  upstream: UpstreamItem;
  upstream_auth: UpstreamAuthItem;
  auth: AuthItem;
  posture: PostureItem;
  trust_annotations: FlagItem;
  require_listed: FlagItem;
  realpath_check: FlagItem;
  catalog: CatalogItem;
  blobs: BlobsItem;
  audit_retention: Duration;
  sink: Str;
}

/** One place a scalar was set. `limits.<name>` and `tls.<name>` keys hold numbers/strings. */
export interface Occurrence {
  readonly key: string;
  readonly value: unknown;
  readonly span: Span;
  readonly file: FileAst;
  readonly decl: AgentDecl;
}

/** Something from a part of the agent, with the file it came from. */
export interface FromFile<T> {
  readonly node: T;
  readonly file: FileAst;
}

/** One agent as the union of its declarations across files. */
export interface MergedAgent {
  readonly name: string;
  /** Every `agent "name"` declaration, in file order; the first one's span is the agent's. */
  readonly parts: readonly { readonly decl: AgentDecl; readonly file: FileAst }[];
  /** Scalar key → every place it was set, in file order. */
  readonly scalars: ReadonlyMap<string, readonly Occurrence[]>;
  readonly tools: readonly FromFile<ToolItem>[];
  readonly rules: readonly FromFile<Rule>[];
  readonly roots: readonly FromFile<RootItem>[];
  readonly denyPaths: readonly Str[];
  readonly allowMethods: readonly Str[];
  readonly frameworks: readonly Ident[];
  readonly capture: readonly Ident[];
  /** Every item of every part, for rules that look for a feature's first use. */
  readonly items: readonly FromFile<AgentItem>[];
}

/** The first occurrence of a typed scalar, or undefined when the agent never sets it. */
export function scalar<K extends keyof Scalars>(agent: MergedAgent, key: K): Scalars[K] | undefined {
  return agent.scalars.get(key)?.[0]?.value as Scalars[K] | undefined;
}

/** Merge the parts of one agent (already in file order). */
export function mergeAgent(name: string, parts: readonly { decl: AgentDecl; file: FileAst }[]): MergedAgent {
  const scalars = new Map<string, Occurrence[]>();
  const tools: FromFile<ToolItem>[] = [];
  const rules: FromFile<Rule>[] = [];
  const roots: FromFile<RootItem>[] = [];
  const denyPaths: Str[] = [];
  const allowMethods: Str[] = [];
  const frameworks: Ident[] = [];
  const capture: Ident[] = [];
  const items: FromFile<AgentItem>[] = [];
  for (const { decl, file } of parts) {
    const set = (key: string, value: unknown, span: Span) => {
      const occ: Occurrence = { key, value, span, file, decl };
      const list = scalars.get(key);
      if (list) list.push(occ);
      else scalars.set(key, [occ]);
    };
    for (const item of decl.items) {
      items.push({ node: item, file });
      switch (item.kind) {
        case "mode":
        case "upstream":
        case "upstream_auth":
        case "auth":
        case "posture":
        case "catalog":
        case "blobs":
          set(item.kind, item, item.span);
          break;
        case "flag":
          set(item.name, item, item.span);
          break;
        case "limits":
          for (const e of item.entries) set(`limits.${e.name.name}`, e, e.span);
          break;
        case "tls":
          for (const e of item.entries) set(`tls.${e.name.name}`, e, e.span);
          break;
        case "compliance":
          frameworks.push(...item.frameworks);
          if (item.auditRetention) set("audit_retention", item.auditRetention, item.auditRetention.span);
          break;
        case "evidence":
          capture.push(...item.capture);
          if (item.sink) set("sink", item.sink, item.sink.span);
          break;
        case "allow_method":
          allowMethods.push(...item.methods);
          break;
        case "tool":
          tools.push({ node: item, file });
          break;
        case "root":
          roots.push({ node: item, file });
          break;
        case "path_deny":
          denyPaths.push(...item.globs);
          break;
        case "test":
          break;
        default:
          rules.push({ node: item, file });
      }
    }
  }
  return { name, parts, scalars, tools, rules, roots, denyPaths, allowMethods, frameworks, capture, items };
}
