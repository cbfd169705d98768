/**
 * The differential test: every case in `test/cases/*.yaml` (policy + calls → expected decision)
 * runs through the reference interpreter (`decideRef`) and the compiled bundle (the generated
 * `policy.mjs`, imported); both must agree with each other and with the expectation. Then a few
 * hundred random calls per case — names built from the policy's own vocabulary, case variants,
 * Unicode look-alikes, junk, and principals including unknown indexes — must get identical
 * decisions (and `clientName` answers) from both engines.
 */
import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { parse } from "yaml";
import type { Decision, Principal } from "../runtime/hooks.js";
import { clientNameRef, decideRef, upstreamNameRef } from "../compiler/interp/decide.js";
import { blockWhenRef, blocksRef, idempotencyKeyRef, idempotencyRef, limitsRef, redactWhenRef, type CallEnvRef } from "../compiler/interp/obligations.js";
import type { BundleIR } from "../compiler/ir/ir.js";
import { prng } from "../compiler/testing/shuffle.js";
import { agentOf, emitFiles, importPolicy, principalFor, type LoadedPolicy } from "./emit/harness.js";

interface Call {
  as: string;
  tool: string;
  /** Arguments (default `{}`), request `_meta` and `now` (ms since the epoch) for conditions. */
  args?: unknown;
  meta?: unknown;
  now?: number;
  expect: Decision["reason"];
  ids?: string[];
  listed?: boolean;
  upstream?: string | null;
  class?: string | null;
  message?: string;
  /** Expected `confirm` / `approval` of a pending decision (null = none). */
  confirm?: unknown;
  approval?: unknown;
}

interface Case {
  name: string;
  policy?: string;
  files?: Record<string, string>;
  agent?: string;
  calls: Call[];
  clientNames?: { upstream: string; client: string | null }[];
}

const DIR = "test/cases";
const readDir = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [`${dir}/${f}`, readFileSync(`${dir}/${f}`, "utf8")]));

/** Many glob grants to the same principal: more than the emitter enumerates, or than a mask holds. */
function manyGrants(n: number): string {
  const grants = Array.from({ length: n }, (_, i) => `  grant anyone ${["read", "write", "all"][i % 3]} on "m${i % 7}_*", "*_${i}"\n`).join("");
  return `talon 1\nvendor "v" { token env("V") }\nagent "many" {\n  upstream "https://m"\n  posture read_write\n  tool "m*" { class read }\n  tool "m*_w*" { class write }\n  tool "*" \n${grants}  forbid tool "m3_*_9"\n}\n`;
}

/**
 * Enough rules of every kind that the emitter's scans are bucketed by name prefix and split into
 * parts (compiler/emit/scan.ts), and exact names dispatch through a Map: prefixes in mixed case
 * (forbid, confirm and approve ignore it, grants and exposures do not), rules no prefix can rule
 * out (class targets, short or empty prefixes), several refs per rule, conditions.
 */
function manyRules(n: number): string {
  const out = [
    "talon 1",
    'vendor "v" { token env("V") }',
    'caller "c" { token env("C") }',
    'team ops { members "c"  approvers "a@x", "b@x" }',
    'agent "rules" {',
    '  upstream "https://r"',
    "  posture read_write",
    '  tool "z*" { class read }',
  ];
  for (let i = 0; i < n; i++) {
    if (i < 13) out.push(`  tool "Ab${i}_*" { class ${["read", "write", "destructive"][i % 3]} }`);
    out.push(`  tool "Ab${i % 13}_q${i}*" { class ${["destructive", "write", "read"][i % 3]} }`, `  tool x${i}_exact { class ${["write", "read"][i % 2]} }`);
  }
  for (let i = 0; i < n; i++) {
    out.push(
      // An unknown condition (the key missing) fires a forbid: only every third one reads a bare key.
      `  forbid tool "ab${i % 13}_x${i}*" when ${i % 3 === 0 ? "args.f" : "(args.f ?? -1)"} == ${i}`,
      `  forbid tool X${i}_EXACT when (args.g ?? -1) == ${i}`,
      `  grant anyone read on "Ab${i % 13}_*" when args.r == ${i % 5}`,
      i % 4 === 0 ? `  grant vendor "v" read on "Ab${i % 13}_*"` : `  grant vendor "v" all on "x${i}_*", "ab${i % 7}_y*"`,
      `  grant caller "c" ${["read", "write", "all"][i % 3]} on "Ab${i % 11}_q${i}*", x${i}_exact`,
      `  confirm tool "ab${i % 13}_c${i}*" when (args.c ?? -1) == ${i}`,
      `  approve tool "AB${i % 5}_p${i}*", x${i}_exact when (args.p ?? -1) == ${i} by team ops { timeout ${i + 1}m }`,
    );
  }
  out.push('  forbid tool "a*" when args.z == 1', "  forbid class write when args.w == true", '  confirm tool "*_c" when args.cc == 1', "}", "");
  return out.join("\n");
}

