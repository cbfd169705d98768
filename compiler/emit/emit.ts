/**
 * The emitter: IR → `policy.ts` (assembled in one shot from ts-morph structures), type-checked
 * against `runtime/hooks.ts`, then compiled to `policy.mjs` with `ts.transpileModule` (ES2022 ESM;
 * the type-only import disappears, so the bundle imports nothing at run time). Output is
 * deterministic: the same IR and options give byte-identical files.
 */
import { IndentationText, NewLineKind, Project, QuoteKind, StructureKind, ts as typescript, type StatementStructures } from "ts-morph";
import type { AgentIR, BundleIR } from "../ir/ir.js";
import { decisionText } from "../ir/decision-text.js";
import { Code, Name, comment, commentText, frozenArray, frozenObject, indent, join, ts } from "./code.js";
import { emitClientName, emitUpstreamName, emitDecide } from "./emit-agent.js";
import { blocksCode, idempotencyCode, limitsCode } from "./emit-obligations.js";
import { redactionKeyOf, redactionsCode } from "./emit-redaction.js";
import { rootsCode } from "./emit-roots.js";
import { conditionsCode } from "./emit-unknowns.js";
import { CondEmitter } from "./expr-code.js";
import { anyGlobTest } from "./glob-code.js";
import { exprHelpersCode } from "./expr-helpers.js";
import { helpersCode } from "./helpers.js";
import { ModuleBuilder } from "./module.js";
import { agentSlugs } from "./names.js";
import { planAgent, slotsOf, type Slot } from "./plan.js";
import { typecheckPolicy } from "./typecheck.js";

/** What the emitter needs besides the IR. */
export interface EmitOptions {
  readonly compilerVersion: string;
  readonly bundleHash: string;
  /** For the header's regenerate command: the directory and output as the user wrote them. */
  readonly regenerate: { readonly dir: string; readonly out: string };
  /** Type-check the generated TypeScript (default true). */
  readonly typecheck?: boolean;
}

/** The generated module, as TypeScript and as compiled ES2022 JavaScript. */
export interface EmittedPolicy {
  readonly policyTs: string;
  readonly policyMjs: string;
}

const N = (s: string) => Name.of(s);

/** Whether clients of `agent` need no credential (mirrors check-anonymous). */
export function allowsAnonymousIr(ir: BundleIR, agent: AgentIR): boolean {
  if (agent.auth?.scheme === "oidc") return false;
  return agent.auth?.scheme === "none" || !ir.principals.some((p) => p.token !== null);
}

/** `CompiledAgent.auth`: bearer or oidc as written; null when not written or `auth none`. */
function clientAuthCode(a: AgentIR): Code | null {
  const auth = a.auth;
  if (auth === null || auth.scheme === "none") return null;
  if (auth.scheme === "bearer") return frozenObject([[N("scheme"), "bearer"]]);
  return frozenObject([
    [N("scheme"), "oidc"],
    [N("issuer"), auth.issuer ?? ""],
    [N("audience"), auth.audience ?? ""],
  ]);
}

function secretCode(s: { kind: string; value: string } | null): Code {
  return s === null ? ts`null` : frozenObject([
      [N("kind"), s.kind],
      [N("value"), s.value],
    ]);
}

function principalsCode(slots: readonly Slot[]): Code {
  const items = slots
    .filter((s) => s.principal)
    .map((s) =>
      frozenObject([
        [N("id"), s.principal!.id],
        [N("kind"), s.principal!.kind],
        [N("index"), s.index],
        [N("token"), secretCode(s.principal!.token)],
        [N("oidcSub"), s.principal!.oidcSub],
        [N("teams"), frozenArray([...s.teams].sort())],
      ]),
    );
  return items.length === 0 ? ts`Object.freeze([])` : join([ts`Object.freeze([`, indent(join(items.map((i) => ts`${i},`), "\n")), ts`])`], "\n");
}

function emitBoundary(mb: ModuleBuilder, slots: readonly Slot[]): Name {
  const tool = N("tool");
  const cases: Code[] = [];
  for (const s of slots) {
    const tools = s.principal?.tools;
    if (!s.principal || tools === null || tools === undefined) continue;
    cases.push(ts`case ${s.index}: ${comment(`${s.principal.kind} "${s.principal.id}"`)}`, ts`  return ${anyGlobTest(mb, tool, tools, false)};`);
  }
  const name = N("inBoundary");
  mb.fn({
    name,
    params: [
      [tool, Code.trusted("string")],
      [N("p"), Code.trusted("number")],
    ],
    returnType: Code.trusted("boolean"),
    body: cases.length === 0 ? [ts`return true;`] : [join([ts`switch (p) {`, indent(join([...cases, ts`default:`, ts`  return true;`], "\n")), ts`}`], "\n")],
    leading: comment("Principal boundaries (`tools`, seed `allowed_tools`): case-sensitive globs; no boundary = unbounded."),
  });
  return name;
}

