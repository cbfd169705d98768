import { describe, expect, test } from "vitest";
import { PRELUDE, diagnostics, diagsAt } from "./harness.js";

describe("grants", () => {
  test("an agent with tools but no grant is TAL0506", () => {
    expect(diagsAt(`${PRELUDE}agent "a" {\n  upstream "https://x"\n  tool t { class read }\n}\n`, ["TAL0506"])).toEqual(["TAL0506 3:7"]);
  });

  test("`anyone` granted write, destructive or all is a TAL0503 security warning; read is fine", () => {
    const src = `${PRELUDE}agent "a" {
  upstream "https://x"
  tool t { class write }
  grant anyone read on t
  grant anyone write on t
  grant anyone all on "*"
}
`;
    const ds = diagnostics(src).filter((d) => d.code === "TAL0503");
    expect(ds.map((d) => `${d.span.line}:${d.span.col} ${d.severity} ${d.message}`)).toEqual([
      "7:3 security-warning `anyone` granted write on `t`",
      "8:3 security-warning `anyone` granted all on `*`",
    ]);
  });
});

describe("secrets and authentication", () => {
  test("a literal token is TAL1001", () => {
    expect(diagsAt(`talon 1\nvendor "v" { token "hunter2" }\n`, ["TAL1001"])).toEqual(["TAL1001 2:20"]);
  });

  test("upstream_auth passthrough is TAL1002", () => {
    expect(diagsAt(`${PRELUDE}agent "a" {\n  upstream "https://x"\n  upstream_auth passthrough\n}\n`, ["TAL1002"])).toEqual(["TAL1002 5:3"]);
  });

  test("an agent reachable without a credential is TAL1005: no tokens in the bundle, or `auth none`", () => {
    const agent = `agent "a" { upstream "https://x" }\n`;
    expect(diagsAt(`talon 1\ncaller "c" { oidc sub "svc" }\n${agent}`, ["TAL1005"])).toEqual(["TAL1005 3:7"]);
    expect(diagsAt(PRELUDE + agent, ["TAL1005"])).toEqual([]);
    expect(diagsAt(`${PRELUDE}agent "a" { upstream "https://x" auth none }\n`, ["TAL1005"])).toEqual(["TAL1005 3:7"]);
  });

  test("an `auth oidc` agent needs a token even with no token in the bundle: no TAL1005, and no TAL1101 for oidc", () => {
    // (`require_listed false`: the default `require_listed` has its own note.)
    const src = `talon 1\ncaller "c" { oidc sub "svc" }\nagent "a" { upstream "https://x" auth oidc issuer "https://id.example" audience "a" require_listed false }\n`;
    expect(diagsAt(src, ["TAL1005", "TAL1101"])).toEqual([]);
  });
});

describe("other rule checks", () => {
  test("an approval team without approvers is TAL0508", () => {
    const src = `${PRELUDE}team t { members "v" }
agent "a" {
  upstream "https://x"
  approve tool x by team t
}
`;
    expect(diagsAt(src, ["TAL0508"])).toEqual(["TAL0508 6:26"]);
  });

  test("a rate limit needs rate ≥ 1 and burst ≥ 1 (TAL0514)", () => {
    const src = `${PRELUDE}agent "a" {\n  upstream "https://x"\n  limit rate 0 per 1m\n  limit rate 5 per 1m burst 0\n  limit rate 5 per 1m burst 2\n}\n`;
    expect(diagsAt(src, ["TAL0514"])).toEqual(["TAL0514 5:3", "TAL0514 6:3"]);
  });

  test("an unknown redaction method is TAL0604 with a suggestion", () => {
    const d = diagnostics(`${PRELUDE}agent "a" {\n  upstream "https://x"\n  redact x with hsah\n}\n`).find((x) => x.code === "TAL0604")!;
    expect(`${d.span.line}:${d.span.col} ${d.message} | ${d.help}`).toBe("5:17 unknown redaction method `hsah` | did you mean `hash`?");
  });
});
