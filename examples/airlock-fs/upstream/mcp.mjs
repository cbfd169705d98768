/**
 * The MCP face of the example filesystem server: the nine tools of LANGUAGE.md §13.3 on the v1
 * SDK's `McpServer`, with the reference filesystem server's names and argument shapes. Results are
 * text blocks; a refused or failed operation is an `isError` result whose text names the host
 * path, as the reference server's do.
 *
 * @module
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
// zod comes with the SDK (its dependency and peer dependency); McpServer schemas are zod schemas.
import { z } from 'zod';
import { AccessDenied } from './confine.mjs';
import { FileError, fileOps } from './files.mjs';

/** Server name and version announced in `initialize`. */
export const SERVER_INFO = { name: 'airlock-fs-example', version: '1.0.0' };

/** The tool names, in listing order. */
export const TOOL_NAMES = /** @type {const} */ ([
  'read_text_file', 'read_multiple_files', 'get_file_info', 'list_directory', 'search_files',
  'write_file', 'edit_file', 'create_directory', 'move_file',
]);

/**
 * Wraps an operation into a tool callback: its text becomes one text block, and a refusal or a
 * file error an `isError` result (anything else is a bug and surfaces as a JSON-RPC error).
 * @template A
 * @param {(args: A) => string} op
 */
function tool(op) {
  /** @param {A} args */
  return (args) => {
    try {
      return { content: [{ type: /** @type {const} */ ('text'), text: op(args) }] };
    } catch (err) {
      if (!(err instanceof AccessDenied || err instanceof FileError)) throw err;
      return { content: [{ type: /** @type {const} */ ('text'), text: `Error: ${err.message}` }], isError: true };
    }
  };
}

const READ = { readOnlyHint: true };
const WRITE = { readOnlyHint: false, destructiveHint: false };
const edit = z.object({ oldText: z.string(), newText: z.string() });

/**
 * Builds one MCP server over a confined base directory. Call it once per session.
 * @param {{ confinement: import('./files.mjs').Confinement }} deps
 * @returns {McpServer}
 */
export function createFsServer({ confinement }) {
  const ops = fileOps(confinement);
  const server = new McpServer(SERVER_INFO, {
    instructions: `Example filesystem server confined to ${confinement.base}. Paths are absolute.`,
  });
  const path = z.string();

  server.registerTool('read_text_file', {
    description: 'Reads a file as UTF-8 text; head/tail keep the first/last N lines.',
    inputSchema: { path, head: z.number().int().min(0).optional(), tail: z.number().int().min(0).optional() },
    annotations: READ,
  }, tool(ops.readTextFile));
  server.registerTool('read_multiple_files', {
    description: 'Reads several files; a file that cannot be read is reported inline.',
    inputSchema: { paths: z.array(path) },
    annotations: READ,
  }, tool(ops.readMultipleFiles));
  server.registerTool('get_file_info', {
    description: 'Size, times, type and permissions of a file or directory.',
    inputSchema: { path },
    annotations: READ,
  }, tool(ops.getFileInfo));
  server.registerTool('list_directory', {
    description: 'Lists a directory, marking entries [DIR] or [FILE].',
    inputSchema: { path },
    annotations: READ,
  }, tool(ops.listDirectory));
  server.registerTool('search_files', {
    description: 'Finds files and directories whose name contains the pattern (case-insensitive), below a directory.',
    inputSchema: { path, pattern: z.string(), excludePatterns: z.array(z.string()).optional() },
    annotations: READ,
  }, tool(ops.searchFiles));
  server.registerTool('write_file', {
    description: 'Creates or overwrites a file.',
    inputSchema: { path, content: z.string() },
    annotations: WRITE,
  }, tool(ops.writeFile));
  server.registerTool('edit_file', {
    description: 'Replaces exact text in a file; dryRun shows the change without writing.',
    inputSchema: { path, edits: z.array(edit), dryRun: z.boolean().optional() },
    annotations: WRITE,
  }, tool(ops.editFile));
  server.registerTool('create_directory', {
    description: 'Creates a directory (and its parents).',
    inputSchema: { path },
    annotations: WRITE,
  }, tool(ops.createDirectory));
  server.registerTool('move_file', {
    description: 'Moves or renames a file or directory; the destination must not exist.',
    inputSchema: { source: path, destination: path },
    annotations: WRITE,
  }, tool(ops.moveFile));
  return server;
}
