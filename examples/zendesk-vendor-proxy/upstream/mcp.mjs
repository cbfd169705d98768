/**
 * The MCP face of the example help desk: six tools, one prompt with argument completion and
 * one resource with the call counters, registered on the v1 SDK's `McpServer`.
 *
 * Tool results carry `structuredContent` (validated by the SDK against each tool's
 * `outputSchema`) and the same JSON, serialized, as a text block for clients that only read
 * text. Requester emails and phone numbers are returned in the clear on purpose.
 *
 * @module
 */
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { completable } from '@modelcontextprotocol/sdk/server/completable.js';
// zod comes with the SDK (its dependency and peer dependency); McpServer schemas are zod schemas.
import { z } from 'zod';
import { registerCallStats } from '../../shared/counters.mjs';
import { counted } from '../../shared/tool-results.mjs';
import { NotFoundError } from './helpdesk.mjs';
import { PRIORITIES, STATUSES } from './tickets.mjs';

/**
 * @typedef {import('./helpdesk.mjs').HelpDesk} HelpDesk
 * @typedef {import('./counters.mjs').ToolName} ToolName
 * @typedef {import('../../shared/counters.mjs').CallCounters<ToolName>} CallCounters
 */

/** Server name and version announced in `initialize`. */
export const SERVER_INFO = { name: 'zendesk-upstream-example', version: '1.0.0' };
/** URI of the resource holding the per-tool call counts. */
export const CALL_STATS_URI = 'zendesk://stats/calls';

const requester = z.object({ id: z.string(), name: z.string(), email: z.string(), phone: z.string() });
const comment = z.object({ author: z.string(), body: z.string(), created_at: z.string() });
const ticketShape = {
  id: z.number().int(),
  subject: z.string(),
  status: z.enum(STATUSES),
  priority: z.enum(PRIORITIES),
  impact: z.number(),
  description: z.string(),
  tags: z.array(z.string()),
  created_at: z.string(),
  requester,
  comments: z.array(comment),
};
const ticket = z.object(ticketShape);


/**
 * Builds one MCP server over a shared help desk and counter set. Call it once per session:
 * an `McpServer` speaks to exactly one transport.
 * @param {{ desk: HelpDesk, counters: CallCounters }} deps
 * @returns {McpServer}
 */
export function createZendeskServer({ desk, counters }) {
  const server = new McpServer(SERVER_INFO, {
    instructions: 'Example Zendesk-like help desk. Data is invented; PII is returned unredacted.',
  });

  server.registerTool('ticket_search', {
    title: 'Search tickets',
    description: 'Full-text search over ticket subject, description, tags and requester. Empty query or "*" lists all.',
    inputSchema: { query: z.string(), limit: z.number().int().min(1).max(100).optional() },
    outputSchema: { tickets: z.array(ticket), count: z.number().int() },
    annotations: { readOnlyHint: true },
  }, counted(counters, 'ticket_search', NotFoundError, ({ query, limit }) => {
    const tickets = desk.search(query, limit ?? 10);
    return { tickets, count: tickets.length };
  }));

  server.registerTool('get_ticket', {
    title: 'Read one ticket',
    description: 'Returns one ticket by id, with its requester and comments.',
    inputSchema: { id: z.number().int() },
    outputSchema: ticketShape,
    annotations: { readOnlyHint: true },
  }, counted(counters, 'get_ticket', NotFoundError, ({ id }) => desk.get(id)));

  server.registerTool('update_ticket', {
    title: 'Update a ticket',
    description: 'Changes priority, financial impact (EUR) or status, and/or adds an agent comment.',
    inputSchema: {
      id: z.number().int(),
      priority: z.enum(PRIORITIES).optional(),
      impact: z.number().min(0).optional(),
      status: z.enum(STATUSES).optional(),
      comment: z.string().optional(),
    },
    outputSchema: { ticket, updated_fields: z.array(z.string()) },
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false },
  }, counted(counters, 'update_ticket', NotFoundError, ({ id, ...update }) => desk.update(id, update, new Date().toISOString())));

  server.registerTool('user_delete', {
    title: 'Delete a user',
    description: 'Deletes a user and every ticket they requested.',
    inputSchema: { user_id: z.string() },
    outputSchema: { deleted: z.boolean(), user_id: z.string(), tickets_deleted: z.number().int() },
    annotations: { destructiveHint: true },
  }, counted(counters, 'user_delete', NotFoundError, ({ user_id }) => desk.deleteUser(user_id)));

  server.registerTool('export_all', {
    title: 'Export everything',
    description: 'Exports every ticket and every user.',
    inputSchema: {},
    outputSchema: { tickets: z.array(ticket), users: z.array(requester), exported_at: z.string() },
    annotations: { readOnlyHint: true },
  }, counted(counters, 'export_all', NotFoundError, () => ({
    tickets: desk.tickets, users: desk.users(), exported_at: new Date().toISOString(),
  })));

  server.registerTool('admin_purge', {
    title: 'Purge all tickets',
    description: 'Deletes every ticket in the help desk.',
    inputSchema: {},
    outputSchema: { purged: z.number().int() },
    annotations: { destructiveHint: true },
  }, counted(counters, 'admin_purge', NotFoundError, () => desk.purge()));

  server.registerPrompt('summarize_ticket', {
    title: 'Summarize a ticket',
    description: 'Asks the model for a short summary of one ticket, including who raised it.',
    argsSchema: {
      ticket_id: completable(z.string(), (value) =>
        desk.tickets.map((t) => String(t.id)).filter((id) => id.startsWith(value ?? ''))),
    },
  }, ({ ticket_id }) => {
    const t = desk.get(Number(ticket_id));
    const text = [
      `Summarize ticket #${t.id} ("${t.subject}") in two sentences for a support lead.`,
      `Status: ${t.status}, priority: ${t.priority}.`,
      `Requester: ${t.requester.name} <${t.requester.email}>, phone ${t.requester.phone}.`,
      '',
      t.description,
    ].join('\n');
    return { messages: [{ role: 'user', content: { type: 'text', text } }] };
  });

  registerCallStats(server, CALL_STATS_URI, counters);

  return server;
}