/** `n` rules of each kind on every name: each exact case's slice is that long, so its scans run in parts. */
function rulesOnEveryName(n: number): string {
  const rules: string[] = [];
  for (let i = 0; i < n; i++) {
    rules.push(
      `  forbid tool "*" when (args.f ?? -1) == ${i}`,
      `  grant ${i % 2 === 0 ? "anyone" : 'caller "c"'} ${["read", "all"][i % 2]} on "*" when args.g == ${i}`,
      `  confirm tool "*" when (args.c ?? -1) == ${i}`,
      `  approve tool "*" when (args.a ?? -1) == ${i} by team ops { timeout ${i + 1}m }`,
    );
  }
  return `talon 1\ncaller "c" { token env("C") }\nteam ops { members "c"  approvers "a@x" }\nagent "every" {\n  upstream "https://e"\n  posture read_only\n  tool one { class read }\n  tool two { class write }\n  tool "g*" { class read }\n${rules.join("\n")}\n}\n`;
}

const cases: Case[] = [
  ...readdirSync(DIR)
    .filter((f) => f.endsWith(".yaml") && f !== "exceptions.yaml")
    .sort()
    .map((f) => parse(readFileSync(`${DIR}/${f}`, "utf8")) as Case),
  // Random calls only: the golden fixture, the seed, and the emitter's large-grant paths.
  { name: "rich fixture", files: readDir("test/emit/fixtures/rich"), calls: [] },
  {
    name: "seed",
    files: {
      "seed/zendesk-vendor-proxy.talon.yaml": readFileSync("examples/zendesk-vendor-proxy/seed/zendesk-vendor-proxy.talon.yaml", "utf8"),
      "team.talon": 'talon 1\nteam approvers { approvers "lead@x" }\n',
    },
    calls: [],
  },
  { name: "eight glob grants", files: { "many.talon": manyGrants(8) }, calls: [] },
  { name: "forty glob grants", files: { "many.talon": manyGrants(40) }, calls: [] },
  { name: "many rules (bucketed scans)", files: { "rules.talon": manyRules(60) }, calls: [] },
  // Every grant has a ref with no literal prefix ("*_<i>"): no bucketing, the scan is only split.
  { name: "130 glob grants (scan in parts)", files: { "many.talon": manyGrants(130) }, calls: [] },
  { name: "rules on every name (exact cases in parts)", files: { "every.talon": rulesOnEveryName(110) }, calls: [] },
];

/** A small deterministic PRNG (mulberry32, the one `talonc test --shuffle` uses), so a failure reproduces. */
const rng = prng;

/** Every tool name or pattern the bundle mentions. */
function vocabulary(ir: BundleIR): string[] {
  const words = new Set<string>();
  for (const p of ir.principals) for (const t of p.tools ?? []) words.add(t);
  for (const a of ir.agents) {
    for (const t of a.tools) {
      words.add(t.name);
      if (t.upstream) words.add(t.upstream);
    }
    for (const r of a.rules) {
      if (r.kind === "grant") r.on.forEach((x) => words.add(x));
      if ("targets" in r && r.targets.kind === "tools") r.targets.refs.forEach((x) => words.add(x));
    }
  }
  return [...words].sort();
}

const LOOKALIKES: Record<string, string> = { a: "\u0430", e: "\u0435", o: "\u043e", k: "\u212a", s: "\u017f", i: "\u0131" };
const FRAGMENTS = ["", "x", "_", "admin", "_bulk", "purge", ".", "/", "write", "drop", "A", "zz9"];

/** A random call name: a vocabulary word with globs filled, maybe case-flipped or disguised. */
function randomName(r: () => number, words: readonly string[]): string {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
  let name = pick(words).replace(/\*/g, () => pick(FRAGMENTS) + pick(FRAGMENTS));
  const roll = r();
  if (roll < 0.2) name = [...name].map((c) => (r() < 0.5 ? c.toUpperCase() : c)).join("");
  else if (roll < 0.3) name = name.replace(/[aeoksi]/, (c) => LOOKALIKES[c]!);
  else if (roll < 0.35) name = pick(["", " ", "x".repeat(129), "x".repeat(128), "a b", "tool\u0000", "\u212a", "é"]);
  else if (roll < 0.45) name = pick(FRAGMENTS) + name + pick(FRAGMENTS);
  return name;
}

