/** Shared helpers for the vendor-YAML front-end tests: load text, look at diagnostics, drop spans. */
import { readFileSync } from "node:fs";
import { loadVendorYaml } from "../../compiler/config/load.js";
import { Diagnostics, type Diagnostic } from "../../compiler/diagnostics/diagnostic.js";
import { renderDiagnostics } from "../../compiler/diagnostics/render.js";
import type { FileAst } from "../../compiler/lower/ast.js";
import { Source } from "../../compiler/source/source.js";

export const SEED_PATH = "examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon.yaml";

/** The seed YAML's text (read relative to the repo root, where vitest runs). */
export function seedText(): string {
  return readFileSync(new URL(`../../${SEED_PATH}`, import.meta.url), "utf8");
}

export interface Loaded {
  readonly ast: FileAst | undefined;
  readonly diags: readonly Diagnostic[];
  readonly source: Source;
  /** The rendered diagnostics, for failure messages and render assertions. */
  readonly text: string;
}

/** Load YAML text as `path`. */
export function load(text: string, path = "agent.talon.yaml"): Loaded {
  const source = new Source(path, text);
  const bag = new Diagnostics();
  const ast = loadVendorYaml(source, bag);
  const diags = bag.sorted();
  return { ast, diags, source, text: renderDiagnostics(diags, new Map([[path, source]])) };
}

/** `TAL0702@3:5` for each diagnostic, in order. */
export function where(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => `${d.code}@${d.span.line}:${d.span.col}`);
}

/** The codes of the diagnostics, in order. */
export function codes(diags: readonly Diagnostic[]): string[] {
  return diags.map((d) => d.code);
}

/** A deep copy without `span`/`keySpan` properties, for shape comparisons. */
export function stripSpans<T>(value: T): unknown {
  if (Array.isArray(value)) return value.map(stripSpans);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (k !== "span" && k !== "keySpan") out[k] = stripSpans(v);
    return out;
  }
  return value;
}

/** A minimal valid document, with extra YAML appended under `proxy:` (indented by the caller). */
export function minimal(proxyExtra = "", tail = ""): string {
  return `agent:\n  name: "a"\n  type: "mcp_proxy"\nproxy:\n  upstream:\n    url: "https://up.example"\n${proxyExtra}${tail}`;
}
