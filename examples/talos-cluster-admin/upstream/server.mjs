#!/usr/bin/env node
/**
 * Example upstream for the talos-cluster-admin policy (LANGUAGE.md §13.2): a Talos-like cluster
 * admin MCP server (v1 SDK) over a simulated six-node cluster. It stands in for
 * `talos-mcp-server --talosconfig …`, which Talon governs in production.
 *
 *   node server.mjs                          stdio (the default)
 *   node server.mjs --http [port] [--host h] Streamable HTTP at http://h:port/mcp
 *   node server.mjs --http --port 0          any free port
 *
 * In HTTP mode the only stdout line is `listening <port>` (the real port), printed once the
 * socket is bound; in stdio mode stdout carries nothing but MCP messages. Diagnostics go to
 * stderr. SIGTERM/SIGINT (and, on stdio, the end of stdin) end the process with status 0.
 *
 * Environment: TALOS_UPSTREAM_COUNTS_FILE — when set, the per-tool call counts are written to
 * that file as JSON at start and after every call.
 *
 * @module
 */
// The command line, transports and HTTP hosting are the Zendesk example's (same conventions).
import { main } from '../../zendesk-vendor-proxy/upstream/serve.mjs';
import { Cluster } from './cluster.mjs';
import { toolCounters } from './counters.mjs';
import { createTalosServer } from './mcp.mjs';

const cluster = new Cluster();
const counters = toolCounters(process.env.TALOS_UPSTREAM_COUNTS_FILE);
// One cluster and one set of counters, shared by every session (stdio has just one).
main(() => createTalosServer({ cluster, counters }));