function randomPrincipal(r: () => number, policy: LoadedPolicy): Principal {
  const roll = r();
  if (roll < 0.15) return { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
  if (roll < 0.2) return { id: "ghost", kind: "caller", index: [policy.principals.length, 99, 1.5, -7, Number.NaN][Math.floor(r() * 5)]!, teams: ["ops"] };
  const spec = policy.principals[Math.floor(r() * policy.principals.length)];
  return spec ? principalFor(policy, spec.id) : { id: "anonymous", kind: "anonymous", index: -1, teams: [] };
}

/** Strings a policy's conditions mention (path keys, string literals): the stuff random arguments are made of. */
function condVocabulary(ir: BundleIR): { keys: string[]; values: unknown[] } {
  const keys = new Set<string>(["x"]);
  const values = new Set<unknown>([null, true, false, 0, 1, 3, 501, "", "x"]);
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (typeof v === "object" && v !== null) {
      const o = v as Record<string, unknown>;
      if (o.op === "path" && Array.isArray(o.steps)) for (const s of o.steps) if (typeof s === "string") keys.add(s);
      if (o.op === "lit") values.add(o.value);
      Object.values(o).forEach(visit);
    }
  };
  visit(ir.agents);
  return { keys: [...keys].sort(), values: [...values] };
}

/** Random JSON from that vocabulary (nested a little, so paths like `args.a.b` and `nodes[0]` resolve sometimes). */
function randomJson(r: () => number, voc: { keys: string[]; values: unknown[] }, depth = 0): unknown {
  const roll = r();
  if (depth < 2 && roll < 0.35) {
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(r() * 4); i > 0; i--) o[voc.keys[Math.floor(r() * voc.keys.length)]!] = randomJson(r, voc, depth + 1);
    return o;
  }
  if (depth < 2 && roll < 0.5) return Array.from({ length: Math.floor(r() * 3) }, () => randomJson(r, voc, depth + 1));
  return voc.values[Math.floor(r() * voc.values.length)];
}

/** A random CallToolResult: structured content, a JSON text block, plain text, or junk. */
function randomResponse(r: () => number, voc: { keys: string[]; values: unknown[] }): unknown {
  const body = randomJson(r, voc);
  switch (Math.floor(r() * 6)) {
    case 0:
      return { content: [], structuredContent: body };
    case 1:
      return { content: [{ type: "text", text: JSON.stringify(body) }], isError: r() < 0.3 };
    case 2:
      return { content: [{ type: "image", data: "" }, { type: "text", text: `${JSON.stringify(body)}` }] };
    case 3:
      return { content: [{ type: "text", text: "plain words" }] };
    case 4:
      return undefined;
    default:
      return body;
  }
}

/** Plain data of a decision (frozen arrays compare equal to plain ones). */
const plain = (d: Decision) => JSON.parse(JSON.stringify(d)) as Decision;

