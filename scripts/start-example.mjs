#!/usr/bin/env node
/**
 * `npm start`: build the Zendesk example and serve it on 127.0.0.1:8080/mcp with evidence under
 * ./.talon/. The example's vendor tokens, redaction key, admin token (approvals API) and evidence
 * signing key come from the environment; when they are not set, dev
 * tokens are generated once into ./.talon/dev-tokens.env (mode 0600) and reused, so a fresh
 * machine needs no setup and the tokens are never committed.
 */
import { spawnSync, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { join } from "node:path";

const root = fileURLToPath(new URL("..", import.meta.url));
const data = join(root, ".talon");
const tokensFile = join(data, "dev-tokens.env");
const names = ["ZENDESK_AI_TOKEN", "INTERCOM_TOKEN", "TALON_REDACTION_KEY", "TALON_ADMIN_TOKEN", "TALON_EVIDENCE_KEY"];
// The evidence key signs checkpoints (Ed25519 secret: 32 bytes, hex); the rest are bearer tokens.
const fresh = (n) => (n === "TALON_EVIDENCE_KEY" ? randomBytes(32).toString("hex") : randomBytes(18).toString("base64url"));

mkdirSync(data, { recursive: true });
if (!existsSync(tokensFile)) {
  writeFileSync(tokensFile, names.map((n) => `${n}=${fresh(n)}\n`).join(""), { mode: 0o600 });
}
const env = { ...process.env };
for (const line of readFileSync(tokensFile, "utf8").split("\n")) {
  const m = /^([A-Z_]+)=(.+)$/.exec(line.trim());
  if (m && !env[m[1]]) env[m[1]] = m[2];
}
// A dev-tokens file from an older release lacks later names (the redaction key): add them once.
const missing = names.filter((n) => !env[n]);
if (missing.length > 0) {
  const add = missing.map((n) => [n, fresh(n)]);
  writeFileSync(tokensFile, readFileSync(tokensFile, "utf8") + add.map(([n, v]) => `${n}=${v}\n`).join(""), { mode: 0o600 });
  for (const [n, v] of add) env[n] = v;
}

const build = spawnSync(process.execPath, [join(root, "dist/compiler/cli/talonc.js"), "build", join(root, "examples/zendesk-vendor-proxy"), "-o", join(data, "bundle")], { stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const port = process.env.PORT ?? "8080";
console.log(`\nvendor token (zendesk-ai-agent): ${env.ZENDESK_AI_TOKEN}   (from ${tokensFile} unless set in the environment)`);
console.log(`held approvals: node dist/runtime/cli/talon.js approvals list --data .talon, or GET http://127.0.0.1:${port}/admin/v1/approvals with "authorization: Bearer $TALON_ADMIN_TOKEN" (in ${tokensFile})`);
console.log(`try: npx @modelcontextprotocol/inspector, or curl -X POST http://127.0.0.1:${port}/mcp -H 'content-type: application/json' -H 'accept: application/json, text/event-stream' -H "authorization: Bearer $ZENDESK_AI_TOKEN" -d '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"curl","version":"1"}}}'\n`);
const server = spawn(process.execPath, [join(data, "bundle/server.mjs"), "--port", port, "--data", data], { stdio: "inherit", env });
for (const sig of ["SIGINT", "SIGTERM"]) process.on(sig, () => server.kill(sig));
server.on("exit", (code) => process.exit(code ?? 0));
