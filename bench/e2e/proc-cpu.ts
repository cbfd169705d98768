/**
 * CPU use of other processes, from `/proc/<pid>/stat` (Linux). The runner samples the upstream and
 * Talon while the load generator measures, to show which process saturates a core: on a 2-core
 * machine, a process near 100% is the bottleneck of the run.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

let ticksPerSecond: number | null = null;

/** Clock ticks per second of /proc times (`getconf CLK_TCK`, 100 on nearly every Linux). */
export function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of `pid` in clock ticks, or null when the process is gone or /proc is absent. */
export function cpuTicks(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return null;
  }
  // Field 2 (comm) may contain spaces and parentheses; the fields after the last ')' are fixed.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After comm: state(3) ppid(4) … utime(14) stime(15) → indices 11 and 12 here.
  return Number(fields[11]) + Number(fields[12]);
}

/** Direct children of `pid` (from /proc/<pid>/task/<tid>/children), empty when unknown. */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const text = readFileSync(`/proc/${pid}/task/${tid}/children`, "utf8").trim();
      if (text !== "") out.push(...text.split(/\s+/).map(Number));
    }
  } catch {
    return out;
  }
  return out;
}

/** Busy (non-idle, non-iowait) clock ticks of the whole machine, summed over cores; null without /proc. */
export function machineBusyTicks(): number | null {
  let stat: string;
  try {
    stat = readFileSync("/proc/stat", "utf8");
  } catch {
    return null;
  }
  // "cpu  user nice system idle iowait irq softirq steal …" (the aggregate line comes first)
  const f = stat.slice(0, stat.indexOf("\n")).trim().split(/\s+/).slice(1).map(Number);
  const total = f.slice(0, 8).reduce((a, b) => a + b, 0);
  return total - (f[3] ?? 0) - (f[4] ?? 0);
}

/** A started CPU measurement of a set of processes. */
export interface CpuSample {
  /** CPU% per pid since the sample started (100 = one full core); null when a pid vanished. */
  stop(): Map<number, number | null>;
  /**
   * CPU% of the whole machine over the same window (100 = one core; 200 = both cores of a 2-core
   * machine), or null without /proc. Valid after `stop()`. Busy minus the measured processes is what
   * other programs took from the run.
   */
  machinePct(): number | null;
}

/** Start measuring the CPU use of `pids`. */
export function sampleCpu(pids: readonly number[]): CpuSample {
  const t0 = process.hrtime.bigint();
  const busy0 = machineBusyTicks();
  let machine: number | null = null;
  const start = new Map(pids.map((pid) => [pid, cpuTicks(pid)] as const));
  return {
    machinePct: () => machine,
    stop() {
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const busy1 = machineBusyTicks();
      machine = busy0 === null || busy1 === null || seconds <= 0
        ? null
        : Math.round(((busy1 - busy0) / clockTicks() / seconds) * 100);
      const out = new Map<number, number | null>();
      for (const [pid, before] of start) {
        const after = cpuTicks(pid);
        out.set(
          pid,
          before === null || after === null || seconds <= 0
            ? null
            : Math.round(((after - before) / clockTicks() / seconds) * 100),
        );
      }
      return out;
    },
  };
}
