/**
 * Streamable HTTP hosting for an MCP server factory, on plain `node:http` with the v1 SDK's
 * `StreamableHTTPServerTransport`: one transport and one server instance per session.
 *
 * Two checks run before the SDK sees a request, because a local MCP server must do them and
 * the SDK leaves them to the host:
 * - DNS-rebinding protection: the Host header (and Origin, when sent) must name an allowed
 *   host, else 403. Without it a web page whose DNS name resolves to 127.0.0.1 could drive
 *   this server from a browser.
 * - JSON-RPC batches (a JSON array body) are refused with 400 / -32600: since protocol
 *   2025-06-18 a POST carries exactly one message.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

/**
 * @typedef {import('@modelcontextprotocol/sdk/server/mcp.js').McpServer} McpServer
 * @typedef {import('node:http').IncomingMessage} IncomingMessage
 * @typedef {import('node:http').ServerResponse} ServerResponse
 * @typedef {{ close(): Promise<void>, port: number }} RunningHttpServer
 */

/** Largest POST body read, in bytes (the SDK's own default bound). */
const MAX_BODY_BYTES = 4 * 1024 * 1024;
/** Hostnames that always count as this machine. */
const LOCAL_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
 * Sends a JSON-RPC error object with an HTTP status.
 * @param {ServerResponse} res
 * @param {number} status
 * @param {number} code
 * @param {string} message
 */
function sendError(res, status, code, message) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id: null }));
}

/**
 * @param {string | undefined} value a Host header ("h:port") or an Origin ("scheme://h:port")
 * @param {boolean} isOrigin
 * @returns {string | undefined} the lower-cased hostname, or undefined when unparseable
 */
function hostnameOf(value, isOrigin) {
  if (!value) return undefined;
  try {
    return new URL(isOrigin ? value : `http://${value}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Reads the request body up to MAX_BODY_BYTES.
 * @param {IncomingMessage} req
 * @returns {Promise<string | null>} the body, or null when it is too large
 */
async function readBody(req) {
  /** @type {Buffer[]} */
  const chunks = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return null;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Serves `createMcpServer()` sessions over Streamable HTTP at `http://host:port/mcp`.
 * @param {{ createMcpServer: () => McpServer, host: string, port: number, path?: string }} options
 * @returns {Promise<RunningHttpServer>} resolves once listening; `port` is the real port
 */
export async function serveStreamableHttp({ createMcpServer, host, port, path = '/mcp' }) {
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  const allowed = new Set(LOCAL_HOSTNAMES);
  // A non-wildcard bind address is also a legitimate Host (e.g. --host 192.168.1.10).
  if (host !== '0.0.0.0' && host !== '::') allowed.add(hostnameOf(host, false) ?? host);

  /** @param {IncomingMessage} req @param {ServerResponse} res */
  async function handle(req, res) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== path) return sendError(res, 404, -32600, `not found: use ${path}`);

    const hostName = hostnameOf(req.headers.host, false);
    const origin = req.headers.origin;
    if (!hostName || !allowed.has(hostName)) {
      return sendError(res, 403, -32000, `forbidden host: ${req.headers.host ?? '(none)'}`);
    }
    if (origin !== undefined && !allowed.has(hostnameOf(origin, true) ?? '')) {
      return sendError(res, 403, -32000, `forbidden origin: ${origin}`);
    }

    const sessionId = req.headers['mcp-session-id'];
    const existing = typeof sessionId === 'string' ? sessions.get(sessionId) : undefined;
    if (typeof sessionId === 'string' && !existing) return sendError(res, 404, -32001, 'session not found');

    if (req.method === 'GET' || req.method === 'DELETE') {
      if (!existing) return sendError(res, 400, -32000, 'missing mcp-session-id');
      return existing.handleRequest(req, res);
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'GET, POST, DELETE');
      return sendError(res, 405, -32000, 'method not allowed');
    }

    const text = await readBody(req);
    if (text === null) return sendError(res, 413, -32600, `body larger than ${MAX_BODY_BYTES} bytes`);
    /** @type {unknown} */
    let body;
    try {
      body = JSON.parse(text);
    } catch {
      return sendError(res, 400, -32700, 'parse error: body is not JSON');
    }
    if (Array.isArray(body)) return sendError(res, 400, -32600, 'JSON-RPC batches are not supported');

    if (existing) return existing.handleRequest(req, res, body);
    if (!isInitializeRequest(body)) return sendError(res, 400, -32000, 'missing mcp-session-id (initialize first)');

    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => { sessions.set(id, transport); },
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createMcpServer().connect(transport);
    return transport.handleRequest(req, res, body);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err) => {
      process.stderr.write(`http handler error: ${err instanceof Error ? err.stack : String(err)}\n`);
      if (!res.headersSent) sendError(res, 500, -32603, 'internal error');
      else res.end();
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(undefined));
  });
  const address = server.address();
  const realPort = typeof address === 'object' && address ? address.port : port;

  return {
    port: realPort,
    async close() {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
