/**
 * Virtual path normalisation (LANGUAGE.md §8.4 steps 1–2) and `deny path` globs: the clean cases,
 * every refusal (`..` above the root, NUL, controls, `\`, over 4096 bytes, not a string), the
 * literal treatment of percent escapes, and the segment-wise glob matcher.
 */
import { describe, expect, test } from "vitest";
import { compileDenyGlob, denyGlobMatches } from "../../runtime/roots/deny-glob.js";
import { parseArgPath, resolveArgPath } from "../../runtime/roots/arg-paths.js";
import { hostPath, normaliseVirtualPath } from "../../runtime/roots/virtual-path.js";

const segs = (p: string) => {
  const n = normaliseVirtualPath(p);
  return n.ok ? n.segments : `denied: ${n.why}`;
};

describe("normaliseVirtualPath", () => {
  test("drops empty and `.` segments and pops on `..` below the root", () => {
    expect(segs("/docs/guide.md")).toEqual(["docs", "guide.md"]);
    expect(segs("//docs/./a//b/../guide.md/")).toEqual(["docs", "a", "guide.md"]);
    expect(segs("/docs")).toEqual(["docs"]);
  });

  test("a `..` that pops the root name or climbs past it is refused, never clamped", () => {
    expect(segs("/docs/../../etc/passwd")).toBe("denied: climbs above its root");
    expect(segs("/docs/../workspace/a.md")).toBe("denied: climbs above its root");
    expect(segs("/..")).toBe("denied: climbs above its root");
    expect(segs("/docs/a/../../x")).toBe("denied: climbs above its root");
  });

  test("percent escapes are never decoded: `%2e%2e` is a file name", () => {
    expect(segs("/docs/%2e%2e/%2e%2e/etc/passwd")).toEqual(["docs", "%2e%2e", "%2e%2e", "etc", "passwd"]);
    expect(segs("/docs/%2F..%2Fetc")).toEqual(["docs", "%2F..%2Fetc"]);
  });

  test("NUL, control characters, backslashes, relative paths, non-strings and long strings are refused", () => {
    expect(segs("/docs/a\u0000.md")).toBe("denied: contains a NUL character");
    expect(segs("/docs/a\n.md")).toBe("denied: contains a control character");
    expect(segs("/docs/a\u007f")).toBe("denied: contains a control character");
    expect(segs("/docs/a\u0085")).toBe("denied: contains a control character");
    expect(segs("/docs\\..\\..\\etc")).toBe("denied: contains a backslash");
    expect(segs("docs/guide.md")).toBe("denied: is not absolute (paths start with /<root>)");
    expect(segs("/")).toBe("denied: names no root");
    expect(normaliseVirtualPath(undefined)).toEqual({ ok: false, why: "is missing" });
    expect(normaliseVirtualPath(42)).toEqual({ ok: false, why: "is not a string" });
    expect(segs("/docs/" + "a".repeat(4090))).toEqual(["docs", "a".repeat(4090)]);
    expect(segs("/docs/" + "a".repeat(4091))).toBe("denied: is longer than 4096 bytes");
    // Bytes, not code units: 2,049 two-byte characters are 4,098 bytes.
    expect(segs("/" + "é".repeat(2049))).toBe("denied: is longer than 4096 bytes");
  });

  test("hostPath joins below the root's directory", () => {
    expect(hostPath("/srv/airlock/docs", [])).toBe("/srv/airlock/docs");
    expect(hostPath("/srv/airlock/docs", ["a", "b.md"])).toBe("/srv/airlock/docs/a/b.md");
    expect(hostPath("/", ["etc"])).toBe("/etc");
  });
});

describe("deny path globs", () => {
  const m = (glob: string, path: string) => denyGlobMatches(compileDenyGlob(glob), path.split("/").filter((s) => s !== ""));

  test("`**` spans any number of segments, zero included", () => {
    expect(m("**/.git/**", "/workspace/.git/config")).toBe(true);
    expect(m("**/.git/**", "/workspace/.git")).toBe(true);
    expect(m("**/.git/**", "/workspace/a/b/.git/objects/ab/cd")).toBe(true);
    expect(m("**/.git/**", "/workspace/.gitignore")).toBe(false);
    expect(m("**/.env", "/workspace/app/.env")).toBe(true);
    expect(m("**/.env", "/workspace/app/.env.example")).toBe(false);
    expect(m("**", "/anything/at/all")).toBe(true);
  });

  test("`*` stays within one segment", () => {
    expect(m("**/*.pem", "/workspace/tls/server.pem")).toBe(true);
    expect(m("**/id_*", "/workspace/.ssh/id_ed25519")).toBe(true);
    expect(m("/workspace/*.pem", "/workspace/a/server.pem")).toBe(false);
    expect(m("/workspace/*.pem", "/workspace/server.pem")).toBe(true);
    expect(m("/workspace/*", "/workspace")).toBe(false);
  });

  test("matching is ASCII-case-insensitive (case-insensitive file systems)", () => {
    expect(m("**/.env", "/workspace/.ENV")).toBe(true);
    expect(m("**/.git/**", "/workspace/.Git/config")).toBe(true);
  });
});

describe("path argument expressions", () => {
  test("parse and resolve `args.path`, `args.paths[*]`, quoted keys and indexes", () => {
    expect(parseArgPath("args.path")).toEqual([{ kind: "key", key: "path" }]);
    expect(parseArgPath('args.paths[*]["to"][0]')).toEqual([{ kind: "key", key: "paths" }, { kind: "each" }, { kind: "key", key: "to" }, { kind: "index", index: 0 }]);
    for (const bad of ["path", "args", "args.", "args[x]", "meta.path", "args.a[", "args..a"]) expect(parseArgPath(bad)).toBeNull();
    const steps = parseArgPath("args.paths[*]")!;
    expect(resolveArgPath("e", steps, { paths: ["/a", "/b"] }).map((h) => [h.at, h.value])).toEqual([[["paths", 0], "/a"], [["paths", 1], "/b"]]);
    expect(resolveArgPath("e", steps, { paths: [] })).toEqual([]);
    // Absent or mistyped: one hit with an undefined value (the check denies it).
    expect(resolveArgPath("e", steps, {}).map((h) => h.value)).toEqual([undefined]);
    expect(resolveArgPath("e", steps, { paths: "/a" }).map((h) => h.value)).toEqual([undefined]);
    expect(resolveArgPath("e", parseArgPath("args.path")!, undefined).map((h) => h.value)).toEqual([undefined]);
  });
});
