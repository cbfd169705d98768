/**
 * The machine a benchmark ran on. Numbers are only comparable between runs on the same kind of
 * machine, so every printed table and saved result starts with this.
 */
import os from "node:os";
import { uwsIsNative } from "../upstream/http-server.js";

/** Machine facts recorded with every result. */
export interface MachineInfo {
  readonly cpuModel: string;
  readonly cores: number;
  readonly node: string;
  readonly platform: string;
  readonly totalMemMiB: number;
  /** Whether `uWebSockets.js` loaded its native addon (else it runs a much slower JS fallback). */
  readonly uwsNative: boolean;
}

/** Describe this machine. */
export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    cores: os.availableParallelism?.() ?? cpus.length,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    totalMemMiB: Math.round(os.totalmem() / 2 ** 20),
    uwsNative: uwsIsNative(),
  };
}

/** One line for the console. */
export function formatMachine(m: MachineInfo): string {
  return (
    `machine: ${m.cpuModel}, ${m.cores} cores, ${m.totalMemMiB} MiB, ${m.platform}, node ${m.node}, ` +
    `uWebSockets.js native: ${m.uwsNative ? "yes" : "NO (JS fallback; numbers are not representative)"}`
  );
}
