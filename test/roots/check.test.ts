/**
 * The §8.4 checks a call goes through (runtime/roots/check.ts) against the §13.3 roots: each deny
 * reason, the write/read_only rule, missing arguments, glob tool entries, argument rewriting, and a
 * property: whatever path a client makes up, an accepted one maps to a host path inside its root.
 */
import { posix } from "node:path";
import fc from "fast-check";
import { describe, expect, test } from "vitest";
import type { RootsSpec } from "../../runtime/hooks.js";
import { checkPaths, rewriteArgs, translatePaths } from "../../runtime/roots/check.js";

const SPEC: RootsSpec = {
  roots: [
    { name: "docs", path: "/srv/airlock/docs", access: "read" },
    { name: "workspace", path: "/srv/airlock/workspace/", access: "read_write" },
  ],
  denyPaths: ["**/.git/**", "**/.env", "**/*.pem", "**/id_*"],
  toolPaths: [
    { tool: "read_text_file", paths: ["args.path"] },
    { tool: "read_multiple_files", paths: ["args.paths[*]"] },
    { tool: "write_file", paths: ["args.path"] },
    { tool: "move_file", paths: ["args.source", "args.destination"] },
    { tool: "fs_*", paths: ["args.target"] },
    { tool: "broken", paths: ["arguments.path"] },
  ],
  realpathCheck: false,
};

const reason = (tool: string, cls: "read" | "write" | "destructive" | null, args: unknown) => {
  const c = checkPaths(SPEC, tool, cls, args);
  return c.ok ? "ok" : c.reason;
};

