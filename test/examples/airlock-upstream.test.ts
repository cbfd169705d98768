/**
 * The example filesystem upstream (LANGUAGE.md §13.3), driven directly with the v1 SDK client over
 * stdio: seeding a missing base (with `dot-git/` renamed to `.git/`), the nine tools and what they
 * do on disk, host paths in its answers (which Talon rewrites back), and its own confinement — it
 * refuses paths outside its base, `..` escapes and symlinks pointing out, whatever a proxy let by.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AIRLOCK_SEED, AIRLOCK_UPSTREAM } from "../fixtures/spawn-server.js";

const TOOL_NAMES = [
  "read_text_file", "read_multiple_files", "get_file_info", "list_directory", "search_files",
  "write_file", "edit_file", "create_directory", "move_file",
];

interface CallResult { content: { type: string; text: string }[]; isError?: boolean }

describe("airlock-fs upstream over stdio (v1 client)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "airlock-upstream-"));
  const base = join(tmp, "base");
  const outside = join(tmp, "outside");
  let client: Client;

  async function call(name: string, args: Record<string, unknown>): Promise<CallResult> {
    return (await client.callTool({ name, arguments: args })) as CallResult;
  }
  async function text(name: string, args: Record<string, unknown>): Promise<string> {
    const r = await call(name, args);
    expect(r.isError, r.content[0]?.text).toBeFalsy();
    return r.content[0]!.text;
  }
  async function refused(name: string, args: Record<string, unknown>): Promise<string> {
    const r = await call(name, args);
    expect(r.isError).toBe(true);
    return r.content[0]!.text;
  }

  beforeAll(async () => {
    writeFileSync(outside, "outside secret\n");
    client = new Client({ name: "airlock-upstream-test", version: "1.0.0" });
    await client.connect(new StdioClientTransport({ command: process.execPath, args: [AIRLOCK_UPSTREAM, base, "--seed", AIRLOCK_SEED], stderr: "pipe" }));
  });
  afterAll(async () => {
    await client?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it("seeds a missing base from seed/, renaming dot-git/ to .git/", () => {
    expect(readFileSync(join(base, "workspace/.git/config"), "utf8")).toContain("[remote \"origin\"]");
    expect(existsSync(join(base, "workspace/dot-git"))).toBe(false);
    expect(readFileSync(join(base, "workspace/app/.env"), "utf8")).toContain("DATABASE_URL=");
    expect(readFileSync(join(base, "workspace/cfg.txt"), "utf8")).toMatch(/AKIA[0-9A-Z]{16}/);
    expect(existsSync(join(base, "docs/guide.md"))).toBe(true);
  });

  it("lists the nine tools of §13.3 with honest read/write annotations", async () => {
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toEqual(TOOL_NAMES);
    for (const t of tools) expect(t.annotations?.readOnlyHint).toBe(TOOL_NAMES.indexOf(t.name) < 5);
  });

  it("reads, lists, searches and describes files, naming them by host path", async () => {
    expect(await text("read_text_file", { path: join(base, "docs/guide.md") })).toContain("# Widgets guide");
    expect(await text("read_text_file", { path: join(base, "docs/guide.md"), head: 1 })).toBe("# Widgets guide");
    const multi = await text("read_multiple_files", { paths: [join(base, "docs/api.md"), join(base, "docs/none.md")] });
    expect(multi).toContain(`${join(base, "docs/api.md")}:\n# Widgets API`);
    expect(multi).toContain(`${join(base, "docs/none.md")}: Error - ENOENT`);
    expect((await text("list_directory", { path: join(base, "workspace") })).split("\n")).toEqual(["[DIR] .git", "[FILE] README.md", "[FILE] a.md", "[DIR] app", "[FILE] cfg.txt"]);
    expect(await text("search_files", { path: base, pattern: ".md" })).toContain(join(base, "docs/guide.md"));
    const info = await text("get_file_info", { path: join(base, "workspace/cfg.txt") });
    expect(info).toContain(`path: ${join(base, "workspace/cfg.txt")}`);
    expect(info).toContain("isFile: true");
  });

  it("writes, edits, creates directories and moves files on disk", async () => {
    expect(await text("create_directory", { path: join(base, "workspace/new/deep") })).toBe(`Successfully created directory ${join(base, "workspace/new/deep")}`);
    await text("write_file", { path: join(base, "workspace/new/deep/n.md"), content: "one two" });
    expect(await text("edit_file", { path: join(base, "workspace/new/deep/n.md"), edits: [{ oldText: "two", newText: "three" }] })).toContain("+ three");
    expect(readFileSync(join(base, "workspace/new/deep/n.md"), "utf8")).toBe("one three");
    await text("move_file", { source: join(base, "workspace/new/deep/n.md"), destination: join(base, "workspace/n.md") });
    expect(readFileSync(join(base, "workspace/n.md"), "utf8")).toBe("one three");
    expect(await refused("move_file", { source: join(base, "workspace/a.md"), destination: join(base, "workspace/n.md") })).toContain("Destination already exists");
    expect(await refused("edit_file", { path: join(base, "workspace/n.md"), edits: [{ oldText: "absent", newText: "x" }] })).toContain("Could not find exact match");
  });

  it("confines itself: host paths outside the base, `..` escapes, relative paths and symlinks out are refused", async () => {
    expect(await refused("read_text_file", { path: outside })).toContain("Access denied: path outside allowed directories");
    expect(await refused("read_text_file", { path: `${base}/docs/../../outside` })).toContain("Access denied");
    expect(await refused("read_text_file", { path: "docs/guide.md" })).toContain("must be absolute");
    expect(await refused("write_file", { path: `${base}-sibling/x`, content: "" })).toContain("Access denied");
    symlinkSync(outside, join(base, "workspace/link"));
    symlinkSync(tmp, join(base, "workspace/dirlink"));
    expect(await refused("read_text_file", { path: join(base, "workspace/link") })).toContain("symlink");
    expect(await refused("write_file", { path: join(base, "workspace/dirlink/new.txt"), content: "x" })).toContain("symlink");
    expect(existsSync(join(tmp, "new.txt"))).toBe(false);
    expect(readFileSync(outside, "utf8")).toBe("outside secret\n");
  });
});

describe("airlock-fs upstream command line", () => {
  it("needs an absolute base directory", () => {
    const r = spawnSync(process.execPath, [AIRLOCK_UPSTREAM, "relative/base"], { encoding: "utf8", input: "" });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("the base directory must be an absolute path");
  });
  it("fails when the base does not exist and no seed is given", () => {
    const r = spawnSync(process.execPath, [AIRLOCK_UPSTREAM, join(tmpdir(), "airlock-missing-base-" + process.pid)], { encoding: "utf8", input: "" });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("cannot use");
  });
});
