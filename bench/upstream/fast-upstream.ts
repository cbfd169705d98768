/**
 * `node dist/bench/upstream/fast-upstream.js [--host 127.0.0.1] [--port 0] | --stdio`
 *
 * A deliberately minimal MCP server for benchmarks: one tool (`ticket_search`) answering every call
 * with the same ~1 KiB result. HTTP mode prints `listening <port>` once it accepts connections;
 * stdio mode speaks newline-delimited JSON-RPC on stdin/stdout and exits when stdin closes.
 */
import { parseFlags, intFlag, runMain, stringFlag } from "../flags.js";
import { startHttpUpstream, uwsIsNative } from "./http-server.js";
import { serveStdio } from "./stdio-server.js";

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2), { host: "string", port: "string", stdio: "boolean" });
  if (flags.get("stdio") === true) {
    await serveStdio(process.stdin, process.stdout);
    return;
  }
  const upstream = await startHttpUpstream(stringFlag(flags, "host", "127.0.0.1"), intFlag(flags, "port", 0));
  if (!uwsIsNative()) process.stderr.write("fast-upstream: warning: uWebSockets.js native addon not loaded\n");
  process.stdout.write(`listening ${upstream.port}\n`);
  const stop = (): void => {
    upstream.close();
    process.exit(0);
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

runMain("fast-upstream", main);
