/**
 * `talonc test` (LANGUAGE.md §11): policies with `test` blocks are compiled by the real pipeline,
 * the generated policy.mjs is imported, and each test runs through the runtime's steps in process.
 * The policies here are written to a temporary directory and run through `runTaloncAsync`.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runTaloncAsync } from "../../compiler/cli/talonc.js";

async function talonc(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runTaloncAsync(argv, { stdout: (t) => (out += t), stderr: (t) => (err += t) });
  return { code, out, err };
}

/** Write `text` as policy.talon in a fresh directory; returns the directory. */
function policyDir(text: string): string {
  const dir = mkdtempSync(join(tmpdir(), "talonc-test-cmd-"));
  writeFileSync(join(dir, "policy.talon"), text);
  return dir;
}

const HEAD = `talon 1
secret redaction_key = env("RK")
team ops { members "bot"  approvers "lead@acme.example" }
caller "bot"   { token env("BOT") }
caller "other" { token env("OTHER") }
`;

const AGENT = `${HEAD}
agent "svc" {
  upstream "http://127.0.0.1:9"  posture read_write
  tool search, read_item { class read }
  tool update { class write }
  tool wipe { class destructive }
  @id("no-admin") forbid tool "admin_*"
  @id("bot-rw") grant caller "bot" read, write, destructive on "*"
  @id("wipe-confirm") confirm tool wipe
  @id("big-update") approve tool update when args.size > 10 by team ops
  @id("search-rate") limit rate 2 per 1h burst 2 by caller on tool search
  @id("update-once") idempotent tool update window 10m on_duplicate reject
  @id("read-once") idempotent tool read_item window 10m on_duplicate replay
  @id("mail") redact **.email with hash in result
  @id("secret-out") block response on tool read_item when (result.secret ?? false) == true
}
`;

