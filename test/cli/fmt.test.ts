/**
 * `talonc fmt`: canonical layout that keeps every comment, never changes meaning (same span-free
 * AST, same canonical IR) and is idempotent — checked on every `.talon` in the repo (examples,
 * emitter and grammar fixtures, the LANGUAGE.md §13 examples under fixtures/fmt, the policies of
 * test/cases) — plus exact layouts for hand-written messy input and the CLI's `--check`/`--write`.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { parse as parseYaml } from "yaml";
import { lexTalon } from "../../grammar/lexer.js";
import { runTalonc } from "../../compiler/cli/talonc.js";
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import { formatTalon } from "../../compiler/format/format.js";
import { canonicalIr } from "../../compiler/ir/print.js";
import { parseTalon } from "../../compiler/parse/parse.js";
import { compile } from "../../compiler/pipeline.js";
import { Source } from "../../compiler/source/source.js";

function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runTalonc(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

function fmt(text: string, path = "x.talon"): string {
  const r = formatTalon(path, text);
  if (!r.ok) throw new Error(`not formatted: ${r.diagnostics.sorted().map((d) => `${d.code} ${d.message}`).join("; ")}`);
  return r.text;
}

/** The AST without positions: what the file means, as far as the parser is concerned. */
function ast(path: string, text: string): string {
  const diags = new Diagnostics();
  const file = parseTalon(new Source(path, text), diags);
  expect(file, diags.sorted().map((d) => d.message).join("; ")).toBeDefined();
  // A money literal's `text` is its source text (`20 USD`, however spaced); its value is micros + currency.
  return JSON.stringify(file, function (this: Record<string, unknown>, k, v: unknown) {
    return k === "span" || k === "keySpan" || (k === "text" && this["kind"] === "money") ? undefined : v;
  }, 1);
}

/** Comment texts in order (from the gaps between tokens). */
function comments(text: string): string[] {
  const out: string[] = [];
  let pos = 0;
  const gaps = lexTalon(text).tokens.map((t) => [t.startOffset, t.endOffset! + 1] as const);
  for (const [s, e] of [...gaps, [text.length, text.length] as const]) {
    for (const m of text.slice(pos, s).matchAll(/#[^\n\r]*/g)) out.push(m[0].trimEnd());
    pos = e;
  }
  return out;
}

function talonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return n === "node_modules" ? [] : talonFiles(p);
    return n.endsWith(".talon") ? [p] : [];
  });
}

/** Groups of files compiled together (a directory's files, or one test/cases policy). */
function corpus(): { name: string; files: { path: string; text: string }[] }[] {
  const groups = new Map<string, { path: string; text: string }[]>();
  for (const root of ["examples", "test/emit/fixtures", "test/grammar/fixtures", "test/cli/fixtures/fmt"]) {
    for (const p of talonFiles(root)) {
      const key = root === "test/cli/fixtures/fmt" || root === "test/grammar/fixtures" ? p : dirname(p);
      groups.set(key, [...(groups.get(key) ?? []), { path: p, text: readFileSync(p, "utf8") }]);
    }
  }
  for (const n of readdirSync("test/cases").filter((x) => x.endsWith(".yaml") && x !== "exceptions.yaml")) {
    const c = parseYaml(readFileSync(join("test/cases", n), "utf8")) as { name?: string; policy?: string; files?: Record<string, string> };
    const files = c.policy !== undefined ? { [`${c.name ?? n}.talon`]: c.policy } : (c.files ?? {});
    const talon = Object.entries(files).filter(([p]) => p.endsWith(".talon"));
    if (talon.length > 0) groups.set(`test/cases/${n}`, talon.map(([path, text]) => ({ path: `test/cases/${n}/${path}`, text })));
  }
  return [...groups].map(([name, files]) => ({ name, files }));
}

