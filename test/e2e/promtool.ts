/**
 * `promtool` for `promtool check metrics`: from PATH when installed, else from Debian's
 * `prometheus` package (2.42 on bookworm), fetched with `apt-get download` (no install) and
 * unpacked with `dpkg-deb -x` into node_modules/.cache/talon-promtool/, where later runs find it.
 * `apt-get update` runs first only when apt has no package lists yet (a fresh container).
 * Throws with apt's and dpkg's output when it cannot be had: the metrics test must fail, not skip.
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "./harness.js";

const CACHE = join(ROOT, "node_modules/.cache/talon-promtool");
const CACHED = join(CACHE, "promtool");

function run(cmd: string, args: string[], cwd?: string): { ok: boolean; output: string } {
  const r = spawnSync(cmd, args, { cwd, encoding: "utf8", timeout: 240_000 });
  const output = `$ ${cmd} ${args.join(" ")}\n${r.error ? `${r.error.message}\n` : ""}${r.stdout ?? ""}${r.stderr ?? ""}`;
  return { ok: r.status === 0, output };
}

/** The path of a working promtool. */
export function obtainPromtool(): string {
  if (run("promtool", ["--version"]).ok) return "promtool";
  if (existsSync(CACHED) && run(CACHED, ["--version"]).ok) return CACHED;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, "fetch-"));
  const log: string[] = [];
  try {
    // Root runs apt's download unsandboxed anyway; saying so keeps its warning out of the log.
    const download = () => run("apt-get", ["-o", "APT::Sandbox::User=root", "download", "prometheus"], work);
    let got = download();
    log.push(got.output);
    if (!got.ok) {
      const update = run("apt-get", ["update"]);
      log.push(update.output);
      got = download();
      log.push(got.output);
    }
    const deb = readdirSync(work).find((f) => f.endsWith(".deb"));
    if (!got.ok || deb === undefined) throw new Error("apt-get download prometheus did not give a .deb");
    const unpacked = join(work, "x");
    const x = run("dpkg-deb", ["-x", join(work, deb), unpacked]);
    log.push(x.output);
    const bin = join(unpacked, "usr/bin/promtool");
    if (!x.ok || !existsSync(bin)) throw new Error("the prometheus package holds no usr/bin/promtool");
    // Copy, then rename into place: a concurrent run never sees half a binary.
    copyFileSync(bin, join(work, "promtool"));
    renameSync(join(work, "promtool"), CACHED);
    const version = run(CACHED, ["--version"]);
    if (!version.ok) throw new Error(`the unpacked promtool does not run:\n${version.output}`);
    return CACHED;
  } catch (err) {
    throw new Error(
      `promtool is needed to validate /metrics and could not be obtained (not on PATH; Debian's prometheus package could not be fetched into ${CACHE}): ${(err as Error).message}\n${log.join("\n")}`,
    );
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** `promtool check metrics` on an exposition: its exit status and what it printed. */
export function checkMetrics(promtool: string, exposition: string): { status: number | null; output: string } {
  const r = spawnSync(promtool, ["check", "metrics"], { input: exposition, encoding: "utf8" });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}
