/**
 * The vendor-YAML front end's entry: text → YAML document → plain data (alias expansion capped) →
 * schema validation → AST (`lower/yaml-to-ast.ts`). Every diagnostic points at the YAML file's own
 * line:col.
 *
 * Loader settings (LANGUAGE.md §9): YAML 1.2 core schema, so `yes`/`on` are strings (a boolean
 * field given one is TAL0708, in validation); `uniqueKeys` (TAL0703); `strict`; no merge keys
 * (`<<` stays an ordinary, and so unknown, key); aliases expand at most `MAX_ALIAS_COUNT` nodes
 * (TAL0709), which stops "billion laughs" documents before validation walks them. Positions come
 * from `Source.span` on the YAML file's `Source`, which computes line:col from the same offsets a
 * `yaml` `LineCounter` would, so none is needed.
 */
import { isScalar, parseDocument, visit, type Alias, type Document, type Node as YamlNode, type YAMLError } from "yaml";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import type { FileAst } from "../lower/ast.js";
import { yamlToAst } from "../lower/yaml-to-ast.js";
import type { Source } from "../source/source.js";
import { YamlLocator } from "./locate.js";
import { validateVendorConfig } from "./validate.js";

/** Cap on alias expansion (the `yaml` package's `maxAliasCount`): aliased nodes times uses. */
export const MAX_ALIAS_COUNT = 100;

/** A YAML file parsed to plain data, with the locator that maps data paths back to the text. */
export interface ParsedVendorYaml {
  readonly value: unknown;
  readonly locator: YamlLocator;
}

/**
 * Load one `*.talon.yaml` vendor config and lower it to a `FileAst` (origin "yaml"). Returns
 * undefined when it reported an error (warnings and notes, like TAL1002 or TAL0705, still return
 * the AST).
 */
export function loadVendorYaml(source: Source, diags: Diagnostics): FileAst | undefined {
  const before = diags.items.length;
  const failed = () => diags.items.slice(before).some((d) => d.severity === "error");
  const parsed = parseVendorYaml(source, diags);
  if (!parsed || !validateVendorConfig(parsed.value, parsed.locator, diags)) return undefined;
  const ast = yamlToAst(parsed.value, parsed.locator, diags);
  return failed() ? undefined : ast;
}

/**
 * Parse YAML text to plain data; report YAML errors (TAL0701, including explicit tags outside the
 * core schema; TAL0703; TAL0709) and return undefined on any.
 */
export function parseVendorYaml(source: Source, diags: Diagnostics): ParsedVendorYaml | undefined {
  const doc = parseDocument(source.text, {
    version: "1.2",
    schema: "core",
    uniqueKeys: true,
    strict: true,
    merge: false,
    prettyErrors: false,
  });
  const problems: YAMLError[] = [...doc.errors, ...doc.warnings];
  for (const e of problems) {
    const span = source.span(e.pos[0], e.pos[1]);
    if (e.code === "DUPLICATE_KEY") {
      // The parser points at the key's first character; report the whole key.
      const key = keyAt(doc, e.pos[0]);
      const k = isScalar(key) ? String(key.value) : source.text.slice(e.pos[0], e.pos[1]);
      const keySpan = key?.range ? source.span(key.range[0], key.range[1]) : span;
      diags.report("TAL0703", keySpan, { args: { k }, help: "each key may appear once in a mapping" });
    } else {
      diags.report("TAL0701", span, { args: { message: e.message } });
    }
  }
  if (problems.length > 0 || !coreTagsOnly(doc, source, diags)) return undefined;
  const locator = new YamlLocator(doc, source);
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locator };
  } catch (err) {
    reportAliasFailure(doc, source, diags, err instanceof Error ? err.message : String(err));
    return undefined;
  }
}

/** The explicit tags of the YAML 1.2 core schema; `!!binary`, `!!set`, `!!timestamp` … would reach validation as Buffers, Sets and Dates. */
const CORE_TAGS: ReadonlySet<string> = new Set(["str", "int", "float", "bool", "null", "map", "seq"].map((t) => `tag:yaml.org,2002:${t}`));

/** Report every node whose explicit tag is outside the core schema (TAL0701); true when there is none. */
function coreTagsOnly(doc: Document.Parsed, source: Source, diags: Diagnostics): boolean {
  let ok = true;
  visit(doc, {
    Node: (_key, node) => {
      const tag = node.tag;
      if (tag === undefined || CORE_TAGS.has(tag)) return;
      ok = false;
      const shown = tag.replace(/^tag:yaml\.org,2002:/, "!!");
      const span = node.range ? source.span(node.range[0], node.range[1]) : source.span(0, 0);
      diags.report("TAL0701", span, { args: { message: `tag \`${shown}\` is outside the YAML 1.2 core schema` } });
    },
  });
  return ok;
}

/** The key node that starts at `offset`, if any. */
function keyAt(doc: Document.Parsed, offset: number): YamlNode | undefined {
  let found: YamlNode | undefined;
  visit(doc, {
    Pair: (_key, pair) => {
      const k = pair.key as YamlNode | null;
      if (k?.range?.[0] === offset) {
        found = k;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

/** `toJS` throws on an over-expanded or dangling alias; point at the first alias that explains it. */
function reportAliasFailure(doc: Document.Parsed, source: Source, diags: Diagnostics, message: string): void {
  const aliases: Alias[] = [];
  visit(doc, {
    Alias: (_key, node) => {
      aliases.push(node);
    },
  });
  const at = (node: Alias | undefined) => (node?.range ? source.span(node.range[0], node.range[1]) : source.span(0, 0));
  if (/excessive alias count/i.test(message)) {
    diags.report("TAL0709", at(aliases[0]), {
      help: `aliases here expand to more than ${MAX_ALIAS_COUNT} nodes; write the values out instead`,
    });
    return;
  }
  const dangling = aliases.find((a) => a.resolve(doc) === undefined);
  diags.report("TAL0701", at(dangling ?? aliases[0]), { args: { message } });
}