describe("checkPaths", () => {
  test("allowed paths are rewritten to host paths (trailing slash of a root path dropped)", () => {
    const c = checkPaths(SPEC, "read_text_file", "read", { path: "/docs/./guide.md" });
    expect(c).toEqual({ ok: true, rewrites: [{ at: ["path"], host: "/srv/airlock/docs/guide.md" }] });
    const w = checkPaths(SPEC, "move_file", "write", { source: "/workspace/a.md", destination: "/workspace/b/" });
    expect(w.ok && w.rewrites.map((r) => r.host)).toEqual(["/srv/airlock/workspace/a.md", "/srv/airlock/workspace/b"]);
  });

  test("outside the roots: escapes, host paths, unknown roots, bad characters", () => {
    expect(reason("read_text_file", "read", { path: "/docs/../../etc/passwd" })).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: "/etc/passwd" })).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: "/srv/airlock/docs/guide.md" })).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: "/Docs/guide.md" })).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: "/docs/a\u0000" })).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: "/docs\\..\\..\\etc" })).toBe("path:outside_roots");
  });

  test("a declared path argument that is missing or not a string denies", () => {
    expect(reason("read_text_file", "read", {})).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", undefined)).toBe("path:outside_roots");
    expect(reason("read_text_file", "read", { path: ["/docs/a"] })).toBe("path:outside_roots");
    expect(reason("move_file", "write", { source: "/workspace/a.md" })).toBe("path:outside_roots");
    expect(reason("read_multiple_files", "read", { paths: "/docs/a" })).toBe("path:outside_roots");
    // An expression the runtime cannot read denies too (fail closed).
    expect(reason("broken", "read", { path: "/docs/a" })).toBe("path:outside_roots");
  });

  test("every element of a `[*]` path is checked", () => {
    expect(reason("read_multiple_files", "read", { paths: ["/docs/a.md", "/workspace/b.md"] })).toBe("ok");
    expect(reason("read_multiple_files", "read", { paths: ["/docs/a.md", "/workspace/app/.env"] })).toBe("path:denied");
    expect(reason("read_multiple_files", "read", { paths: [] })).toBe("ok");
  });

  test("write and destructive tools (and tools of unknown class) need a read_write root", () => {
    expect(reason("write_file", "write", { path: "/docs/x.md" })).toBe("path:read_only_root");
    expect(reason("write_file", "destructive", { path: "/docs/x.md" })).toBe("path:read_only_root");
    expect(reason("write_file", null, { path: "/docs/x.md" })).toBe("path:read_only_root");
    expect(reason("write_file", "write", { path: "/workspace/x.md" })).toBe("ok");
    expect(reason("move_file", "write", { source: "/workspace/a.md", destination: "/docs/a.md" })).toBe("path:read_only_root");
  });

  test("deny path globs", () => {
    expect(reason("read_text_file", "read", { path: "/workspace/app/.env" })).toBe("path:denied");
    expect(reason("read_text_file", "read", { path: "/workspace/.git/config" })).toBe("path:denied");
    expect(reason("read_text_file", "read", { path: "/workspace/.git" })).toBe("path:denied");
    expect(reason("read_text_file", "read", { path: "/workspace/tls/key.PEM" })).toBe("path:denied");
    expect(reason("read_text_file", "read", { path: "/workspace/x/../.ssh/id_rsa" })).toBe("path:denied");
    expect(reason("read_text_file", "read", { path: "/workspace/app/.env.example" })).toBe("ok");
  });

  test("glob tool entries apply to the tools they match; tools without path args are not checked", () => {
    expect(reason("fs_stat", "read", { target: "/etc" })).toBe("path:outside_roots");
    expect(reason("fs_stat", "read", { target: "/docs" })).toBe("ok");
    expect(reason("echo", "read", { path: "/etc/passwd" })).toBe("ok");
  });

  test("rewriteArgs puts host paths in a copy and keeps the other arguments", () => {
    const args = { source: "/workspace/a.md", destination: "/workspace/b.md", note: "x" };
    const c = checkPaths(SPEC, "move_file", "write", args);
    if (!c.ok) throw new Error(c.message);
    expect(rewriteArgs(args, c.rewrites)).toEqual({ source: "/srv/airlock/workspace/a.md", destination: "/srv/airlock/workspace/b.md", note: "x" });
    expect(args.source).toBe("/workspace/a.md");
    const m = checkPaths(SPEC, "read_multiple_files", "read", { paths: ["/docs/a", "/docs/b"] });
    if (!m.ok) throw new Error(m.message);
    expect(rewriteArgs({ paths: ["/docs/a", "/docs/b"] }, m.rewrites)).toEqual({ paths: ["/srv/airlock/docs/a", "/srv/airlock/docs/b"] });
  });

  test("translatePaths (passthrough) maps every path naming a root, whatever the verdict", () => {
    expect(translatePaths(SPEC, "move_file", { source: "/workspace/app/.env", destination: "/etc/x" })).toEqual([{ at: ["source"], host: "/srv/airlock/workspace/app/.env" }]);
    expect(translatePaths(SPEC, "write_file", { path: "/docs/x.md" })).toEqual([{ at: ["path"], host: "/srv/airlock/docs/x.md" }]);
    expect(translatePaths(SPEC, "read_text_file", { path: "/docs/../../etc" })).toEqual([]);
  });

  test("property: an accepted path maps inside its root, with no `..` left; the write rule and deny globs hold", () => {
    const segment = fc.oneof(
      fc.constantFrom("..", ".", "", "%2e%2e", "%2E%2E%2F", "a", "b.md", ".git", ".env", "id_rsa", "k.pem", "..a", "...", "docs", "workspace", "etc"),
      fc.stringMatching(/^[a-z.%]{1,4}$/),
    );
    const arb = fc.record({
      root: fc.constantFrom("docs", "workspace", "srv", "", "..", "Docs"),
      rest: fc.array(segment, { maxLength: 8 }),
      cls: fc.constantFrom("read" as const, "write" as const),
    });
    fc.assert(
      fc.property(arb, ({ root, rest, cls }) => {
        const path = "/" + [root, ...rest].join("/");
        const c = checkPaths(SPEC, "read_text_file", cls, { path });
        if (!c.ok) return;
        const host = c.rewrites[0]!.host;
        const base = host.startsWith("/srv/airlock/docs") ? "/srv/airlock/docs" : "/srv/airlock/workspace";
        expect(host === base || host.startsWith(base + "/")).toBe(true);
        expect(posix.normalize(host)).toBe(host);
        expect(host.split("/")).not.toContain("..");
        if (cls === "write") expect(base).toBe("/srv/airlock/workspace");
        const parts = host.toLowerCase().split("/");
        expect(parts).not.toContain(".git"); // `**/.git/**`: anywhere
        expect(parts[parts.length - 1]).not.toBe(".env"); // `**/.env`: as the last segment
      }),
      { numRuns: 3000 },
    );
  });
});