describe("talonc test", () => {
  it("runs passing tests through every step and prints the summary", async () => {
    const dir = policyDir(`${AGENT}
test "admin forbidden" on "svc" { call admin_reset as "bot"  expect deny by "no-admin" }
test "stranger" on "svc" { call search as "other"  expect deny by default }
test "grant allows" on "svc" { call search as "bot" with { q: "x" }  expect allow by "bot-rw" }
test "confirm first" on "svc" { call wipe as "bot"  expect confirm by "wipe-confirm" }
test "confirmed wipe" on "svc" { call wipe as "bot"  confirmed  expect allow }
test "approval" on "svc" { call update as "bot" with { size: 50 }  expect approval by team ops, approval by "big-update" }
test "approved update" on "svc" { call update as "bot" with { size: 50 }  approved  expect allow }
test "unknown size needs approval" on "svc" { call update as "bot" with { id: 1 }  expect approval }
test "rate" on "svc" {
  call search as "bot"  expect allow
  call search as "bot"  expect allow
  call search as "bot"  expect rate_limited by "search-rate", deny
}
test "duplicate rejected" on "svc" {
  call update as "bot" with { size: 1 }  expect allow
  call update as "bot" with { size: 1 }  expect duplicate by "update-once"
}
test "duplicate replayed" on "svc" {
  call read_item as "bot" with { id: 1 }  returns { email: "a@b.example" }
  call read_item as "bot" with { id: 1 }  returns { email: "other@b.example" }
  expect duplicate
  expect result.email == "sha256:" + "0" || result.email matches /^sha256:[0-9a-f]{64}$/
}
test "redacted" on "svc" {
  call search as "bot" with { q: "x" }
  returns { hits: [{ email: "a@b.example", name: "A" }] }
  expect redacted hits[*].email with hash
  expect result.hits[0].name == "A"
  expect response.content[0].text != ""
}
test "blocked" on "svc" { call read_item as "bot" with { id: 2 } returns { secret: true }  expect blocked by "secret-out" }
test "not blocked" on "svc" { call read_item as "bot" with { id: 3 } returns { secret: false }  expect allow }
test "text and errors" on "svc" {
  call search as "bot" returns text "plain"
  expect response.content[0].text == "plain"
  call search as "other" expect deny
}
`);
    const r = await talonc("test", dir);
    expect(r.err).toBe("");
    expect(r.out).toBe("15 passed, 0 failed\n");
    expect(r.code).toBe(0);
  });

  it("reports each failed expectation as TAL0801 with the determining ids, and exits 1", async () => {
    const dir = policyDir(`${AGENT}
test "wrong verdict" on "svc" { call search as "other"  expect allow }
test "wrong rule" on "svc" { call admin_x as "bot"  expect deny by "bot-rw" }
test "fine" on "svc" { call search as "bot"  expect allow }
test "wrong value" on "svc" { call search as "bot" returns { n: 1 }  expect result.n == 2 }
test "not redacted" on "svc" { call search as "bot" returns { phone: "1" }  expect redacted phone with mask }
`);
    const r = await talonc("test", dir);
    const f = join(dir, "policy.talon");
    expect(r.code).toBe(1);
    const lines = r.out.trimEnd().split("\n");
    // One line per failure, in source order, at the failing `expect`.
    expect(lines.slice(0, 4)).toEqual([
      `${f}:${AGENT.split("\n").length + 1}:57: error[TAL0801]: test "wrong verdict": expected allow, got deny(default:no_grant) (determining: default:no_grant)`,
      `${f}:${AGENT.split("\n").length + 2}:53: error[TAL0801]: test "wrong rule": expected deny by "bot-rw", got deny(forbid) (determining: no-admin)`,
      `${f}:${AGENT.split("\n").length + 4}:70: error[TAL0801]: test "wrong value": expected (result.n == 2) to hold, got false after allow (determining: bot-rw)`,
      `${f}:${AGENT.split("\n").length + 5}:77: error[TAL0804]: test "not redacted": \`phone\` not redacted with \`mask\` (got no redaction; allow)`,
    ]);
    expect(lines.at(-1)).toBe("1 passed, 4 failed");
  });

  it("--coverage warns (TAL0803) about rules no test determined, without failing", async () => {
    const dir = policyDir(`${AGENT}
test "forbid only" on "svc" { call admin_x as "bot"  expect deny by "no-admin" }
`);
    const r = await talonc("test", dir, "--coverage");
    expect(r.code).toBe(0);
    const f = join(dir, "policy.talon");
    expect(r.out).toContain(`${f}:13:17: warning[TAL0803]: rule \`bot-rw\` never determining in any test\n`);
    expect(r.out).toContain("rule `search-rate` never determining");
    expect(r.out).not.toContain("rule `no-admin`");
    expect(r.out.endsWith("1 passed, 0 failed\n")).toBe(true);
  });

  it("--shuffle=seed permutes declarations and finds the same IR hash and results", async () => {
    const dir = policyDir(`${AGENT}
test "a" on "svc" { call search as "bot"  expect allow }
test "b" on "svc" { call update as "bot" with { size: 11 }  expect approval }
test "c" on "svc" { call admin_x as "bot"  expect deny by "no-admin" }
`);
    const r = await talonc("test", dir, "--shuffle=42");
    expect(r.out).toContain("shuffle seed 42: 3 permutation(s), same IR hash and results\n");
    expect(r.code).toBe(0);
    const random = await talonc("test", dir, "--shuffle");
    expect(random.out).toMatch(/shuffle seed \d+: 3 permutation\(s\), same IR hash and results/);
    expect((await talonc("test", dir, "--shuffle=x")).code).toBe(2);
  });

  it("`at` pins now for the calls that follow", async () => {
    const dir = policyDir(`${HEAD}
agent "clock" {
  upstream "http://127.0.0.1:9"
  tool ping { class read }
  grant anyone read on ping when now.hour("UTC") >= 9 && now.hour("UTC") < 17
  test "office hours" { at "2026-03-02T10:00:00Z"  call ping as "bot"  expect allow }
  test "night" { at "2026-03-02T23:30:00+00:00"  call ping as "bot"  expect deny by default }
}
`);
    const r = await talonc("test", dir);
    expect(r.out).toBe("2 passed, 0 failed\n");
  });

  it("--format json lists every test with its calls and failures", async () => {
    const dir = policyDir(`${AGENT}
test "ok" on "svc" { call search as "bot"  expect allow }
test "bad" on "svc" { call search as "other"  expect allow }
`);
    const r = await talonc("test", dir, "--format", "json", "--coverage");
    expect(r.code).toBe(1);
    const j = JSON.parse(r.out) as { tests: { name: string; passed: boolean; calls: string[]; failures: { code: string }[] }[]; passed: number; failed: number; coverage: { rule: string }[] };
    expect(j.passed).toBe(1);
    expect(j.failed).toBe(1);
    expect(j.tests.find((t) => t.name === "bad")!.failures[0]!.code).toBe("TAL0801");
    expect(j.tests.find((t) => t.name === "ok")!.calls).toEqual(["allow:allow[bot-rw]"]);
    expect(j.coverage.map((c) => c.rule)).toContain("no-admin");
  });

  it("a test naming an unknown tool, principal, team, rule or agent does not compile (TAL0802)", async () => {
    const dir = policyDir(`${AGENT}
test "typo tool" on "svc" { call serach as "bot"  expect allow }
test "typo caller" on "svc" { call search as "bott"  expect allow }
test "typo team" on "svc" { call update as "bot"  expect approval by team opps }
test "typo rule" on "svc" { call search as "bot"  expect allow by "bot-rx" }
test "typo agent" on "svcc" { call search as "bot"  expect allow }
test "bad time" on "svc" { at "tomorrow"  call search as "bot"  expect allow }
`);
    const r = await talonc("test", dir);
    expect(r.code).toBe(1);
    expect(r.err).toContain("error[TAL0802]: test `typo tool` names unknown tool `serach`");
    expect(r.err).toContain("error[TAL0802]: test `typo caller` names unknown principal `bott`");
    expect(r.err).toContain("error[TAL0802]: test `typo team` names unknown team `opps`");
    expect(r.err).toContain("error[TAL0802]: test `typo agent` names unknown agent `svcc`");
    expect(r.err).toContain("error[TAL0201]: expected an ISO 8601 time with a zone");
    const shape = await talonc(
      "test",
      policyDir(`${HEAD}
agent "svc" {
  upstream "http://127.0.0.1:9"
  tool t { class read }
  grant anyone read on t
  test "early" { expect allow  call t as "bot" }
  test "twice" { call t as "bot"  expect allow }
  test "twice" { call t as "bot"  expect allow }
  test "elsewhere" on "other" { call t as "bot"  expect allow }
}
test "nowhere" { call t as "bot"  expect allow }
`),
    );
    expect(shape.code).toBe(1);
    expect(shape.err).toContain("error[TAL0201]: expected a `call` before `expect`, found `expect`");
    expect(shape.err).toContain("error[TAL0302]: duplicate test `twice`");
    expect(shape.err).toContain("test `elsewhere` inside agent `svc` cannot name another agent with `on`");
    expect(shape.err).toContain("test `nowhere` names no agent");
    // Rule ids exist only after lowering, which runs once check is clean.
    const rule = await talonc("test", policyDir(`${AGENT}\ntest "typo rule" on "svc" { call search as "bot"  expect allow by "bot-rx" }\n`));
    expect(rule.err).toContain("error[TAL0802]: test `typo rule` names unknown rule `bot-rx`");
  });

  it("tests are not policy: they leave the bundle hash and canonical IR unchanged", async () => {
    const plain = policyDir(AGENT);
    const tested = policyDir(`${AGENT}\ntest "a" on "svc" { call search as "bot"  expect allow }\n`);
    let a = "";
    let b = "";
    await runTaloncAsync(["ir", plain, "--canonical"], { stdout: (t) => (a += t), stderr: () => undefined });
    await runTaloncAsync(["ir", tested, "--canonical"], { stdout: (t) => (b += t), stderr: () => undefined });
    expect(a.length).toBeGreaterThan(100);
    expect(b).toBe(a);
  });
});

