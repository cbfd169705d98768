/**
 * Goldens of the emitted `policy.ts` (re-accept with `TALON_ACCEPT=1`), and determinism: the same
 * sources give byte-identical output, whatever order the files come in.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { describe, expect, test } from "vitest";
import { emitFiles } from "./harness.js";

const SEED = "examples/zendesk-vendor-proxy/seed";
const RICH = "test/emit/fixtures/rich";
const ZENDESK = "examples/zendesk-vendor-proxy";
const TALOS = "examples/talos-cluster-admin";
const AIRLOCK = "examples/airlock-fs";
const read = (dir: string) => Object.fromEntries(readdirSync(dir).sort().map((f) => [`${dir}/${f}`, readFileSync(`${dir}/${f}`, "utf8")]));

const FIXTURES: Record<string, { files: Record<string, string>; dir: string }> = {
  "zendesk-vendor-proxy": {
    dir: SEED,
    files: {
      [`${SEED}/zendesk-vendor-proxy.talon`]: readFileSync(`${SEED}/zendesk-vendor-proxy.talon`, "utf8"),
      // The seed names team `approvers` without declaring it.
      [`${SEED}/team.talon`]: 'talon 1\nteam approvers { approvers "support-lead@acme.example" }\n',
    },
  },
  rich: { dir: RICH, files: read(RICH) },
  // The runnable examples (LANGUAGE.md §13): what an operator reads when they open the bundle.
  "example-zendesk": { dir: ZENDESK, files: { [`${ZENDESK}/zendesk-vendor-proxy.talon`]: readFileSync(`${ZENDESK}/zendesk-vendor-proxy.talon`, "utf8") } },
  "example-talos": { dir: TALOS, files: { [`${TALOS}/talos.talon`]: readFileSync(`${TALOS}/talos.talon`, "utf8") } },
  "example-airlock-fs": { dir: AIRLOCK, files: { [`${AIRLOCK}/airlock-fs.talon`]: readFileSync(`${AIRLOCK}/airlock-fs.talon`, "utf8") } },
};

describe.each(Object.entries(FIXTURES))("golden %s", (name, fx) => {
  test("policy.ts matches test/baselines/<name>.bundle.ts", () => {
    const { policyTs } = emitFiles(fx.files, { dir: fx.dir, out: "out" });
    const path = `test/baselines/${name}.bundle.ts`;
    if (process.env["TALON_ACCEPT"] === "1") writeFileSync(path, policyTs);
    expect(existsSync(path), `${path} is missing; run with TALON_ACCEPT=1`).toBe(true);
    expect(policyTs).toBe(readFileSync(path, "utf8"));
  });

  test("deterministic: compiling again, with the files in reverse order, gives the same bytes", () => {
    const a = emitFiles(fx.files, { dir: fx.dir, out: "out" });
    const reversed = Object.fromEntries(Object.entries(fx.files).reverse());
    const b = emitFiles(reversed, { dir: fx.dir, out: "out" });
    expect(b.policyTs).toBe(a.policyTs);
    expect(b.policyMjs).toBe(a.policyMjs);
    expect(b.result.bundleHash).toBe(a.result.bundleHash);
  });
});

test("the bundle hash changes when a rule moves, and when a rule changes", () => {
  const base = `talon 1\nvendor "v" { token env("V") }\nagent "a" {\n  upstream "https://x"\n  tool t { class read }\n  grant anyone read on t\n}\n`;
  const moved = base.replace("  tool t", "\n  tool t");
  const changed = base.replace("read on t", "read on t, u");
  const hash = (src: string) => emitFiles(src).result.bundleHash;
  expect(hash(moved)).not.toBe(hash(base));
  expect(hash(changed)).not.toBe(hash(base));
  expect(hash(base)).toBe(hash(base));
  expect(emitFiles(base).policyMjs).toContain(`export const BUNDLE_HASH = "${hash(base)}"`);
});
