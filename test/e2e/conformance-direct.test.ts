/**
 * The official MCP conformance suite, run directly against the conformance target (no proxy).
 * This is the baseline that the "same scenarios through Talon" test compares with.
 *
 * The full outcome map is recorded in conformance-direct.snapshot.json. After a deliberate
 * change (a new suite version, a fixture change), refresh it with
 *   UPDATE_CONFORMANCE_SNAPSHOT=1 npx vitest run --config test/vitest.config.ts test/e2e/conformance-direct.test.ts
 */
import { readFileSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_TARGET, ZENDESK_UPSTREAM, startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";
import { outcomeOf, runServerConformance, runServerConformanceReport } from "./conformance-harness.js";

const SNAPSHOT = new URL("./conformance-direct.snapshot.json", import.meta.url);

/** Scenarios any MCP server in front of tools must pass; a proxy must keep them passing. */
const CORE = [
  "server-initialize", "ping", "tools-list", "tools-call-simple-text", "tools-call-error",
  "resources-list", "resources-read-text", "prompts-list", "prompts-get-with-args",
  "completion-complete", "logging-set-level", "dns-rebinding-protection",
];

describe("conformance suite against the conformance target", () => {
  let target: RunningServer;

  beforeAll(async () => {
    target = await startHttpServer(CONFORMANCE_TARGET);
  });
  afterAll(async () => {
    await target?.stop();
  });

  it("passes the core scenarios and matches the recorded outcome map", async () => {
    const report = await runServerConformanceReport(target.url);
    const observed = Object.fromEntries(report.outcomes);

    const failed = [...report.checks].filter(([s]) => observed[s] === "fail")
      .map(([s, checks]) => `${s}: ${checks.filter((c) => c.status === "FAILURE").map((c) => c.errorMessage).join("; ")}`);
    for (const scenario of CORE) expect(observed[scenario], failed.join("\n")).toBe("pass");

    if (process.env.UPDATE_CONFORMANCE_SNAPSHOT === "1") {
      writeFileSync(SNAPSHOT, `${JSON.stringify(observed, null, 2)}\n`);
    }
    const recorded = JSON.parse(readFileSync(SNAPSHOT, "utf8")) as Record<string, string>;
    expect(observed).toEqual(recorded);
  }, 300_000);

  it("runs only the scenarios asked for", async () => {
    const outcomes = await runServerConformance(target.url, { scenarios: ["ping", "tools-call-error"] });
    expect([...outcomes]).toEqual([["ping", "pass"], ["tools-call-error", "pass"]]);
  }, 120_000);

  it("rejects a scenario name the suite does not know", async () => {
    await expect(runServerConformance(target.url, { scenarios: ["no-such-scenario"] }))
      .rejects.toThrow(/unknown conformance scenario\(s\): no-such-scenario/);
  }, 60_000);
});

describe("conformance harness on a server that lacks the test tools", () => {
  let upstream: RunningServer;

  beforeAll(async () => {
    upstream = await startHttpServer(ZENDESK_UPSTREAM);
  });
  afterAll(async () => {
    await upstream?.stop();
  });

  it("reports failures as fail and transport checks as pass", async () => {
    const outcomes = await runServerConformance(upstream.url, {
      scenarios: ["ping", "resources-read-text", "dns-rebinding-protection"],
    });
    expect(Object.fromEntries(outcomes)).toEqual({
      "ping": "pass",
      // The example upstream has no test://static-text resource.
      "resources-read-text": "fail",
      "dns-rebinding-protection": "pass",
    });
  }, 120_000);
});

describe("outcomeOf", () => {
  const check = (status: string) => ({ id: "x", name: "x", description: "x", status });

  it("fails on any FAILURE, passes on SUCCESS, skips on INFO/WARNING only", () => {
    expect(outcomeOf([check("SUCCESS"), check("FAILURE")])).toBe("fail");
    expect(outcomeOf([check("SUCCESS"), check("WARNING")])).toBe("pass");
    expect(outcomeOf([check("INFO"), check("WARNING")])).toBe("skip");
  });
});
