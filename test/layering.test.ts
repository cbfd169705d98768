/**
 * The compile/runtime boundary (ARCHITECTURE.md, STYLE.md §12): nothing under runtime/ may import
 * the compiler, the grammar, chevrotain or ts-morph — the runtime ships with every bundle and must
 * stay small and free of build-time code. Checked on the import graph of the sources.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative, resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

function files(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...files(p));
    else if (/\.(ts|mts|mjs|js)$/.test(name)) out.push(p);
  }
  return out;
}

/** Every module specifier a file imports (static, dynamic and re-exports). */
function specifiers(text: string): string[] {
  const re = /(?:import|export)\s[^'"]*?from\s*["']([^"']+)["']|import\s*\(\s*["']([^"']+)["']\s*\)|import\s+["']([^"']+)["']/g;
  const out: string[] = [];
  for (const m of text.matchAll(re)) out.push((m[1] ?? m[2] ?? m[3])!);
  return out;
}

describe("layering", () => {
  const runtimeFiles = files(join(ROOT, "runtime"));

  it("finds the runtime sources", () => {
    expect(runtimeFiles.length).toBeGreaterThan(10);
  });

  it.each(runtimeFiles.map((f) => [relative(ROOT, f), f]))("%s imports no build-time code", (_name, file) => {
    for (const spec of specifiers(readFileSync(file, "utf8"))) {
      expect(spec, `${relative(ROOT, file)} imports ${spec}`).not.toMatch(/^(chevrotain|ts-morph|typescript)(\/|$)/);
      if (spec.startsWith(".")) {
        const target = relative(ROOT, resolve(dirname(file), spec));
        expect(target, `${relative(ROOT, file)} imports ${spec}`).not.toMatch(/^(compiler|grammar)(\/|$)/);
      }
    }
  });

  it("the specifier scan sees the imports it must police", () => {
    expect(specifiers(`import { x } from "../compiler/a.js";\nconst m = await import("chevrotain");\nexport * from "./b.js";`)).toEqual([
      "../compiler/a.js",
      "chevrotain",
      "./b.js",
    ]);
  });
});