function upstreamCode(a: AgentIR): Code {
  const u = a.upstream;
  const vendor: [Name, string | null] = [N("vendor"), u.vendor];
  if (u.transport === "http") return frozenObject([[N("transport"), "http"], [N("url"), u.url], vendor]);
  if (u.transport === "stdio") return frozenObject([[N("transport"), "stdio"], [N("argv"), frozenArray(u.argv)], vendor]);
  return frozenObject([[N("transport"), "unix"], [N("path"), u.path], vendor]);
}

/** The spec lists of an agent (`CompiledAgent.redactions`, `limits`, `idempotency`, `blocks`). */
interface AgentSpecs {
  readonly redactions: Code;
  readonly limits: Code;
  readonly idempotency: Code;
  readonly blocks: Code;
  /** `CompiledAgent.roots` (§8.4); null = the field is left out (no roots declared). */
  readonly roots: Name | null;
  /** `CompiledAgent.conditions` (§5 U-resolutions); null = no conditional forbid/approve/confirm. */
  readonly conditions: Code | null;
}

function agentCode(ir: BundleIR, a: AgentIR, decide: Name, clientName: Name, upstreamName: Name, specs: AgentSpecs): Code {
  const auth = a.upstreamAuth;
  return frozenObject([
    [N("name"), a.name],
    [N("mode"), a.mode],
    [N("upstream"), upstreamCode(a)],
    [N("upstreamAuth"), auth === null ? null : frozenObject([[N("scheme"), auth.scheme], [N("header"), auth.header], [N("secret"), secretCode(auth.secret)]])],
    [N("allowAnonymous"), allowsAnonymousIr(ir, a)],
    [N("auth"), clientAuthCode(a)],
    [N("decide"), decide],
    [N("clientName"), clientName],
    [N("upstreamName"), upstreamName],
    [N("redactions"), specs.redactions],
    [N("limits"), specs.limits],
    [N("idempotency"), specs.idempotency],
    [N("blocks"), specs.blocks],
    ...(a.blobs === null || a.blobs === "pass" ? [] : ([[N("blobs"), a.blobs]] as [Name, string][])),
    [N("redactionKey"), secretCode(redactionKeyOf(ir))],
    ...(specs.roots === null ? [] : [[N("roots"), specs.roots] as const]),
    ...(specs.conditions === null ? [] : [[N("conditions"), specs.conditions] as const]),
    ...(a.evidence === null ? [] : [[N("evidence"), frozenObject([[N("capture"), frozenArray(a.evidence.capture)], [N("sink"), a.evidence.sink]])] as const]),
    ...(a.compliance === null
      ? []
      : [[N("compliance"), frozenObject([[N("frameworks"), frozenArray(a.compliance.frameworks)], [N("auditRetentionDays"), a.compliance.auditRetentionDays]])] as const]),
  ]);
}

/**
 * A `const` statement as text: ts-morph would re-indent the continuation lines of a multi-line
 * initializer, so constants are written whole (their text comes from the safe primitives).
 */
function constStatement(name: Name, type: Code | undefined, init: Code, exported: boolean, leading?: Code): string {
  const decl = `${exported ? "export " : ""}const ${name.text}${type ? `: ${type.text}` : ""} = ${init.text};`;
  return leading ? `${leading.text}\n${decl}` : decl;
}

/** The emitted code that may call condition helpers: constants, functions and agent entries. */
function usedText(mb: ModuleBuilder, agentEntries: readonly Code[]): string {
  const parts: string[] = [];
  for (const c of mb.consts) parts.push(c.init.text, c.type?.text ?? "");
  for (const f of mb.functions) for (const b of f.body) parts.push(b.text);
  for (const e of agentEntries) parts.push(e.text);
  return parts.join("\n");
}

/** Identifiers mentioned in generated text (a superset of the types it needs). */
function identifiersIn(text: string): Set<string> {
  return new Set(text.match(/[$A-Za-z_][$\w]*/g) ?? []);
}

