/**
 * A small metrics registry (no prom-client): counters, gauges and fixed-bucket histograms, each a
 * family of labelled children, rendered in the Prometheus text format (exposition.ts).
 *
 * Why not prom-client: its `labels(...)` builds a key string and walks a hash per call, and
 * histograms allocate per observation. Here a child is resolved once (`labels`, keyed in a Map by
 * the label values) and kept by the caller, so the hot path is a field add or a short bucket scan.
 * Values owned by other components (the evidence store's counters, the process' CPU time) are
 * copied in by `onScrape` hooks, which run only when the registry is rendered.
 */
import { checkLabelName, checkMetricName, escapeHelp, labelPairs, sampleLine } from "./exposition.js";
import { checkBuckets, HistogramChild } from "./histogram.js";

export type MetricType = "counter" | "gauge" | "histogram";

export class CounterChild {
  value = 0;
  inc(n = 1): void {
    this.value += n;
  }
  /** For a counter another component keeps (read at scrape time): its running total. */
  setTotal(total: number): void {
    this.value = total;
  }
}

export class GaugeChild {
  value = 0;
  set(v: number): void {
    this.value = v;
  }
}

/** One child with its label values and their rendered `name="value"` pairs (built once). */
interface Entry<C> {
  readonly values: readonly string[];
  readonly pairs: string;
  readonly child: C;
}

export abstract class Family<C> {
  readonly #entries = new Map<string, Entry<C>>();

  constructor(
    readonly name: string,
    readonly help: string,
    readonly type: MetricType,
    readonly labelNames: readonly string[],
  ) {
    checkMetricName(name);
    for (const l of labelNames) checkLabelName(l);
  }

  protected abstract create(): C;

  /** The child for these label values (one per label name, in order), created on first use. */
  labels(...values: string[]): C {
    if (values.length !== this.labelNames.length) throw new Error(`${this.name} takes ${this.labelNames.length} label values, got ${values.length}`);
    // Length-prefixed, so no label value can make two different value lists collide.
    let key = "";
    for (const v of values) key += `${v.length}:${v}`;
    let e = this.#entries.get(key);
    if (e === undefined) {
      e = { values, pairs: labelPairs(this.labelNames, values), child: this.create() };
      this.#entries.set(key, e);
    }
    return e.child;
  }

  /** Every child with its label values, in creation order. */
  *children(): IterableIterator<{ values: readonly string[]; child: C }> {
    for (const e of this.#entries.values()) yield { values: e.values, child: e.child };
  }

  get size(): number {
    return this.#entries.size;
  }

  /** Appends the family's lines; a family without children writes nothing. */
  render(out: string[]): void {
    if (this.#entries.size === 0) return;
    out.push(`# HELP ${this.name} ${escapeHelp(this.help)}`, `# TYPE ${this.name} ${this.type}`);
    for (const e of this.#entries.values()) this.renderChild(out, e.pairs, e.child);
  }

  protected abstract renderChild(out: string[], pairs: string, child: C): void;
}

export class CounterFamily extends Family<CounterChild> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, "counter", labelNames);
  }
  protected create(): CounterChild {
    return new CounterChild();
  }
  protected renderChild(out: string[], pairs: string, c: CounterChild): void {
    out.push(sampleLine(this.name, pairs, c.value));
  }
}

export class GaugeFamily extends Family<GaugeChild> {
  constructor(name: string, help: string, labelNames: readonly string[]) {
    super(name, help, "gauge", labelNames);
  }
  protected create(): GaugeChild {
    return new GaugeChild();
  }
  protected renderChild(out: string[], pairs: string, c: GaugeChild): void {
    out.push(sampleLine(this.name, pairs, c.value));
  }
}

export class HistogramFamily extends Family<HistogramChild> {
  readonly bounds: Float64Array;
  /** `le` values as written, e.g. "0.005" and "+Inf". */
  readonly #le: readonly string[];

  constructor(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]) {
    if (labelNames.includes("le")) throw new Error(`${name}: "le" is reserved for histogram buckets`);
    super(name, help, "histogram", labelNames);
    this.bounds = checkBuckets(buckets);
    this.#le = [...Array.from(this.bounds, String), "+Inf"];
  }

  protected create(): HistogramChild {
    return new HistogramChild(this.bounds);
  }

  protected renderChild(out: string[], pairs: string, h: HistogramChild): void {
    const sep = pairs === "" ? "" : `${pairs},`;
    let cumulative = 0;
    for (let i = 0; i < h.counts.length; i++) {
      cumulative += h.counts[i]!;
      out.push(sampleLine(`${this.name}_bucket`, `${sep}le="${this.#le[i]}"`, cumulative));
    }
    out.push(sampleLine(`${this.name}_sum`, pairs, h.sum), sampleLine(`${this.name}_count`, pairs, h.count));
  }
}

export class Registry {
  readonly #families: Family<unknown>[] = [];
  /** Every sample name the families write (a histogram writes `_bucket`, `_sum` and `_count`). */
  readonly #names = new Set<string>();
  readonly #hooks: (() => void)[] = [];

  counter(name: string, help: string, labelNames: readonly string[] = []): CounterFamily {
    if (!name.endsWith("_total")) throw new Error(`counter ${name} must end in _total`);
    return this.#add(new CounterFamily(name, help, labelNames));
  }

  gauge(name: string, help: string, labelNames: readonly string[] = []): GaugeFamily {
    return this.#add(new GaugeFamily(name, help, labelNames));
  }

  histogram(name: string, help: string, labelNames: readonly string[], buckets: readonly number[]): HistogramFamily {
    return this.#add(new HistogramFamily(name, help, labelNames, buckets));
  }

  /** Runs `hook` before every render, to copy in values other components keep. */
  onScrape(hook: () => void): void {
    this.#hooks.push(hook);
  }

  /** The whole exposition, newline-terminated. */
  render(): string {
    for (const h of this.#hooks) h();
    const out: string[] = [];
    for (const f of this.#families) f.render(out);
    return out.length === 0 ? "" : `${out.join("\n")}\n`;
  }

  #add<F extends Family<unknown>>(family: F): F {
    const names = family.type === "histogram" ? [family.name, `${family.name}_bucket`, `${family.name}_sum`, `${family.name}_count`] : [family.name];
    const clash = names.find((n) => this.#names.has(n));
    if (clash !== undefined) throw new Error(`metric ${family.name}: the name ${clash} is already taken`);
    for (const n of names) this.#names.add(n);
    this.#families.push(family);
    return family;
  }
}
