/**
 * `CompiledAgent.roots` in the generated bundle (compiler/emit/emit-roots.ts): the §13.3 roots,
 * globs and path arguments as frozen data, in a stable order, checked by the runtime's own
 * module; an agent without roots carries no field.
 */
import { readFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { checkPaths } from "../../runtime/roots/check.js";
import { agentOf, emitFiles, importPolicy } from "../emit/harness.js";

const POLICY = "examples/airlock-fs/airlock-fs.talon";

describe("emitted roots", () => {
  test("the §13.3 agent exports its roots, deny globs and tool path arguments as frozen data", async () => {
    const policy = await importPolicy(emitFiles({ [POLICY]: readFileSync(POLICY, "utf8") }).policyMjs);
    const roots = agentOf(policy, "airlock-fs").roots!;
    expect(roots).toEqual({
      roots: [
        { name: "docs", path: "/tmp/talon-airlock/docs", access: "read" },
        { name: "workspace", path: "/tmp/talon-airlock/workspace", access: "read_write" },
      ],
      denyPaths: ["**/.git/**", "**/.env", "**/*.pem", "**/id_*"],
      toolPaths: [
        { tool: "create_directory", paths: ["args.path"] },
        { tool: "edit_file", paths: ["args.path"] },
        { tool: "get_file_info", paths: ["args.path"] },
        { tool: "list_directory", paths: ["args.path"] },
        { tool: "move_file", paths: ["args.source", "args.destination"] },
        { tool: "read_multiple_files", paths: ["args.paths[*]"] },
        { tool: "read_text_file", paths: ["args.path"] },
        { tool: "search_files", paths: ["args.path"] },
        { tool: "write_file", paths: ["args.path"] },
      ],
      realpathCheck: false,
    });
    expect(Object.isFrozen(roots) && Object.isFrozen(roots.roots) && Object.isFrozen(roots.roots[0]) && Object.isFrozen(roots.toolPaths[0]!.paths)).toBe(true);
    expect(checkPaths(roots, "read_multiple_files", "read", { paths: ["/docs/a", "/workspace/.git/HEAD"] })).toMatchObject({ ok: false, reason: "path:denied" });
  });

  test("an agent without roots, deny paths or path arguments has no `roots`", async () => {
    const src = `talon 1\nvendor "v" { token env("V_TOKEN") }\nagent "a" {\n  upstream "https://x"\n  tool t { class read }\n  grant anyone read on t\n}\n`;
    const emitted = emitFiles(src);
    expect(emitted.policyTs).not.toContain("RootsSpec");
    expect(agentOf(await importPolicy(emitted.policyMjs), "a").roots).toBeUndefined();
  });
});
