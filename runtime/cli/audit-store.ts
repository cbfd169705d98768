/**
 * What the `talon audit` commands share: opening the store for a command, and time flags.
 */
import fs from "node:fs";
import path from "node:path";
import { EvidenceStore } from "../evidence/store.js";
import { parseInstant } from "../helpers/instant.js";
import { UsageError } from "./flags.js";

/** A line sink; receives one line at a time, without a trailing newline. */
export type LineSink = (line: string) => void;

/** An instant (helpers/instant.ts); a time without a zone is this host's local time. */
export function parseTime(flag: string, text: string): number {
  const ms = parseInstant(text, true);
  if (!Number.isFinite(ms)) throw new UsageError(`${flag} must be an ISO 8601 time or ms since epoch, got "${text}"`);
  return ms;
}

/**
 * Opens the store under `data` (default ./.talon) read-only, runs `fn`, closes. Missing
 * directories and stores are usage problems (exit 2); a store that cannot be read is exit 1.
 */
export async function withStore(sub: string, data: string | undefined, err: LineSink, fn: (store: EvidenceStore) => number | Promise<number>, readOnly = true): Promise<number> {
  const dataDir = path.resolve(data ?? "./.talon");
  const storeFile = path.join(dataDir, "evidence.lmdb");
  if (!isDirectory(dataDir)) {
    err(`talon audit ${sub}: data directory ${dataDir} does not exist (set it with --data DIR)`);
    return 2;
  }
  if (!fs.existsSync(storeFile)) {
    err(`talon audit ${sub}: no evidence store in ${dataDir} (expected ${storeFile}, written by \`talon serve --data DIR\`)`);
    return 2;
  }
  let store: EvidenceStore | null = null;
  try {
    store = EvidenceStore.open(dataDir, { readOnly });
    return await fn(store);
  } catch (e) {
    if (e instanceof UsageError) throw e;
    err(`talon audit ${sub}: cannot read ${storeFile}: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  } finally {
    await store?.close();
  }
}

function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