describe("fmt on every .talon in the repository", () => {
  const groups = corpus();
  test("the corpus is not empty", () => {
    expect(groups.length).toBeGreaterThan(10);
    expect(groups.some((g) => g.name.includes("language-13-2"))).toBe(true);
  });
  for (const g of groups) {
    test(`${g.name}: idempotent, comments kept, same AST and IR`, () => {
      const formatted = g.files.map((f) => ({ path: f.path, text: fmt(f.text, f.path) }));
      for (const [i, f] of g.files.entries()) {
        const out = formatted[i]!.text;
        expect(fmt(out, f.path), `${f.path} is not idempotent`).toBe(out);
        expect(comments(out), `${f.path} lost or moved comments`).toEqual(comments(f.text));
        expect(ast(f.path, out), `${f.path} changed meaning`).toBe(ast(f.path, f.text));
        expect(out.split("\n").filter((l) => /\s$/.test(l))).toEqual([]);
      }
      const before = compile(g.files);
      if (before.ir) {
        const after = compile(formatted);
        expect(after.ir).toBeDefined();
        expect(canonicalIr(after.ir!)).toBe(canonicalIr(before.ir));
      }
    });
  }
});

describe("fmt under random whitespace and comments", () => {
  // Every file of the corpus, re-joined with random separators between its tokens (spaces, line
  // breaks, blank lines, comments): fmt keeps the meaning and every comment, and is idempotent.
  const sep = fc.constantFrom(" ", "   ", "\n", "\n\n\n", "\t", " # c1\n", "\n  ## doc\n", "#x\n\n");
  const files = corpus().flatMap((g) => g.files);
  for (const f of files) {
    test(f.path, () => {
      const toks = lexTalon(f.text).tokens;
      fc.assert(
        fc.property(fc.array(sep, { minLength: toks.length, maxLength: toks.length }), (seps) => {
          const mangled = toks.map((t, i) => (i === 0 ? "" : seps[i]!) + t.image).join("") + "\n";
          const out = fmt(mangled, f.path);
          expect(fmt(out, f.path)).toBe(out);
          expect(comments(out)).toEqual(comments(mangled));
          expect(ast(f.path, out)).toBe(ast(f.path, mangled));
        }),
        { numRuns: Number(process.env["FMT_RUNS"] ?? 15) },
      );
    });
  }
});

describe("layout", () => {
  test("indentation, one item per line, spacing, quotes, blank lines and comments", () => {
    const messy = [
      "# leading comment",
      "talon   1",
      "",
      "",
      "",
      "secret   k=env( 'K' )   # trailing",
      "team ops{members 'a','b' approvers \"c\"}",
      "team big {",
      "members \"a\"",
      "      # inside",
      "   approvers \"b\"",
      "}",
      'agent "x"{ mode intercept posture read_write',
      '  upstream stdio [ "node" ,"s.mjs" ]',
      "tool a->'b'{class read}",
      "@id( \"f\" )   forbid tool a when ! has( args.x )&&args.n>-1",
      "",
      "",
      "  grant anyone read on a when args.tags.exists( t,t==\"x\" ) || args.n in -5..5",
      "  redact tickets[*].email with mask( 2 ,\"*\")   # keep",
      "  compliance{frameworks gdpr,nis2 audit_retention 30d}",
      "  approve tool a when args.impact ?? 0 > 500 by team ops",
      "}",
    ].join("\n");
    expect(fmt(messy)).toBe(
      [
        "# leading comment",
        "talon 1",
        "",
        'secret k = env("K")  # trailing',
        'team ops { members "a", "b"  approvers "c" }',
        "team big {",
        '  members "a"',
        "  # inside",
        '  approvers "b"',
        "}",
        'agent "x" {',
        "  mode intercept",
        "  posture read_write",
        '  upstream stdio ["node", "s.mjs"]',
        '  tool a -> "b" { class read }',
        '  @id("f") forbid tool a when !has(args.x) && args.n > -1',
        "",
        '  grant anyone read on a when args.tags.exists(t, t == "x") || args.n in -5..5',
        '  redact tickets[*].email with mask(2, "*")  # keep',
        "  compliance { frameworks gdpr, nis2  audit_retention 30d }",
        "  approve tool a when (args.impact ?? 0) > 500 by team ops",
        "}",
        "",
      ].join("\n"),
    );
  });

  test("`??` alone, or already parenthesized, is left as is", () => {
    const src = 'talon 1\nagent "x" {\n  forbid tool a when args.a ?? false\n  forbid tool b when (args.b ?? 0) > 1 && args.c\n}\n';
    expect(fmt(src)).toBe(src);
    expect(fmt('talon 1\nagent "x" {\n  forbid tool a when args.a ?? args.b ?? false || args.c\n}\n')).toContain("when (args.a ?? args.b ?? false) || args.c");
    expect(fmt('talon 1\nagent "x" {\n  forbid tool a when ! ( args.a||args.b ) && - 1 < args.c * ( 2 + 3 )\n}\n')).toContain("when !(args.a || args.b) && -1 < args.c * (2 + 3)");
  });

  test("annotations on their own line keep the rule at the item's indentation; broken lines are kept, indented", () => {
    const src = 'talon 1\nagent "x" {\n@id("a")\n@reason("r")\nforbid tool a\nwhen args.x == 1 ||\nargs.y == 2\n}\n';
    expect(fmt(src)).toBe('talon 1\nagent "x" {\n  @id("a")\n  @reason("r")\n  forbid tool a\n    when args.x == 1 ||\n    args.y == 2\n}\n');
  });

  test("CRLF line ends become LF; a file of only the header stays as it is", () => {
    expect(fmt('talon 1\r\n# c\r\nagent "x" {\r\n  mode intercept\r\n}\r\n')).toBe('talon 1\n# c\nagent "x" {\n  mode intercept\n}\n');
    expect(fmt("talon 1\n")).toBe("talon 1\n");
  });

  test("a file with a syntax error is refused with the parser's diagnostics", () => {
    const r = formatTalon("bad.talon", 'talon 1\nagent "x" { forbid }\n');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.sorted()[0]!.code).toBe("TAL0201");
  });
});

