/**
 * Process and Node.js metrics, read at scrape time (names as the Prometheus client libraries
 * write them):
 *
 *   process_cpu_seconds_total, process_resident_memory_bytes, process_start_time_seconds,
 *   process_open_fds (Linux: entries of /proc/self/fd), nodejs_heap_used_bytes,
 *   nodejs_eventloop_lag_seconds (+ _p99_ and _max_seconds)
 *
 * Event-loop lag comes from `perf_hooks.monitorEventLoopDelay`, summarized over windows of
 * LAG_WINDOW_MS: the gauges show the last complete window, so two scrapers (Prometheus and the
 * admin telemetry) see the same numbers and neither resets the other's.
 */
import { readdirSync } from "node:fs";
import { monitorEventLoopDelay, performance, type IntervalHistogram } from "node:perf_hooks";
import type { Registry } from "./metrics.js";

/** The sampling timer of monitorEventLoopDelay, ms. */
const RESOLUTION_MS = 10;
const LAG_WINDOW_MS = 10_000;

/** Event-loop lag over a window, seconds. */
export interface EventLoopLag {
  readonly mean: number;
  readonly p99: number;
  readonly max: number;
}

export class ProcessMetrics {
  readonly #delay: IntervalHistogram;
  readonly #window: NodeJS.Timeout;
  #lag: EventLoopLag | null = null;

  constructor(registry: Registry) {
    this.#delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.#delay.enable();
    this.#window = setInterval(() => {
      this.#lag = this.#summary();
      this.#delay.reset();
    }, LAG_WINDOW_MS);
    this.#window.unref();

    const cpu = registry.counter("process_cpu_seconds_total", "Total user and system CPU time spent, seconds.").labels();
    const rss = registry.gauge("process_resident_memory_bytes", "Resident memory size, bytes.").labels();
    registry.gauge("process_start_time_seconds", "Start time of the process since the Unix epoch, seconds.").labels().set(Math.round(performance.timeOrigin) / 1000);
    const fds = openFdsReadable() ? registry.gauge("process_open_fds", "Number of open file descriptors.").labels() : null;
    const heap = registry.gauge("nodejs_heap_used_bytes", "V8 heap in use, bytes.").labels();
    const lagMean = registry.gauge("nodejs_eventloop_lag_seconds", `Mean event-loop delay beyond the ${RESOLUTION_MS} ms sampling timer, over the last ${LAG_WINDOW_MS / 1000} s window.`).labels();
    const lagP99 = registry.gauge("nodejs_eventloop_lag_p99_seconds", "99th percentile of the event-loop delay over the last window.").labels();
    const lagMax = registry.gauge("nodejs_eventloop_lag_max_seconds", "Largest event-loop delay over the last window.").labels();
    registry.onScrape(() => {
      const usage = process.cpuUsage();
      cpu.setTotal((usage.user + usage.system) / 1e6);
      const mem = process.memoryUsage();
      rss.set(mem.rss);
      heap.set(mem.heapUsed);
      if (fds) fds.set(openFds());
      const lag = this.lag();
      lagMean.set(lag.mean);
      lagP99.set(lag.p99);
      lagMax.set(lag.max);
    });
  }

  /** The last complete window, or the current one before the first window closes. */
  lag(): EventLoopLag {
    return this.#lag ?? this.#summary();
  }

  close(): void {
    clearInterval(this.#window);
    this.#delay.disable();
  }

  /**
   * The histogram records the whole interval between timer ticks (the 10 ms resolution
   * included), so the resolution is subtracted to leave the lag.
   */
  #summary(): EventLoopLag {
    const d = this.#delay;
    if (d.count === 0) return { mean: 0, p99: 0, max: 0 };
    const lag = (ns: number) => Math.max(0, ns / 1e6 - RESOLUTION_MS) / 1000;
    return { mean: lag(d.mean), p99: lag(d.percentile(99)), max: lag(d.max) };
  }
}

function openFdsReadable(): boolean {
  try {
    readdirSync("/proc/self/fd");
    return true;
  } catch {
    return false;
  }
}

/** Entries of /proc/self/fd, less the one the listing itself holds open. */
function openFds(): number {
  return readdirSync("/proc/self/fd").length - 1;
}
