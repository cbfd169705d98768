/**
 * The server's own confinement (LANGUAGE.md §8.4: "the upstream must confine itself to the same
 * roots"). Talon checks paths lexically and cannot see symlinks, so every path this server touches
 * is resolved on disk (`realpath`, or the realpath of the nearest existing parent for a path that
 * does not exist yet) and refused unless it lies inside the base directory.
 *
 * @module
 */
import { realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** Raised for a path the server refuses to touch; its message is the tool's error text. */
export class AccessDenied extends Error {}

/**
 * @param {string} base the base directory (must exist)
 * @returns {{ base: string, resolve(path: unknown): string }}
 */
export function confineTo(base) {
  const real = realpathSync(resolve(base));
  /** @param {string} p */
  const inside = (p) => {
    const rel = relative(real, p);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  return {
    base: real,
    /**
     * Resolves a client path to a real path inside the base, or throws AccessDenied.
     * @param {unknown} path
     */
    resolve(path) {
      if (typeof path !== 'string' || path.length === 0) throw new AccessDenied('Access denied: path must be a non-empty string');
      if (path.includes('\0')) throw new AccessDenied('Access denied: path contains a NUL character');
      if (!isAbsolute(path)) throw new AccessDenied(`Access denied: path must be absolute: ${path}`);
      const wanted = resolve(path);
      if (!inside(wanted)) throw new AccessDenied(`Access denied: path outside allowed directories: ${path}`);
      // Follow symlinks: the existing part of the path must still be inside.
      let probe = wanted;
      const rest = [];
      for (;;) {
        try {
          const r = realpathSync(probe);
          const full = rest.length === 0 ? r : join(r, ...rest.reverse());
          if (!inside(r) || !inside(full)) throw new AccessDenied(`Access denied: path outside allowed directories (symlink): ${path}`);
          return full;
        } catch (err) {
          if (err instanceof AccessDenied) throw err;
          if (/** @type {NodeJS.ErrnoException} */ (err).code !== 'ENOENT') throw err;
          const parent = dirname(probe);
          if (parent === probe) throw new AccessDenied(`Access denied: ${path}`);
          rest.push(probe.slice(parent.length + (parent.endsWith(sep) ? 0 : 1)));
          probe = parent;
        }
      }
    },
  };
}
