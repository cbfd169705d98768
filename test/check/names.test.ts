import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics, diagsAt } from "./harness.js";

describe("unique names (TAL0302)", () => {
  test("duplicate principals, teams, secrets and consts point at the second, with the first as related", () => {
    const src = `talon 1
vendor "v" { token env("A") }
caller "v" { token env("B") }
team t { approvers "a@x" }
team t { approvers "b@x" }
secret k = env("K")
secret k = env("K2")
const c = 1
const c = 2
`;
    expect(diagsAt(src, ["TAL0302"])).toEqual(["TAL0302 3:8", "TAL0302 5:6", "TAL0302 7:8", "TAL0302 9:7"]);
    const d = diagnostics(src).find((x) => x.code === "TAL0302")!;
    expect(d.message).toBe("duplicate principal `v`");
    expect(d.related).toEqual([{ span: expect.objectContaining({ line: 2, col: 8 }), message: "first defined here" }]);
  });

  test("the same agent twice in one file is a duplicate; in two files it is a merge", () => {
    const agent = `agent "a" { upstream "https://x" }\n`;
    expect(diagsAt(PRELUDE + agent + agent, ["TAL0302"])).toEqual(["TAL0302 4:7"]);
    expect(diagsAt({ "a.talon": PRELUDE + agent, "b.talon": 'talon 1\nagent "a" { posture read_write }\n' }, ["TAL0302", "TAL0509"])).toEqual([]);
  });

  test("duplicate explicit rule ids, across agents too", () => {
    const src = `${PRELUDE}agent "a" {
  upstream "https://x"
  @id("r1") forbid tool x
  @id("r1") forbid tool y
}
agent "b" {
  upstream "https://y"
  @id("r1") forbid tool z
}
`;
    expect(diagsAt(src, ["TAL0302"])).toEqual(["TAL0302 6:3", "TAL0302 10:3"]);
  });
});

describe("references (TAL0301)", () => {
  test("unknown teams in principals, grants and approvals, with did-you-mean", () => {
    const src = `talon 1
team approvers { approvers "a@x" }
vendor "v" { token env("V") teams aprovers }
agent "a" {
  upstream "https://x"
  tool t { class read }
  grant team approver read on t
  approve tool t by team nobody
}
`;
    const ds = diagnostics(src).filter((d) => d.code === "TAL0301");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message} | ${d.help ?? ""}`)).toEqual([
      "3:35 unknown team `aprovers` | did you mean `approvers`?",
      "7:14 unknown team `approver` | did you mean `approvers`?",
      "8:26 unknown team `nobody` | ",
    ]);
  });

  test("unknown or wrong-kind principal in a grant", () => {
    const src = `${PRELUDE}caller "c" { token env("C") }
agent "a" {
  upstream "https://x"
  tool t { class read }
  grant vendor "w" read on t
  grant vendor "c" read on t
}
`;
    const ds = diagnostics(src).filter((d) => d.code === "TAL0301");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message} | ${d.help ?? ""}`)).toEqual([
      '7:16 unknown vendor `w` | did you mean `v`?',
      '8:16 unknown vendor `c` | "c" is declared as a caller',
    ]);
  });

  test("unknown detector, redaction scope and evidence capture, with did-you-mean", () => {
    // (Unknown classes and access words are syntax errors, reported by the parser.)
    const src = `${PRELUDE}agent "a" {
  upstream "https://x"
  evidence { capture requests, respones }
  redact x matching emial with mask in argz
}
`;
    expect(diagsAt(src, ["TAL0301"])).toEqual(["TAL0301 5:32", "TAL0301 6:21", "TAL0301 6:40"]);
    const help = diagnostics(src)
      .filter((d) => d.code === "TAL0301")
      .map((d) => d.help);
    expect(help).toEqual(["did you mean `responses`?", "did you mean `email`?", "did you mean `args`?"]);
  });

  test("unknown detector validator, with did-you-mean (the runtime knows luhn and iban)", () => {
    const src = `talon 1\ndetector pan { pattern /\\d{16}/ validate lunh }\ndetector ok { pattern /x/ validate luhn validate iban }\n`;
    const ds = diagnostics(src).filter((d) => d.code === "TAL0301");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message} | ${d.help ?? ""}`)).toEqual(["2:42 unknown detector validator `lunh` | did you mean `luhn`?"]);
  });
});

describe("agents need an upstream (TAL0201)", () => {
  test("reported at the agent's name", () => {
    const ds = diagnostics(`${PRELUDE}agent "a" { posture read_only }\n`).filter((d) => d.code === "TAL0201");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual(['3:7 expected an `upstream` clause in agent "a", found none']);
  });
});
