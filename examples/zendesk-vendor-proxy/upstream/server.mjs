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
import { toolCounters } from './counters.mjs';
import { HelpDesk } from './helpdesk.mjs';
import { createZendeskServer } from './mcp.mjs';
import { main } from './serve.mjs';

const desk = new HelpDesk();
const counters = toolCounters(process.env.ZENDESK_UPSTREAM_COUNTS_FILE);
// One help desk and one set of counters, shared by every session (stdio has just one).
main(() => createZendeskServer({ desk, counters }));
