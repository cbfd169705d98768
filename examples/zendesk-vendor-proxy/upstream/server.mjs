#!/usr/bin/env node
/**
 * Example upstream for the zendesk-vendor-proxy policy: a Zendesk-like help desk served as an
 * MCP server (v1 SDK). It stands in for the vendor API that Talon governs.
 *
 *   node server.mjs                          stdio (the default)
 *   node server.mjs --http [port] [--host h] Streamable HTTP at http://h:port/mcp
 *   node server.mjs --http --port 0          any free port
 *
 * In HTTP mode the only stdout line is `listening <port>` (the real port), printed once the
 * socket is bound; in stdio mode stdout carries nothing but MCP messages. Diagnostics go to
 * stderr. SIGTERM/SIGINT (and, on stdio, the end of stdin) end the process with status 0.
 *
 * Environment: ZENDESK_UPSTREAM_COUNTS_FILE — when set, the per-tool call counts are written
 * to that file as JSON at start and after every call.
 *
 * @module
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { CallCounters } from './counters.mjs';
import { HelpDesk } from './helpdesk.mjs';
import { serveStreamableHttp } from './http.mjs';
import { createZendeskServer } from './mcp.mjs';

/** @typedef {{ mode: 'stdio' } | { mode: 'http', host: string, port: number }} Options */

const USAGE = 'usage: server.mjs [--stdio] | --http [port] [--port n] [--host addr]';

/**
 * @param {string} text
 * @returns {number} a TCP port (0 = any free port)
 */
function parsePort(text) {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`invalid port: ${text}\n${USAGE}`);
  return port;
}

/**
 * @param {string[]} argv the arguments after the script name
 * @returns {Options}
 */
function parseArgs(argv) {
  let http = false;
  let host = '127.0.0.1';
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stdio') continue;
    if (arg === '--http') {
      http = true;
      // `--http 3001` is accepted as a shorthand for `--http --port 3001`.
      if (argv[i + 1] !== undefined && /^\d+$/.test(argv[i + 1])) port = parsePort(argv[++i]);
    } else if (arg === '--port' && argv[i + 1] !== undefined) {
      port = parsePort(argv[++i]);
    } else if (arg === '--host' && argv[i + 1] !== undefined) {
      host = argv[++i];
    } else {
      throw new Error(`unknown argument: ${arg}\n${USAGE}`);
    }
  }
  return http ? { mode: 'http', host, port } : { mode: 'stdio' };
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const desk = new HelpDesk();
  const counters = new CallCounters(process.env.ZENDESK_UPSTREAM_COUNTS_FILE);
  const createMcpServer = () => createZendeskServer({ desk, counters });

  /** @type {(() => Promise<void>) | undefined} */
  let close;
  // Signal handlers go in before readiness is announced: a parent may signal right after.
  let closing = false;
  async function shutdown() {
    if (closing) return;
    closing = true;
    await close?.().catch(() => {});
    process.exit(0);
  }
  process.once('SIGTERM', () => void shutdown());
  process.once('SIGINT', () => void shutdown());

  if (options.mode === 'http') {
    const running = await serveStreamableHttp({ createMcpServer, host: options.host, port: options.port });
    close = running.close;
    process.stdout.write(`listening ${running.port}\n`);
  } else {
    const server = createMcpServer();
    await server.connect(new StdioServerTransport());
    close = () => server.close();
    // The client closing our stdin is the stdio way of saying goodbye.
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  }
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
