/**
 * The file operations behind the nine tools, with the names, arguments and text answers of the
 * reference MCP filesystem server (`@modelcontextprotocol/server-filesystem`), reduced to what
 * the example needs. Every path goes through `confine.mjs` first. Answers name files by their
 * host path, as the reference server does: Talon rewrites those back to `/<root>/…`.
 *
 * @module
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { AccessDenied } from './confine.mjs';

/** A failure the tool reports as an `isError` result (not found, not a directory, …). */
export class FileError extends Error {}

/** @typedef {ReturnType<import('./confine.mjs').confineTo>} Confinement */

const MAX_SEARCH_RESULTS = 1000;

/** @param {Confinement} c */
export function fileOps(c) {
  /** @param {string} p */
  const readText = (p) => {
    const full = c.resolve(p);
    let st;
    try {
      st = statSync(full);
    } catch {
      throw new FileError(`ENOENT: no such file or directory, open '${full}'`);
    }
    if (st.isDirectory()) throw new FileError(`EISDIR: illegal operation on a directory, read '${full}'`);
    return readFileSync(full, 'utf8');
  };

  return {
    /** @param {{ path: string, head?: number, tail?: number }} a */
    readTextFile({ path, head, tail }) {
      const text = readText(path);
      const lines = text.split('\n');
      if (head !== undefined) return lines.slice(0, head).join('\n');
      if (tail !== undefined) return lines.slice(-tail).join('\n');
      return text;
    },

    /** @param {{ paths: string[] }} a */
    readMultipleFiles({ paths }) {
      return paths.map((p) => {
        try {
          return `${p}:\n${readText(p)}\n`;
        } catch (err) {
          if (!(err instanceof AccessDenied || err instanceof FileError)) throw err;
          return `${p}: Error - ${err.message}`;
        }
      }).join('\n---\n');
    },

    /** @param {{ path: string }} a */
    getFileInfo({ path }) {
      const full = c.resolve(path);
      let st;
      try {
        st = statSync(full);
      } catch {
        throw new FileError(`ENOENT: no such file or directory, stat '${full}'`);
      }
      return [
        `path: ${full}`, `size: ${st.size}`, `created: ${st.birthtime.toISOString()}`, `modified: ${st.mtime.toISOString()}`,
        `isDirectory: ${st.isDirectory()}`, `isFile: ${st.isFile()}`, `permissions: ${(st.mode & 0o777).toString(8)}`,
      ].join('\n');
    },

    /** @param {{ path: string }} a */
    listDirectory({ path }) {
      const full = c.resolve(path);
      let entries;
      try {
        entries = readdirSync(full, { withFileTypes: true });
      } catch {
        throw new FileError(`ENOTDIR or ENOENT: cannot list '${full}'`);
      }
      return entries.sort((x, y) => (x.name < y.name ? -1 : 1)).map((e) => `${e.isDirectory() ? '[DIR]' : '[FILE]'} ${e.name}`).join('\n');
    },

    /** @param {{ path: string, pattern: string, excludePatterns?: string[] }} a */
    searchFiles({ path, pattern, excludePatterns = [] }) {
      const root = c.resolve(path);
      const needle = pattern.toLowerCase();
      /** @type {string[]} */
      const found = [];
      /** @param {string} dir */
      const walk = (dir) => {
        for (const e of readdirSync(dir, { withFileTypes: true })) {
          if (found.length >= MAX_SEARCH_RESULTS) return;
          if (excludePatterns.some((x) => e.name.includes(x))) continue;
          const full = join(dir, e.name);
          if (e.isSymbolicLink()) continue; // never follow links out of the base
          if (e.name.toLowerCase().includes(needle)) found.push(full);
          if (e.isDirectory()) walk(full);
        }
      };
      walk(root);
      return found.length > 0 ? found.join('\n') : 'No matches found';
    },

    /** @param {{ path: string, content: string }} a */
    writeFile({ path, content }) {
      const full = c.resolve(path);
      writeFileSync(full, content, 'utf8');
      return `Successfully wrote to ${full}`;
    },

    /** @param {{ path: string, edits: { oldText: string, newText: string }[], dryRun?: boolean }} a */
    editFile({ path, edits, dryRun = false }) {
      const full = c.resolve(path);
      let text = readText(path);
      const diff = [];
      for (const { oldText, newText } of edits) {
        const at = text.indexOf(oldText);
        if (at < 0) throw new FileError(`Could not find exact match for edit:\n${oldText}`);
        text = text.slice(0, at) + newText + text.slice(at + oldText.length);
        diff.push(`- ${oldText.split('\n').join('\n- ')}\n+ ${newText.split('\n').join('\n+ ')}`);
      }
      if (!dryRun) writeFileSync(full, text, 'utf8');
      return `${dryRun ? 'Dry run for' : 'Edited'} ${full}:\n${diff.join('\n')}`;
    },

    /** @param {{ path: string }} a */
    createDirectory({ path }) {
      const full = c.resolve(path);
      mkdirSync(full, { recursive: true });
      return `Successfully created directory ${full}`;
    },

    /** @param {{ source: string, destination: string }} a */
    moveFile({ source, destination }) {
      const from = c.resolve(source);
      const to = c.resolve(destination);
      if (!existsSync(from)) throw new FileError(`ENOENT: no such file or directory, rename '${from}'`);
      if (existsSync(to)) throw new FileError(`Destination already exists: ${to}`);
      renameSync(from, to);
      return `Successfully moved ${from} to ${to}`;
    },

    /** The base's name, for the server's instructions. */
    name: basename(c.base),
  };
}
