/**
 * From a place in the config (a key/index path, or an ajv `instancePath`) back to the YAML text:
 * the validator and the lowering both read plain JS values, and ask a `YamlLocator` where each
 * value was written so diagnostics and AST spans point at the YAML file's own line:col.
 */
import { isAlias, isMap, isScalar, isSeq, Scalar, type Document, type Node as YamlNode, type Pair } from "yaml";
import type { Source, Span } from "../source/source.js";

/** A path into the config: map keys and sequence indexes, outermost first. */
export type ConfigPath = readonly (string | number)[];

/** Where a value's characters sit in the file, and whether they are exactly the value. */
export interface ContentRange {
  readonly start: number;
  readonly end: number;
  /** True when `source.text.slice(start, end)` equals the value (no escapes, folding or block header). */
  readonly exact: boolean;
}

interface Hit {
  /** The value node at the path (aliases resolved); null when the path ends at an empty value. */
  readonly node: YamlNode | null;
  /** The key node when the last step was a map key. */
  readonly key: YamlNode | null;
  /** How many steps of the path were found. */
  readonly depth: number;
}

/** Answers "where was this written" for one parsed YAML document. */
export class YamlLocator {
  constructor(
    readonly doc: Document.Parsed,
    readonly source: Source,
  ) {}

  /** Span of the value at `path`, or of the deepest part of the path that exists. */
  value(path: ConfigPath): Span {
    const hit = this.walk(path);
    return this.spanOf(hit.node) ?? this.spanOf(hit.key) ?? this.rootSpan();
  }

  /** Span of the key that ends `path` (the value's span when the last step is an index). */
  key(path: ConfigPath): Span {
    const hit = this.walk(path);
    return this.spanOf(hit.key) ?? this.spanOf(hit.node) ?? this.rootSpan();
  }

  /** From the key that ends `path` to the end of its value (`upstream:` plus its block). */
  entry(path: ConfigPath): Span {
    const hit = this.walk(path);
    const k = this.spanOf(hit.key);
    const v = this.spanOf(hit.node);
    if (k && v && v.end >= k.start) return this.source.span(k.start, v.end);
    return k ?? v ?? this.rootSpan();
  }

  /** The scalar at `path`, if the path ends at one. */
  scalar(path: ConfigPath): Scalar | undefined {
    const { node, depth } = this.walk(path);
    return depth === path.length && isScalar(node) ? node : undefined;
  }

  /** Where the characters of the string at `path` are (quotes excluded). */
  content(path: ConfigPath, value: string): ContentRange {
    const node = this.scalar(path);
    if (!node?.range) {
      const s = this.value(path);
      return { start: s.start, end: s.end, exact: false };
    }
    const quoted = node.type === Scalar.QUOTE_DOUBLE || node.type === Scalar.QUOTE_SINGLE;
    const start = node.range[0] + (quoted ? 1 : 0);
    const end = Math.max(start, node.range[1] - (quoted ? 1 : 0));
    return { start, end, exact: this.source.text.slice(start, end) === value };
  }

  /** A zero-width span at the document's first node (or the file start): for "missing" diagnostics. */
  rootSpan(): Span {
    const root = this.doc.contents;
    const at = root?.range ? root.range[0] : 0;
    return this.source.span(at, at);
  }

  /** Parse an ajv `instancePath` (RFC 6901 pointer) into a config path. */
  static fromPointer(pointer: string): ConfigPath {
    if (pointer === "") return [];
    return pointer
      .slice(1)
      .split("/")
      .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
      .map((s) => (/^(0|[1-9]\d*)$/.test(s) ? Number(s) : s));
  }

  private walk(path: ConfigPath): Hit {
    let node = this.deref(this.doc.contents);
    let key: YamlNode | null = null;
    let depth = 0;
    for (const step of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyText(this.deref(p.key as YamlNode | null)) === String(step)) as Pair<YamlNode | null, YamlNode | null> | undefined;
        if (!pair) break;
        key = pair.key;
        node = this.deref(pair.value);
      } else if (isSeq(node) && typeof step === "number" && step < node.items.length) {
        key = null;
        node = this.deref(node.items[step] as YamlNode | null);
      } else {
        break;
      }
      depth++;
    }
    return { node, key, depth };
  }

  /** Follow one alias to its anchored node (anchored nodes are never aliases, so one step suffices). */
  private deref(node: YamlNode | null | undefined): YamlNode | null {
    if (node === null || node === undefined) return null;
    if (isAlias(node)) return (node.resolve(this.doc) as YamlNode | undefined) ?? null;
    return node;
  }

  private spanOf(node: YamlNode | null): Span | undefined {
    if (!node?.range) return undefined;
    return this.source.span(node.range[0], Math.max(node.range[0], this.endOf(node)));
  }

  /**
   * Where a node's content ends. A block collection's own range runs on over trailing blank and
   * comment lines, so it ends where its last item does instead.
   */
  private endOf(node: YamlNode): number {
    const end = node.range?.[1] ?? 0;
    if (!isMap(node) && !isSeq(node)) return end;
    if (node.flow) return end;
    const last = node.items[node.items.length - 1] as Pair<YamlNode | null, YamlNode | null> | YamlNode | undefined;
    if (last === undefined) return end;
    if (isMap(node)) {
      const pair = last as Pair<YamlNode | null, YamlNode | null>;
      const tail = pair.value?.range ? pair.value : pair.key;
      return tail?.range ? this.endOf(tail) : end;
    }
    const item = last as YamlNode;
    return item.range ? this.endOf(item) : end;
  }
}

/** The text a scalar key stands for (`toJS` stringifies keys the same way). */
function keyText(node: YamlNode | null): string | undefined {
  if (isScalar(node)) return String(node.value);
  return undefined;
}

/** `proxy.allowed_tools[1].name`: a path as users read it in messages. */
export function pathText(path: ConfigPath): string {
  let out = "";
  for (const step of path) out += typeof step === "number" ? `[${step}]` : out === "" ? step : `.${step}`;
  return out === "" ? "the document" : out;
}
