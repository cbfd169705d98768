import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { canonicalIr } from "../../compiler/ir/print.js";
import { diagnostics, expectValid } from "./harness.js";

const DIR = "examples/zendesk-vendor-proxy/seed";
const read = (f: string) => readFileSync(`${DIR}/${f}`, "utf8");

// The seed's human oversight names team `approvers`, which neither seed file declares (alone each
// is TAL0301); both twins get the same declaration from a shared file.
const TEAM = { "shared/team.talon": 'talon 1\nteam approvers { approvers "support-lead@acme.example" }\n' };

describe("the seed YAML and its .talon twin", () => {
  test("lower to the same canonical IR", () => {
    const yaml = expectValid({ [`${DIR}/zendesk-vendor-proxy.talon.yaml`]: read("zendesk-vendor-proxy.talon.yaml"), ...TEAM });
    const talon = expectValid({ [`${DIR}/zendesk-vendor-proxy.talon`]: read("zendesk-vendor-proxy.talon"), ...TEAM });
    expect(canonicalIr(talon)).toBe(canonicalIr(yaml));
    // Positions differ (they point into each file), so the IRs are not identical, only equivalent.
    expect(yaml.agents[0]!.at).not.toBe(talon.agents[0]!.at);
  });
});

describe("the seed YAML as written", () => {
  test("compiles alone: the undeclared approval team is a warning, and its approvals fail closed", () => {
    const file = `${DIR}/zendesk-vendor-proxy.talon.yaml`;
    const ds = diagnostics({ [file]: read("zendesk-vendor-proxy.talon.yaml") });
    expect(ds.filter((d) => d.severity === "error")).toEqual([]);
    const team = ds.filter((d) => d.code === "TAL1104");
    expect(team.map((d) => `${d.span.line}:${d.span.col} ${d.message}`)).toEqual([
      "42:3 approval team `approvers` is not declared; calls this oversight rule applies to are denied until it is",
    ]);
  });
});