/** Generate `policy.ts` (and, unless told otherwise, type-check it) and compile it to `policy.mjs`. */
export function emitPolicy(ir: BundleIR, opts: EmitOptions): EmittedPolicy {
  const mb = new ModuleBuilder();
  const slots = slotsOf(ir);
  const invalid = mb.decision({ effect: "deny", reason: "invalid_tool_name", ruleIds: [], message: decisionText.invalidToolName(), upstream: null, toolClass: null, listed: false });
  const inBoundary = emitBoundary(mb, slots);
  const slugs = agentSlugs(ir.agents.map((a) => a.name));
  let conditional = false; // some agent has conditions: the condition helpers and DecideContext are needed
  const agentEntries = ir.agents.map((a, i) => {
    const plan = planAgent(a, slots, ir.teams);
    conditional ||= plan.conditional;
    const ce = new CondEmitter(mb, a.name, ir.detectors);
    const decide = emitDecide(mb, plan, slugs[i]!, inBoundary, invalid, ce);
    const clientName = emitClientName(mb, a, slugs[i]!);
    const upstreamName = emitUpstreamName(mb, a, slugs[i]!);
    return agentCode(ir, a, decide, clientName, upstreamName, {
      redactions: redactionsCode(mb, ce, ir, a),
      limits: limitsCode(mb, a),
      idempotency: idempotencyCode(mb, ce, a),
      blocks: blocksCode(mb, ce, a),
      roots: rootsCode(mb, a),
      conditions: conditionsCode(ce, a),
    });
  });

  const header =
    `// GENERATED by talonc ${commentText(opts.compilerVersion)} \u2014 DO NOT EDIT. Bundle ${commentText(opts.bundleHash)}. ` +
    `Regenerate: talonc build ${commentText(opts.regenerate.dir)} -o ${commentText(opts.regenerate.out)}\n`;
  // Helpers (condition values, the pending merge) only as far as the module uses them.
  const exprHelpers = exprHelpersCode(usedText(mb, agentEntries)).text;
  const used = identifiersIn(`${usedText(mb, agentEntries)}\n${exprHelpers}`);
  const optionalTypes = ["ApprovalNeed", "BlockSpec", "ConfirmNeed", "IdempotencySpec", "LimitSpec", "RootsSpec", "TextMatcher"].filter((t) => used.has(t));
  // `bind` (CompiledBundle): lends the module the runtime's matchers and argument hash when a condition needs them.
  const lends = used.has("$rt");
  const bind: StatementStructures = {
    kind: StructureKind.Function,
    isExported: true,
    name: "bind",
    parameters: [{ name: lends ? "rt" : "_rt", type: "BundleRuntime" }],
    returnType: "void",
    statements: lends ? ["$rt = rt;"] : [],
    leadingTrivia: lends
      ? "// The runtime lends its linear-time matchers (detectors, non-safe regexes) and args_hash(); until then those conditions are unknown.\n"
      : "// Nothing in this bundle needs the runtime's matchers.\n",
  };
  const statements: (StatementStructures | string)[] = [
    {
      kind: StructureKind.ImportDeclaration,
      isTypeOnly: true,
      namedImports: [...new Set(["BundleRuntime", "CompiledAgent", ...(conditional ? ["DecideContext"] : []), "Decision", "Principal", "PrincipalSpec", "RedactionRuleSpec", "ToolClass", ...optionalTypes])].sort(),
      moduleSpecifier: "talon/runtime/hooks",
    },
    constStatement(N("BUNDLE_HASH"), Code.trusted("string"), ts`${opts.bundleHash}`, true, comment("sha256 of the compiler version and the canonical IR with its source positions.")),
    constStatement(N("principals"), Code.trusted("readonly PrincipalSpec[]"), principalsCode(slots), true, comment("Declared principals; `index` is the slot grants are compiled against.")),
    constStatement(N("PRINCIPAL_COUNT"), undefined, ts`${ir.principals.length}`, false),
    helpersCode().text,
    ...(exprHelpers.length > 0 ? [exprHelpers] : []),
    ...mb.consts.map((c) => constStatement(c.name, c.type, c.init, false, c.leading)),
    ...mb.functions.map(
      (f): StatementStructures => ({
        kind: StructureKind.Function,
        name: f.name.text,
        parameters: f.params.map(([n, t]) => ({ name: n.text, type: t.text })),
        returnType: f.returnType.text,
        statements: f.body.map((b) => b.text),
        ...(f.leading ? { leadingTrivia: `${f.leading.text}\n` } : {}),
      }),
    ),
    bind,
    constStatement(
      N("agents"),
      Code.trusted("readonly CompiledAgent[]"),
      agentEntries.length === 0 ? ts`Object.freeze([])` : join([ts`Object.freeze([`, indent(join(agentEntries.map((e) => ts`${e},`), "\n")), ts`])`], "\n"),
      true,
      comment("One compiled agent per governed upstream."),
    ),
  ];
  const project = new Project({
    useInMemoryFileSystem: true,
    manipulationSettings: { indentationText: IndentationText.TwoSpaces, quoteKind: QuoteKind.Double, newLineKind: NewLineKind.LineFeed },
  });
  const policyTs = project.createSourceFile("/bundle/policy.ts", { leadingTrivia: header, statements }).getFullText();
  if (opts.typecheck !== false) typecheckPolicy(policyTs);
  const policyMjs = typescript.transpileModule(policyTs, {
    fileName: "policy.ts",
    compilerOptions: { target: typescript.ScriptTarget.ES2022, module: typescript.ModuleKind.ES2022, removeComments: false },
  }).outputText;
  return { policyTs, policyMjs };
}
