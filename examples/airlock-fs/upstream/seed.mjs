/**
 * First-run data: when the base directory does not exist, it is created from the example's
 * `seed/` tree. Git refuses to store a path component named `.git`, so the seed keeps the
 * repository metadata under `dot-git/`, renamed to `.git/` on copy.
 *
 * @module
 */
import { cpSync, existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * @param {string} base
 * @param {string} seedDir
 * @returns {boolean} whether the base was seeded now
 */
export function seedIfMissing(base, seedDir) {
  if (existsSync(base)) return false;
  if (!statSync(seedDir).isDirectory()) throw new Error(`seed is not a directory: ${seedDir}`);
  cpSync(seedDir, base, { recursive: true });
  /** @param {string} dir */
  const renameDotGit = (dir) => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      const full = join(dir, e.name);
      if (e.name === 'dot-git') renameSync(full, join(dir, '.git'));
      else renameDotGit(full);
    }
  };
  renameDotGit(base);
  return true;
}
