#!/usr/bin/env node
/**
 * Example upstream for the airlock-fs policy (LANGUAGE.md §13.3): an MCP filesystem server (v1
 * SDK) with the reference server's tool names, confined to one base directory. It stands in for
 * `mcp-server-filesystem /srv/airlock`, which Talon governs in production.
 *
 *   node server.mjs <base> [--seed <dir>]                           stdio (the default)
 *   node server.mjs <base> [--seed <dir>] --http [port] [--host h]  Streamable HTTP at /mcp
 *
 * `<base>` is an absolute directory; with `--seed`, a missing base is first created as a copy of
 * that directory (see seed.mjs). The server refuses any path outside the base after resolving
 * symlinks (confine.mjs). Transport options and output conventions are the Zendesk example's.
 *
 * @module
 */
import { isAbsolute } from 'node:path';
// The command line, transports and HTTP hosting are the Zendesk example's (same conventions).
import { main } from '../../zendesk-vendor-proxy/upstream/serve.mjs';
import { confineTo } from './confine.mjs';
import { createFsServer } from './mcp.mjs';
import { seedIfMissing } from './seed.mjs';

const USAGE = 'usage: server.mjs <base> [--seed <dir>] [--stdio | --http [port] [--port n] [--host h]]';

// Own arguments first; the rest is serve.mjs's (it reads process.argv).
const base = process.argv[2];
if (base === undefined || base.startsWith('--') || !isAbsolute(base)) {
  process.stderr.write(`the base directory must be an absolute path\n${USAGE}\n`);
  process.exit(2);
}
let own = 1;
if (process.argv[3] === '--seed') {
  const seed = process.argv[4];
  if (seed === undefined) {
    process.stderr.write(`--seed needs a directory\n${USAGE}\n`);
    process.exit(2);
  }
  try {
    if (seedIfMissing(base, seed)) process.stderr.write(`seeded ${base} from ${seed}\n`);
  } catch (err) {
    process.stderr.write(`cannot seed ${base}: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  }
  own = 3;
}
process.argv.splice(2, own);

let confinement;
try {
  confinement = confineTo(base);
} catch (err) {
  process.stderr.write(`cannot use ${base}: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
}
main(() => createFsServer({ confinement }));
