/**
 * Streamable HTTP hosting for MCP servers (this example and the test fixtures), on plain `node:http` with the v1 SDK's
 * `StreamableHTTPServerTransport`: one transport and one server instance per session.
 *
 * Before the SDK sees a request the host does what a local MCP server must do:
 * - DNS-rebinding protection: the Host header (and Origin, when sent) must name this machine
 *   (localhost, 127.0.0.1, [::1], or the bind address), else 403.
 * - JSON-RPC batches (a JSON array body) get 400 / -32600: since protocol 2025-06-18 a POST
 *   carries exactly one message.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

/**
 * @typedef {import('node:http').IncomingMessage} IncomingMessage
 * @typedef {import('node:http').ServerResponse} ServerResponse
 * @typedef {import('@modelcontextprotocol/sdk/server/streamableHttp.js').EventStore} EventStore
 * @typedef {{ connect(transport: StreamableHTTPServerTransport): Promise<void> }} Connectable
 * @typedef {{
 *   createMcpServer: (session: { transport: StreamableHTTPServerTransport }) => Connectable,
 *   host: string,
 *   port: number,
 *   path?: string,
 *   createEventStore?: () => EventStore,
 *   retryInterval?: number,
 * }} HttpServeOptions
 * @typedef {{ port: number, close(): Promise<void> }} RunningHttpServer
 */

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const LOCAL_HOSTNAMES = ['localhost', '127.0.0.1', '[::1]'];

/**
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
 * @param {string | undefined} value a Host header or, with isOrigin, an Origin header
 * @param {boolean} isOrigin
 * @returns {string | undefined}
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
 * @param {IncomingMessage} req
 * @returns {Promise<string | null>} the body, or null when larger than MAX_BODY_BYTES
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
 * Serves MCP sessions at `http://host:port/mcp` (or `path`).
 * @param {HttpServeOptions} options
 * @returns {Promise<RunningHttpServer>} resolves once listening; `port` is the real port
 */
export async function serveStreamableHttp(options) {
  const { createMcpServer, host, port, path = '/mcp' } = options;
  /** @type {Map<string, StreamableHTTPServerTransport>} */
  const sessions = new Map();
  const allowed = new Set(LOCAL_HOSTNAMES);
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
      eventStore: options.createEventStore?.(),
      retryInterval: options.retryInterval,
    });
    transport.onclose = () => {
      if (transport.sessionId) sessions.delete(transport.sessionId);
    };
    await createMcpServer({ transport }).connect(transport);
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
  return {
    port: typeof address === 'object' && address ? address.port : port,
    async close() {
      await Promise.allSettled([...sessions.values()].map((t) => t.close()));
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve(undefined)));
    },
  };
}