describe("talonc fmt", () => {
  const messy = 'talon 1\nagent "x" {   mode   intercept }\n';
  const clean = 'talon 1\nagent "x" {\n  mode intercept\n}\n';

  test("prints to stdout by default; --check lists files that would change; --write rewrites them", () => {
    const dir = mkdtempSync(join(tmpdir(), "talonc-fmt-"));
    writeFileSync(join(dir, "a.talon"), messy);
    writeFileSync(join(dir, "b.talon"), clean);
    writeFileSync(join(dir, "c.talon.yaml"), "not: talon\n");

    const printed = run("fmt", join(dir, "a.talon"));
    expect(printed).toEqual({ code: 0, stdout: clean, stderr: "" });
    expect(readFileSync(join(dir, "a.talon"), "utf8")).toBe(messy);

    const check = run("fmt", dir, "--check");
    expect(check.code).toBe(1);
    expect(check.stdout).toBe(`${join(dir, "a.talon")}\n`);

    const write = run("fmt", dir, "--write");
    expect(write.code, write.stderr).toBe(0);
    expect(readFileSync(join(dir, "a.talon"), "utf8")).toBe(clean);
    expect(readFileSync(join(dir, "c.talon.yaml"), "utf8")).toBe("not: talon\n");
    expect(run("fmt", dir, "--check")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test.each(["examples/airlock-fs", "examples/talos-cluster-admin", "examples/zendesk-vendor-proxy"])("the runnable example %s is in canonical layout (`fmt --check`)", (dir) => {
    expect(run("fmt", dir, "--check")).toEqual({ code: 0, stdout: "", stderr: "" });
  });

  test("a file with errors exits 1 with diagnostics and is not rewritten", () => {
    const dir = mkdtempSync(join(tmpdir(), "talonc-fmt-"));
    const bad = join(dir, "bad.talon");
    writeFileSync(bad, 'talon 1\nagent "x" { mode sideways }\n');
    const r = run("fmt", bad, "--write");
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/bad\.talon:2:\d+: error\[TAL0201\]/);
    expect(readFileSync(bad, "utf8")).toBe('talon 1\nagent "x" { mode sideways }\n');
  });

  test("bad usage exits 2", () => {
    expect(run("fmt").code).toBe(2);
    expect(run("fmt", "a.talon", "--check", "--write").code).toBe(2);
    expect(run("fmt", "/nonexistent/dir").code).toBe(1);
    expect(run("fmt", "agent.talon.yaml").code).toBe(2);
  });
});
