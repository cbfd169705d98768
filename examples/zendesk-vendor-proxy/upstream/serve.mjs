/**
 * Command line and lifecycle of an MCP server script (this example and the test fixtures):
 *
 *   --stdio (default)                    MCP over stdin/stdout
 *   --http [port] [--port n] [--host h]  Streamable HTTP at http://h:port/mcp (h = 127.0.0.1)
 *
 * HTTP mode prints exactly one stdout line, `listening <port>`, once bound (port 0 picks a
 * free port and the real one is printed). stdio mode keeps stdout for MCP. SIGTERM/SIGINT,
 * and on stdio the end of stdin, exit with status 0.
 *
 * @module
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { serveStreamableHttp } from './http.mjs';

/**
 * @typedef {{ mode: 'stdio' } | { mode: 'http', host: string, port: number }} ServeOptions
 * @typedef {import('./http.mjs').HttpServeOptions} HttpServeOptions
 * @typedef {{ connect(transport: import('@modelcontextprotocol/sdk/shared/transport.js').Transport): Promise<void>, close(): Promise<void> }} ServableServer
 */

const USAGE = 'usage: [--stdio] | --http [port] [--port n] [--host addr]';

/**
 * @param {string} text
 * @returns {number}
 */
function parsePort(text) {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new Error(`invalid port: ${text}\n${USAGE}`);
  return port;
}

/**
 * @param {string[]} argv arguments after the script name
 * @returns {ServeOptions}
 */
export function parseServeArgs(argv) {
  let http = false;
  let host = '127.0.0.1';
  let port = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--stdio') continue;
    if (arg === '--http') {
      http = true;
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

/**
 * Parses `process.argv` and serves: one server for stdio, one per session for HTTP.
 * @param {(session: { transport: import('@modelcontextprotocol/sdk/shared/transport.js').Transport }) => ServableServer} createMcpServer
 * @param {Pick<HttpServeOptions, 'createEventStore' | 'retryInterval'>} [httpExtras]
 */
export async function serveFromArgv(createMcpServer, httpExtras = {}) {
  const options = parseServeArgs(process.argv.slice(2));
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
    const running = await serveStreamableHttp({ ...httpExtras, createMcpServer, host: options.host, port: options.port });
    close = running.close;
    process.stdout.write(`listening ${running.port}\n`);
  } else {
    const transport = new StdioServerTransport();
    const server = createMcpServer({ transport });
    await server.connect(transport);
    close = () => server.close();
    process.stdin.once('end', () => void shutdown());
    process.stdin.once('close', () => void shutdown());
  }
}

/**
 * Runs `serveFromArgv` as a script's main, reporting startup errors on stderr with status 1.
 * @param {Parameters<typeof serveFromArgv>} args
 */
export function main(...args) {
  serveFromArgv(...args).catch((err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
