/**
 * `talonc convert`: the printed `.talon` compiles to byte-identical `talonc ir --canonical` output
 * as the vendor YAML it came from — for the seed and for fixtures covering every schema key that
 * lowers to something (fixtures/convert), and for hostile strings (fast-check). What `.talon`
 * cannot spell with the same IR is refused with TAL1120, never printed with another meaning.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import { stringify } from "yaml";
import { runTalonc } from "../../compiler/cli/talonc.js";
import { convertYaml } from "../../compiler/convert/convert.js";
import { printExpr } from "../../compiler/convert/print-expr.js";
import { isRepresentableString, quoteString, regexLiteral } from "../../compiler/convert/quote.js";
import { Diagnostics } from "../../compiler/diagnostics/diagnostic.js";
import { parseExpressionText } from "../../compiler/parse/parse.js";
import { Source } from "../../compiler/source/source.js";
import { canonicalIr } from "../../compiler/ir/print.js";
import { compile } from "../../compiler/pipeline.js";
import { lexTalon } from "../../grammar/lexer.js";
import { Regex } from "../../grammar/tokens.js";

function run(...argv: string[]) {
  let stdout = "";
  let stderr = "";
  const code = runTalonc(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

// YAML oversight names team `approvers`, which YAML cannot declare: both sides get it from a shared file.
const TEAM = 'talon 1\nteam approvers { approvers "lead@acme.example" }\n';

const FIXTURES = [
  "examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon.yaml",
  "test/cli/fixtures/convert/full.talon.yaml",
  "test/cli/fixtures/convert/minimal.talon.yaml",
  "test/cli/fixtures/convert/passthrough.talon.yaml",
  "test/cli/fixtures/convert/empty-sections.talon.yaml",
];

describe("talonc convert: ir --canonical of the YAML and of its conversion are byte-identical", () => {
  for (const yamlPath of FIXTURES) {
    test(basename(yamlPath), () => {
      const work = mkdtempSync(join(tmpdir(), "talonc-convert-"));
      const yamlDir = join(work, "yaml");
      const talonDir = join(work, "talon");
      for (const d of [yamlDir, talonDir]) {
        mkdirSync(d);
        writeFileSync(join(d, "team.talon"), TEAM);
      }
      const name = basename(yamlPath, ".talon.yaml");
      writeFileSync(join(yamlDir, `${name}.talon.yaml`), readFileSync(yamlPath, "utf8"));

      const out = join(talonDir, `${name}.talon`);
      const conv = run("convert", yamlPath, "-o", out);
      expect(conv.code, conv.stderr).toBe(0);
      expect(conv.stdout).toBe("");
      const printed = readFileSync(out, "utf8");
      expect(printed.startsWith("talon 1\n")).toBe(true);
      expect(run("convert", yamlPath).stdout).toBe(printed);

      const a = run("ir", "--canonical", yamlDir);
      const b = run("ir", "--canonical", talonDir);
      expect(a.code, a.stderr).toBe(0);
      expect(b.code, b.stderr).toBe(0);
      expect(b.stdout).toBe(a.stdout);
      // Without approvals the converted file also stands alone, like the YAML.
      if (!printed.includes("approve ")) expect(run("ir", "--canonical", out).stdout).toBe(run("ir", "--canonical", yamlPath).stdout);
      // The printed form is already formatted.
      expect(run("fmt", out, "--check").code).toBe(0);
    });
  }

  test("the seed converts to its hand-written twin, up to comments and quote style", () => {
    const r = convertYaml("seed.talon.yaml", readFileSync(FIXTURES[0]!, "utf8"));
    const twin = readFileSync("examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon", "utf8");
    const strip = (t: string) => t.split("\n").filter((l) => !l.startsWith("#")).join("\n").replace(/'urgent'/, '"urgent"');
    expect(strip(r.text!)).toBe(strip(twin));
    expect(r.text).toContain("# Declare `team approvers { approvers \"…\" }`");
  });

  test("implicit lowering is written out: posture, grant anyone, args. on condition fields, vendor-scoped limits", () => {
    const r = convertYaml("full.talon.yaml", readFileSync(FIXTURES[1]!, "utf8"));
    expect(r.text).toContain("  posture read_write\n");
    expect(r.text).toContain("  grant anyone all on invoice_read, invoice_update, refund\n");
    expect(r.text).toContain('args.lines.exists(l, l.sku in ["GIFT", "VOUCHER"])');
    expect(r.text).toContain("(args.discount ?? 0) * 2 >= 50");
    expect(r.text).toContain('caller.id == "audit bot" && meta.retry == true');
    expect(r.text).toContain('  limit vendor "billing-ai" rate 120 per 1m burst 30 by caller\n');
  });
});

describe("talonc convert refuses what it cannot print faithfully", () => {
  function yaml(extra: string): string {
    return `agent: { name: "r", type: "mcp_proxy" }\nproxy:\n  upstream: { url: "http://x.example/mcp" }\n${extra}`;
  }
  function convertFile(text: string, name = "v.talon.yaml") {
    const dir = mkdtempSync(join(tmpdir(), "talonc-convert-"));
    const p = join(dir, name);
    writeFileSync(p, text);
    return run("convert", p);
  }

  test("a pattern with `/` outside a character class (a .talon regex literal keeps its body verbatim)", () => {
    const r = convertFile(yaml('pii_handling:\n  redaction_rules:\n    - { field: "a", method: "mask", patterns: ["a/b"] }\n'));
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toMatch(/v\.talon\.yaml:6:\d+: error\[TAL1120\]: cannot convert to \.talon: pattern "a\/b"/);
  });

  test("a field path whose text has no .talon spelling", () => {
    const r = convertFile(yaml('pii_handling:\n  redaction_rules:\n    - { field: "headers.x-request-id", method: "remove" }\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error\[TAL1120\]: cannot convert to \.talon: field path `headers\.x-request-id`/);
  });

  test("a vendor token with an empty `allowed_tools` (a boundary allowing nothing, which .talon cannot write)", () => {
    const r = convertFile(yaml('  auth:\n    tokens: [{ vendor: "v", token: "${V_TOKEN}", allowed_tools: [] }]\n'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cannot convert to .talon: vendor "v" has an empty `allowed_tools`');
  });

  test("a YAML with errors reports them; a .talon input is refused", () => {
    const bad = convertFile(yaml("proxy2: {}\n"));
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("error[TAL0702]");
    const notYaml = convertFile('talon 1\nagent "x" {}\n', "x.talon");
    expect(notYaml.code).toBe(1);
    expect(notYaml.stderr).toContain("is not a YAML file");
    expect(run("convert").code).toBe(2);
    expect(run("convert", "a.yaml", "--write").code).toBe(2);
  });
});

describe("quoting round-trips hostile strings", () => {
  const hostile = fc.oneof(
    fc.string({ unit: "binary", maxLength: 24 }),
    fc.constantFrom('"', "\\", "\n", "\r\n", "\t", "*/", "${X}", "\\u{41}", "'", "é\u0301", "\u202e", "\u2028", "\u0000", "#", "💥"),
    fc.array(fc.constantFrom('"', "\\", "\n", "*/", "${", "}", "'", "a", "\u{1F600}", "/", "["), { maxLength: 12 }).map((xs) => xs.join("")),
  );
  const wellFormed = (s: string) => s.length > 0 && isRepresentableString(s);

  test("every agent name, label, header, tls value and condition literal comes back with the same canonical IR", () => {
    let accepted = 0;
    fc.assert(
      fc.property(hostile.filter(wellFormed), hostile.filter(wellFormed), hostile.filter(wellFormed), hostile.filter(wellFormed), (name, label, header, literal) => {
        const doc = {
          agent: { name, type: "mcp_proxy" },
          proxy: {
            upstream: { vendor: label, url: "https://up.example/mcp", auth: { type: "bearer", header, value: "${UP_TOKEN}" } },
            allowed_tools: [{ name: "t", upstream_name: "up_t" }],
            tls: { cert: literal },
          },
          compliance: { human_oversight: { required_for: [{ tool: "t", conditions: [`tier == ${quoteString(literal)} || note.contains(${quoteString(name)})`] }] } },
        };
        const text = stringify(doc);
        const yamlResult = compile([{ path: "p.talon.yaml", text }]);
        fc.pre(yamlResult.ir !== undefined); // e.g. `${` outside a secret field is the YAML's own error
        accepted++;
        const team = { path: "team.talon", text: TEAM };
        const r = convertYaml("p.talon.yaml", text);
        expect(r.text, r.diagnostics.sorted().map((d) => `${d.code} ${d.message}`).join("; ")).toBeDefined();
        const a = compile([{ path: "p.talon.yaml", text }, team]);
        const b = compile([{ path: "p.talon", text: r.text! }, team]);
        expect(canonicalIr(b.ir!)).toBe(canonicalIr(a.ir!));
      }),
      { numRuns: 150 },
    );
    expect(accepted).toBeGreaterThan(100);
  });

  test("regex literals: printed verbatim or refused, never changed", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 16 }), fc.array(fc.constantFrom("/", "[", "]", "\\", "^", "a", "\n"), { maxLength: 10 }).map((xs) => xs.join(""))), (source) => {
        const lit = regexLiteral(source, "");
        if (lit === undefined) return;
        expect(lit).toBe(`/${source}/`);
        // The lexer reads exactly one regex token with this body.
        const { tokens, errors } = lexTalon(`${lit} with`);
        expect(errors).toEqual([]);
        expect(tokens[0]!.tokenType).toBe(Regex);
        expect(tokens[0]!.image).toBe(lit);
      }),
      { numRuns: 300 },
    );
  });
});

