/**
 * Host paths back to virtual paths (runtime/roots/rewrite-back.ts): in text, structured content,
 * object keys, resource links and errors; whole paths only; the longest root wins; blobs and
 * unrelated values are left alone, and an unchanged value is the same object.
 */
import { describe, expect, test } from "vitest";
import type { RootsSpec } from "../../runtime/hooks.js";
import { toVirtual } from "../../runtime/roots/rewrite-back.js";

const SPEC: RootsSpec = {
  roots: [
    { name: "docs", path: "/srv/airlock/docs", access: "read" },
    { name: "workspace", path: "/srv/airlock/workspace/", access: "read_write" },
    { name: "inner", path: "/srv/airlock/workspace/inner", access: "read" },
    { name: "everything", path: "/", access: "read" },
  ],
  denyPaths: [],
  toolPaths: [],
  realpathCheck: false,
};

describe("toVirtual", () => {
  test("rewrites host prefixes in text, at path boundaries only", () => {
    expect(toVirtual(SPEC, "Successfully moved /srv/airlock/workspace/a.md to /srv/airlock/workspace/b.md")).toBe("Successfully moved /workspace/a.md to /workspace/b.md");
    expect(toVirtual(SPEC, "/srv/airlock/docs")).toBe("/docs");
    expect(toVirtual(SPEC, "path: /srv/airlock/docs/guide.md\nsize: 3")).toBe("path: /docs/guide.md\nsize: 3");
    expect(toVirtual(SPEC, "/srv/airlock/docs2/x /x/srv/airlock/docs/y")).toBe("/srv/airlock/docs2/x /x/srv/airlock/docs/y");
    expect(toVirtual(SPEC, "/srv/airlock/workspace/inner/z")).toBe("/inner/z");
  });

  test("walks results: structuredContent (keys too), text blocks, resource links and embedded resources; blobs untouched", () => {
    const result = {
      content: [
        { type: "text", text: '{"/srv/airlock/docs/a.md":"ok"}' },
        { type: "resource_link", uri: "file:///srv/airlock/docs/a.md", name: "a.md" },
        { type: "resource", resource: { uri: "file:///srv/airlock/workspace/b", text: "see /srv/airlock/docs/a.md" } },
        { type: "resource", resource: { uri: "file:///srv/airlock/docs/img", blob: "L3Nydi9haXJsb2NrL2RvY3M=" } },
      ],
      structuredContent: { "/srv/airlock/docs/a.md": { path: "/srv/airlock/docs/a.md" } },
    };
    expect(toVirtual(SPEC, result)).toEqual({
      content: [
        { type: "text", text: '{"/docs/a.md":"ok"}' },
        { type: "resource_link", uri: "file:///docs/a.md", name: "a.md" },
        { type: "resource", resource: { uri: "file:///workspace/b", text: "see /docs/a.md" } },
        { type: "resource", resource: { uri: "file:///docs/img", blob: "L3Nydi9haXJsb2NrL2RvY3M=" } },
      ],
      structuredContent: { "/docs/a.md": { path: "/docs/a.md" } },
    });
  });

  test("errors, and values with nothing to rewrite come back as the same object", () => {
    const error = { code: -32000, message: "ENOENT: /srv/airlock/docs/x", data: { path: "/srv/airlock/docs/x" } };
    expect(toVirtual(SPEC, error)).toEqual({ code: -32000, message: "ENOENT: /docs/x", data: { path: "/docs/x" } });
    const plain = { content: [{ type: "text", text: "/etc/passwd" }] };
    expect(toVirtual(SPEC, plain)).toBe(plain);
    expect(toVirtual(null, error)).toBe(error);
  });
});
