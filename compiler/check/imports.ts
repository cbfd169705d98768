/**
 * The load stage: parse every input with its front end (`.talon` → grammar, `*.yaml`/`*.yml` →
 * vendor YAML), then follow `import`s. An import is relative to the importing file; a `*` in it
 * matches within one path segment and expands sorted. A missing import (or a glob matching
 * nothing) is TAL0304; a cycle among imports is TAL0303. Each file is loaded once, whether named
 * on the command line, imported, or both.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import type { Diagnostics } from "../diagnostics/diagnostic.js";
import { loadVendorYaml } from "../config/load.js";
import type { FileAst, Str } from "../lower/ast.js";
import { parseTalon } from "../parse/parse.js";
import { Source } from "../source/source.js";

/** File access for imports (tests may substitute an in-memory one). */
export interface LoadHost {
  /** File text, or undefined when it does not exist or is not a file. */
  readFile(path: string): string | undefined;
  /** Names in a directory, or undefined when it is not one. */
  listDir(path: string): string[] | undefined;
}

/** The real file system. */
export const nodeHost: LoadHost = {
  readFile(path) {
    try {
      return statSync(path).isFile() ? readFileSync(path, "utf8") : undefined;
    } catch {
      return undefined;
    }
  },
  listDir(path) {
    try {
      return readdirSync(path);
    } catch {
      return undefined;
    }
  },
};

/** What the load stage produced. */
export interface Loaded {
  /** Parsed files, in load order (check sorts them). */
  readonly files: FileAst[];
  /** Every source read, by display path (for rendering diagnostics). */
  readonly sources: Map<string, Source>;
}

/** Is this path a vendor YAML file? */
export function isYamlPath(path: string): boolean {
  return /\.ya?ml$/i.test(path);
}

function parseFile(source: Source, diags: Diagnostics): FileAst | undefined {
  return isYamlPath(source.path) ? loadVendorYaml(source, diags) : parseTalon(source, diags);
}

/** `*` within one segment (an import glob): the same split-and-search rule as tool globs. */
function segmentMatches(pattern: string, name: string): boolean {
  const pieces = pattern.split("*");
  if (pieces.length === 1) return pattern === name;
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  if (name.length < first.length + last.length || !name.startsWith(first) || !name.endsWith(last)) return false;
  let at = first.length;
  const end = name.length - last.length;
  for (const mid of pieces.slice(1, -1)) {
    const i = name.indexOf(mid, at);
    if (i < 0 || i + mid.length > end) return false;
    at = i + mid.length;
  }
  return true;
}

/** Expand an import path (already joined to its directory) to existing files, sorted. */
function expand(host: LoadHost, path: string): string[] {
  if (!path.includes("*")) return host.readFile(path) !== undefined ? [path] : [];
  const segments = path.split("/");
  let dirs = [segments[0] === "" ? "/" : segments[0]!];
  for (let i = 1; i < segments.length; i++) {
    const seg = segments[i]!;
    const last = i === segments.length - 1;
    const next: string[] = [];
    for (const dir of dirs) {
      if (!seg.includes("*")) {
        next.push(join(dir, seg));
        continue;
      }
      for (const name of (host.listDir(dir) ?? []).sort()) if (!name.startsWith(".") && segmentMatches(seg, name)) next.push(join(dir, name));
    }
    dirs = last ? next.filter((p) => host.readFile(p) !== undefined) : next;
  }
  return dirs.sort();
}

/** Load inputs and everything they import. */
export function loadInputs(inputs: readonly { path: string; text: string }[], diags: Diagnostics, host: LoadHost = nodeHost): Loaded {
  const files: FileAst[] = [];
  const sources = new Map<string, Source>();
  const byKey = new Map<string, FileAst | null>(); // null: read but failed to parse
  const edges = new Map<string, { to: string; span: Str }[]>();
  const queue: { path: string; text: string }[] = [...inputs];
  while (queue.length > 0) {
    const { path, text } = queue.shift()!;
    const key = normalize(path);
    if (byKey.has(key)) continue;
    const source = new Source(path, text);
    sources.set(path, source);
    const ast = parseFile(source, diags);
    byKey.set(key, ast ?? null);
    if (!ast) continue;
    files.push(ast);
    const out: { to: string; span: Str }[] = [];
    for (const imp of ast.imports) {
      const targets = expand(host, join(dirname(path), imp.value));
      if (targets.length === 0) {
        diags.report("TAL0304", imp.span, { args: { path: imp.value }, help: `paths are relative to ${dirname(path)}` });
        continue;
      }
      for (const t of targets) {
        out.push({ to: normalize(t), span: imp });
        if (!byKey.has(normalize(t))) queue.push({ path: t, text: host.readFile(t) ?? "" });
      }
    }
    edges.set(key, out);
  }
  reportCycles(edges, diags);
  return { files, sources };
}

/** Depth-first search for back edges; each is one cycle, reported at the import that closes it. */
function reportCycles(edges: ReadonlyMap<string, readonly { to: string; span: Str }[]>, diags: Diagnostics): void {
  const state = new Map<string, "active" | "done">();
  const stack: string[] = [];
  const visit = (node: string) => {
    state.set(node, "active");
    stack.push(node);
    for (const e of edges.get(node) ?? []) {
      const s = state.get(e.to);
      if (s === "active") {
        const cycle = [...stack.slice(stack.indexOf(e.to)), e.to].join(" -> ");
        diags.report("TAL0303", e.span.span, { args: { cycle }, help: "move the shared declarations into a file both can import" });
      } else if (s === undefined) visit(e.to);
    }
    stack.pop();
    state.set(node, "done");
  };
  for (const node of [...edges.keys()].sort()) if (!state.has(node)) visit(node);
}