describe("expressions print with the fewest parentheses that keep the tree", () => {
  const leaf = fc.constantFrom("args.a", "args.b[0]", 'meta["k"]', "caller.id", "1", "2.5", '"s"', "'q'", "true", "null", "15m", "4MiB", "20 USD", "/re/i", "x");
  const { expr } = fc.letrec<{ expr: string }>((tie) => ({
    expr: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      { weight: 4, arbitrary: leaf },
      { weight: 6, arbitrary: fc.tuple(tie("expr"), fc.constantFrom("||", "&&", "==", "!=", "<", ">=", "??", "+", "-", "*", "in", "matches"), tie("expr")).map(([a, op, b]) => `(${a} ${op} ${b})`) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom("!", "-"), tie("expr")).map(([op, a]) => `${op}(${a})`) },
      { weight: 1, arbitrary: fc.tuple(tie("expr"), fc.constantFrom("1..5", "-3..3")).map(([a, r]) => `(${a} in ${r})`) },
      { weight: 1, arbitrary: fc.tuple(tie("expr"), tie("expr")).map(([a, b]) => `(${a}).exists(t, ${b})`) },
      { weight: 1, arbitrary: fc.array(tie("expr"), { maxLength: 3 }).map((xs) => `[${xs.join(", ")}]`) },
      { weight: 1, arbitrary: tie("expr").map((a) => `{ k: ${a}, "a b": 1 }`) },
      { weight: 1, arbitrary: tie("expr").map((a) => `has(${a})`) },
    ),
  }));
  const tree = (text: string) => {
    const diags = new Diagnostics();
    const e = parseExpressionText(new Source("e", text), 0, text.length, diags);
    return { e, json: JSON.stringify(e, (k, v: unknown) => (k === "span" || k === "keySpan" ? undefined : v)) };
  };
  test("parse → print → parse gives the same tree", () => {
    fc.assert(
      fc.property(expr, (text) => {
        const first = tree(text);
        fc.pre(first.e !== undefined); // e.g. `a == b == c` shapes the grammar rejects
        const printed = printExpr(first.e!);
        expect(tree(printed).json).toBe(first.json);
        expect(printed.length).toBeLessThanOrEqual(text.length);
      }),
      { numRuns: 500 },
    );
  });
});