describe.each(cases)("case $name", (c) => {
  let ir: BundleIR;
  let policy: LoadedPolicy;
  const load = async () => {
    if (policy) return;
    const e = emitFiles(c.files ?? { [`${c.name}.talon`]: c.policy! });
    ir = e.ir;
    policy = await importPolicy(e.policyMjs);
  };
  const agentName = () => c.agent ?? ir.agents[0]!.name;

  test("expected decisions, the same from both engines", async () => {
    await load();
    const agent = agentOf(policy, agentName());
    for (const call of c.calls) {
      const who = principalFor(policy, call.as);
      const args = call.args === undefined ? {} : call.args;
      const ctx = { meta: call.meta, now: call.now };
      const ref = decideRef(ir, agentName(), call.tool, who, args, ctx);
      const got = plain(agent.decide(call.tool, who, args, ctx));
      const where = `${call.as} calls ${JSON.stringify(call.tool)} with ${JSON.stringify(args)}`;
      expect(got, where).toEqual(ref);
      expect(got.reason, where).toBe(call.expect);
      expect(got.effect, where).toBe(call.expect === "allow" ? "allow" : call.expect === "confirm_required" || call.expect === "approval_required" ? "pending" : "deny");
      if (got.effect !== "pending") expect([got.confirm, got.approval], where).toEqual([null, null]);
      if (call.confirm !== undefined) expect(got.confirm, where).toEqual(call.confirm);
      if (call.approval !== undefined) expect(got.approval, where).toEqual(call.approval);
      if (call.ids) expect(got.ruleIds, where).toEqual(call.ids);
      if (call.listed !== undefined) expect(got.listed, where).toBe(call.listed);
      if (call.upstream !== undefined) expect(got.upstream, where).toBe(call.upstream);
      if (call.class !== undefined) expect(got.toolClass, where).toBe(call.class);
      if (call.message !== undefined) expect(got.message, where).toBe(call.message);
      if (call.expect !== "allow") expect(got.message, where).toMatch(/rule |default|invalid tool name|not a valid/);
    }
    for (const cn of c.clientNames ?? []) {
      expect(agent.clientName(cn.upstream), cn.upstream).toBe(cn.client);
      expect(clientNameRef(ir, agentName(), cn.upstream), cn.upstream).toBe(cn.client);
    }
  });

  test("random calls: both engines agree", async () => {
    await load();
    const r = rng(0x7a10 + c.name.length);
    const words = vocabulary(ir);
    const voc = condVocabulary(ir);
    const reasons = new Set<string>();
    for (const a of ir.agents) {
      const agent = agentOf(policy, a.name);
      for (let i = 0; i < 300; i++) {
        const name = randomName(r, words);
        const who = randomPrincipal(r, policy);
        const where = `${a.name}: ${JSON.stringify(who)} calls ${JSON.stringify(name)}`;
        const args = i % 2 === 0 ? {} : randomJson(r, voc);
        const ref = decideRef(ir, a.name, name, who, args);
        expect(plain(agent.decide(name, who, args)), `${where} with ${JSON.stringify(args)}`).toEqual(ref);
        expect(agent.clientName(name), `clientName ${JSON.stringify(name)}`).toBe(clientNameRef(ir, a.name, name));
        expect(agent.upstreamName(name), `upstreamName ${JSON.stringify(name)}`).toBe(upstreamNameRef(ir, a.name, name));
        reasons.add(ref.reason);
      }
    }
    // The random names must exercise allows and several kinds of deny, or the test proves little.
    expect(reasons.has("allow")).toBe(true);
    expect(reasons.has("invalid_tool_name")).toBe(true);
    expect(reasons.size).toBeGreaterThanOrEqual(3);
  });

  test("limits, idempotency, blocks and redact conditions: both engines agree", async () => {
    await load();
    const r = rng(0x0b11 + c.name.length);
    const words = vocabulary(ir);
    const voc = condVocabulary(ir);
    for (const a of ir.agents) {
      const agent = agentOf(policy, a.name);
      expect(JSON.parse(JSON.stringify(agent.limits)), a.name).toEqual(limitsRef(ir, a.name));
      expect(agent.idempotency.map(({ key, ...rest }) => ({ ...JSON.parse(JSON.stringify(rest)), hasKey: key !== null })), a.name).toEqual(idempotencyRef(ir, a.name));
      expect(agent.blocks.map(({ when, ...rest }) => (expect(typeof when).toBe("function"), JSON.parse(JSON.stringify(rest)))), a.name).toEqual(blocksRef(ir, a.name));
      for (const spec of [agent.limits, agent.idempotency, agent.blocks, agent.redactions]) expect(Object.isFrozen(spec)).toBe(true);
      const redactWhen = agent.redactions.filter((x) => x.when !== null);
      const keyed = agent.idempotency.filter((x) => x.key !== null);
      if (redactWhen.length + keyed.length + agent.blocks.length === 0) continue;
      const seen = new Set<string>(); // outcomes, so the random inputs are shown to reach both sides
      for (let i = 0; i < 300; i++) {
        const pick = <T>(xs: readonly T[]) => xs[Math.floor(r() * xs.length)]!;
        const env: CallEnvRef = {
          principal: randomPrincipal(r, policy),
          args: randomJson(r, voc),
          meta: r() < 0.5 ? undefined : randomJson(r, voc),
          now: r() < 0.5 ? undefined : Math.floor(r() * 4102444800000),
          tool: randomName(r, words),
          upstream: randomName(r, words),
          cls: pick(["read", "write", "destructive", null] as const),
          response: randomResponse(r, voc),
        };
        const call = [env.principal, env.args, env.meta, env.now, env.tool, env.upstream, env.cls] as const;
        const where = JSON.stringify(env);
        for (const k of keyed) {
          const ref = idempotencyKeyRef(ir, a.name, k.id, env);
          expect(JSON.parse(JSON.stringify(k.key!(...call))), `${k.id} ${where}`).toEqual(JSON.parse(JSON.stringify(ref)));
          seen.add(`key:${ref === null ? "unknown" : "known"}`);
        }
        for (const b of agent.blocks) {
          const ref = blockWhenRef(ir, a.name, b.id, env);
          expect(b.when(...call, env.response), `${b.id} ${where}`).toBe(ref);
          seen.add(`cond:${ref}`);
        }
        for (const x of redactWhen) {
          const ref = redactWhenRef(ir, a.name, x.id, env);
          expect(x.when!(...call, env.response), `${x.id} ${where}`).toBe(ref);
          seen.add(`cond:${ref}`);
        }
      }
      if (keyed.length > 0) expect(seen.has("key:known"), a.name).toBe(true);
      if (agent.blocks.length + redactWhen.length > 0) expect([...seen].filter((o) => o.startsWith("cond:")).length, `${a.name}: ${[...seen].join(" ")}`).toBeGreaterThanOrEqual(2);
    }
  });
});
