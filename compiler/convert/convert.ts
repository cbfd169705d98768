/**
 * `talonc convert <vendor.yaml>`: the `.talon` form of a seed-shaped vendor YAML (LANGUAGE.md §9,
 * "Equivalence"). The YAML must compile; its AST is printed (print-file.ts) and the result is
 * checked here: the printed text must compile to the same canonical IR as the YAML, else the
 * conversion is refused (TAL1121) rather than handing back a policy with another meaning.
 *
 * The YAML's oversight names team `approvers`, which YAML cannot declare (TAL1104 warns there;
 * in `.talon` an unknown team is TAL0301). The printed file says so in a comment, and the
 * self-check declares the missing teams identically on both sides.
 */
import { Diagnostics } from "../diagnostics/diagnostic.js";
import { isYamlPath } from "../check/imports.js";
import { loadVendorYaml } from "../config/load.js";
import { canonicalIr } from "../ir/print.js";
import type { BundleIR } from "../ir/ir.js";
import { compile } from "../pipeline.js";
import { Source } from "../source/source.js";
import { printFile } from "./print-file.js";
import { Unprintable } from "./print-expr.js";

/** What `convertYaml` produced: the text (when it succeeded), diagnostics and sources to render them. */
export interface ConvertResult {
  readonly text?: string;
  readonly diagnostics: Diagnostics;
  readonly sources: Map<string, Source>;
}

/** Teams that approve rules name but the bundle does not declare. */
function undeclaredTeams(ir: BundleIR): string[] {
  const declared = new Set(ir.teams.map((t) => t.name));
  const named = new Set<string>();
  for (const a of ir.agents) for (const r of a.rules) if (r.kind === "approve" && !declared.has(r.team)) named.add(r.team);
  return [...named].sort();
}

/** A stand-in declaration of `teams` for the self-check (both sides get the same one). */
function teamStub(teams: readonly string[]): { path: string; text: string }[] {
  if (teams.length === 0) return [];
  return [{ path: "<talonc convert>/teams.talon", text: `talon 1\n${teams.map((t) => `team ${t} { approvers "self-check@talon.invalid" }`).join("\n")}\n` }];
}

/** Convert one vendor YAML file (display path and text). `outPath` names the `.talon` in the self-check. */
export function convertYaml(path: string, text: string, outPath = path.replace(/\.ya?ml$/i, "") + (path.endsWith(".talon.yaml") ? "" : ".talon")): ConvertResult {
  const diags = new Diagnostics();
  const source = new Source(path, text);
  const sources = new Map([[path, source]]);
  if (!isYamlPath(path)) {
    diags.report("TAL1120", source.span(0, 0), { args: { why: `\`${path}\` is not a YAML file (*.yaml, *.yml)` } });
    return { diagnostics: diags, sources };
  }
  const yaml = compile([{ path, text }]);
  if (yaml.diagnostics.hasErrors || !yaml.ir) return { diagnostics: yaml.diagnostics, sources: yaml.sources };
  const ast = loadVendorYaml(source, new Diagnostics());
  if (!ast) throw new Error("vendor YAML compiled but did not load a second time");

  const teams = undeclaredTeams(yaml.ir);
  const notes = [`Converted from ${path} by \`talonc convert\`.`];
  for (const t of teams) notes.push(`Declare \`team ${t} { approvers "…" }\` in a .talon file of the bundle: its approvals are denied until then.`);
  let printed: string;
  try {
    printed = printFile(ast, notes);
  } catch (e) {
    if (!(e instanceof Unprintable)) throw e;
    diags.report("TAL1120", e.span ?? source.span(0, 0), { args: { why: e.message } });
    return { diagnostics: diags, sources };
  }

  // Self-check: both front ends, with the same stand-in teams, must give byte-identical canonical IR.
  const stub = teamStub(teams);
  const want = compile([{ path, text }, ...stub]);
  const got = compile([{ path: outPath, text: printed }, ...stub]);
  if (!got.ir || got.diagnostics.hasErrors) {
    const first = got.diagnostics.sorted().find((d) => d.severity === "error");
    diags.report("TAL1121", source.span(0, 0), { args: { why: first ? `${first.code} ${first.message} in the printed text` : "the printed text does not compile" } });
    return { diagnostics: diags, sources };
  }
  if (!want.ir || canonicalIr(want.ir) !== canonicalIr(got.ir)) {
    diags.report("TAL1121", source.span(0, 0), { args: { why: "the canonical IRs differ" }, help: "please report this with the YAML file" });
    return { diagnostics: diags, sources };
  }
  return { text: printed, diagnostics: yaml.diagnostics, sources: yaml.sources };
}
