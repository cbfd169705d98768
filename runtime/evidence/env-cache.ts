/**
 * One lmdb-js environment per file per process. LMDB must not open the same environment twice in
 * one process (its POSIX locks belong to the process, so closing one handle drops the other's
 * locks), so stores with different database names, and readers beside the writer, share the
 * environment and the last one to close closes it.
 */
import type { RootDatabase } from "lmdb";

interface Entry {
  env: RootDatabase;
  refs: number;
  readOnly: boolean;
}

const envs = new Map<string, Entry>();

/**
 * The open environment for `envPath`, opened with `openEnv` when this process has none. A
 * read-only environment cannot serve a writer: that combination throws.
 */
export function acquireEnv(envPath: string, openEnv: (envPath: string) => RootDatabase, readOnly: boolean): RootDatabase {
  const entry = envs.get(envPath);
  if (entry) {
    if (entry.readOnly && !readOnly) {
      throw new Error(`evidence store ${envPath} is open read-only in this process; close its readers before opening it for writing`);
    }
    entry.refs++;
    return entry.env;
  }
  const env = openEnv(envPath);
  envs.set(envPath, { env, refs: 1, readOnly });
  return env;
}

/** Drops one reference; closes the environment when it was the last. */
export async function releaseEnv(envPath: string): Promise<void> {
  const entry = envs.get(envPath);
  if (!entry) return;
  entry.refs--;
  if (entry.refs > 0) return;
  envs.delete(envPath);
  await entry.env.close();
}
