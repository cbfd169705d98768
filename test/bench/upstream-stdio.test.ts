import { spawn } from "node:child_process";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { benchNode } from "../../bench/node-binary.js";
import { FAST_UPSTREAM_JS } from "../../bench/paths.js";
import { answerLine, serveStdio } from "../../bench/upstream/stdio-server.js";
import { requireDist } from "./dist.js";

describe("fast upstream over stdio", () => {
  it("answers line by line, skips notifications, and handles lines split across reads", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    let written = "";
    output.setEncoding("utf8").on("data", (d: string) => (written += d));
    const done = serveStdio(input, output);
    input.write('{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18"}}\n');
    input.write('{"jsonrpc":"2.0","method":"notifications/initialized"}\n{"jsonrpc":"2.0","id":2,');
    input.write('"method":"tools/call","params":{"name":"ticket_search","arguments":{}}}\n\n');
    input.end();
    await done;
    const lines = written.trimEnd().split("\n").map((l) => JSON.parse(l));
    expect(lines.map((l) => l.id)).toEqual([1, 2]);
    expect(lines[0].result.protocolVersion).toBe("2025-06-18");
    expect(lines[1].result.structuredContent.tickets).toHaveLength(3);
  });

  it("answers bad JSON with a parse error and an all-notification batch with nothing", () => {
    expect(JSON.parse(answerLine("{oops")!).error.code).toBe(-32700);
    expect(answerLine('[{"jsonrpc":"2.0","method":"notifications/cancelled"}]')).toBeNull();
    expect(JSON.parse(answerLine('"just a string"')!).error.code).toBe(-32600);
  });

  it("runs as a process with --stdio and exits when stdin closes", async () => {
    requireDist();
    const child = spawn(benchNode(), [FAST_UPSTREAM_JS, "--stdio"], { stdio: ["pipe", "pipe", "inherit"] });
    let out = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (out += d));
    child.stdin.end('{"jsonrpc":"2.0","id":"p","method":"ping"}\n');
    const code = await new Promise((resolve) => child.on("exit", resolve));
    expect(code).toBe(0);
    expect(JSON.parse(out)).toEqual({ jsonrpc: "2.0", id: "p", result: {} });
  });
});