describe("talonc test on the examples (§13)", () => {
  it("§13.1 Zendesk vendor proxy: every test passes, also shuffled", async () => {
    const r = await talonc("test", "examples/zendesk-vendor-proxy", "--shuffle=1");
    expect(r.err).toBe("");
    expect(r.out).toContain("same IR hash and results");
    expect(r.out).toMatch(/^(\d+) passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });

  it("§13.2 Talos cluster admin: the decision tests pass", async () => {
    const r = await talonc("test", "examples/talos-cluster-admin", "--format", "json");
    const j = JSON.parse(r.out) as { tests: { name: string; passed: boolean }[] };
    const decisionOnly = ["kubeconfig is SRE's", "no grant, no reboot", "worker reboot", "cp reboot", "mode omitted", "reset never"];
    for (const name of decisionOnly) expect(j.tests.find((t) => t.name === name)?.passed, name).toBe(true);
  });

  it("§13.3 filesystem behind virtual roots: the eight tests pass, also shuffled", async () => {
    const r = await talonc("test", "examples/airlock-fs", "--shuffle=1");
    expect(r.err).toBe("");
    expect(r.out).toContain("same IR hash and results");
    expect(r.out).toMatch(/^8 passed, 0 failed$/m);
    expect(r.code).toBe(0);
  });
});

describe("test times (`at`, `--at`)", () => {
  it("accept ISO 8601 dates and zoned times, and refuse zoneless or impossible ones", async () => {
    const { parseTestTime } = await import("../../compiler/check/test-time.js");
    expect(parseTestTime("2026-03-02")).toBe(Date.UTC(2026, 2, 2));
    expect(parseTestTime("2026-03-02T10:30:00Z")).toBe(Date.UTC(2026, 2, 2, 10, 30));
    expect(parseTestTime("2026-03-02T10:30:00.5+02:00")).toBe(Date.UTC(2026, 2, 2, 8, 30, 0, 500));
    for (const bad of ["2026-03-02T10:30:00", "2026-02-30", "2026-13-01T00:00Z", "tomorrow", "2026-03-02T25:00Z"]) expect(parseTestTime(bad), bad).toBeUndefined();
  });
});
