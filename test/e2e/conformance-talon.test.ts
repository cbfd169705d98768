/**
 * The official conformance suite through Talon: an allow-all policy in front of the conformance
 * target. Every scenario that passes against the target directly must pass through Talon, with
 * the upstream reached over Streamable HTTP and over stdio (a child process per session).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CONFORMANCE_TARGET, startHttpServer, type RunningServer } from "../fixtures/spawn-server.js";
import { runServerConformance, runServerConformanceReport } from "./conformance-harness.js";
import { buildPolicy, startTalon, type RunningTalon, allowAllPolicy } from "./harness.js";

async function compare(directUrl: string, talonUrl: string): Promise<void> {
  const direct = await runServerConformance(directUrl);
  const through = await runServerConformanceReport(talonUrl);
  const regressions = [...direct]
    .filter(([s, o]) => o === "pass" && through.outcomes.get(s) !== "pass")
    .map(([s]) => `${s}: ${(through.checks.get(s) ?? []).filter((c) => c.status === "FAILURE").map((c) => c.errorMessage).join("; ")}`);
  expect(regressions, regressions.join("\n")).toEqual([]);
  expect([...direct].filter(([, o]) => o === "pass").length).toBeGreaterThan(25);
}

describe("conformance through Talon", () => {
  let target: RunningServer;
  let overHttp: RunningTalon;
  let overStdio: RunningTalon;

  beforeAll(async () => {
    target = await startHttpServer(CONFORMANCE_TARGET);
    const http = buildPolicy({ "all.talon": allowAllPolicy(JSON.stringify(target.url)) });
    overHttp = await startTalon(http.bundle);
    const stdio = buildPolicy({ "all.talon": allowAllPolicy(`stdio ["node", ${JSON.stringify(CONFORMANCE_TARGET)}, "--stdio"]`) });
    overStdio = await startTalon(stdio.bundle);
  });
  afterAll(async () => {
    await overHttp?.stop();
    await overStdio?.stop();
    await target?.stop();
  });

  it("passes every scenario the target passes, upstream over Streamable HTTP", async () => {
    await compare(target.url, overHttp.url);
  }, 300_000);

  it("passes every scenario the target passes, upstream over stdio", async () => {
    await compare(target.url, overStdio.url);
  }, 300_000);
});
