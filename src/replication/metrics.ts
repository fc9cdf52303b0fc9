/**
 * A small Prometheus registry (text exposition format 0.0.4): counters, gauges and fixed-bucket
 * histograms. No dependency: what we need fits in a page.
 */

const labelValue = (v: string): string =>
  v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

abstract class Metric {
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}
  abstract readonly type: 'counter' | 'gauge' | 'histogram';
  abstract lines(): string[];
}

export class Counter extends Metric {
  readonly type = 'counter';
  private value = 0;
  inc(by = 1): void {
    this.value += by;
  }
  get(): number {
    return this.value;
  }
  lines(): string[] {
    return [`${this.name} ${this.value}`];
  }
}

/**
 * A counter with one label, counted on the hot path (a command per request): keyed by the raw
 * label value, escaped only at scrape time, so an increment is one Map update.
 */
export class CounterBy extends Metric {
  readonly type = 'counter';
  private readonly values = new Map<string, number>();
  constructor(
    name: string,
    help: string,
    private readonly label: string,
  ) {
    super(name, help);
  }
  inc(value: string, by = 1): void {
    this.values.set(value, (this.values.get(value) ?? 0) + by);
  }
  get(value: string): number {
    return this.values.get(value) ?? 0;
  }
  lines(): string[] {
    if (this.values.size === 0) return [`${this.name} 0`];
    return [...this.values].map(([v, n]) => `${this.name}{${this.label}="${labelValue(v)}"} ${n}`);
  }
}

/** A value read at scrape time from where another layer keeps it. */
abstract class ReadAtScrape extends Metric {
  constructor(
    name: string,
    help: string,
    private readonly read: () => number,
  ) {
    super(name, help);
  }
  lines(): string[] {
    return [`${this.name} ${this.read()}`];
  }
}

/**
 * A counter kept by another layer (the log store's batches, the transport's frames):
 * monotonic, so `counter`, however it is stored.
 */
export class CounterRead extends ReadAtScrape {
  readonly type = 'counter';
}

/** A gauge read at scrape time from the live state. */
export class Gauge extends ReadAtScrape {
  readonly type = 'gauge';
}

export class Histogram extends Metric {
  readonly type = 'histogram';
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(
    name: string,
    help: string,
    /** Upper bounds, ascending (seconds for latencies, by Prometheus convention). */
    private readonly buckets: readonly number[],
  ) {
    super(name, help);
    this.counts = buckets.map(() => 0);
  }
  observe(value: number): void {
    this.sum += value;
    this.count++;
    for (let i = 0; i < this.buckets.length; i++) {
      if (value <= (this.buckets[i] ?? Infinity)) {
        this.counts[i] = (this.counts[i] ?? 0) + 1;
        break;
      }
    }
  }
  /** Approximate quantile from the buckets (upper bound of the bucket holding it). */
  quantile(q: number): number {
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.counts[i] ?? 0;
      if (seen >= q * this.count) return this.buckets[i] ?? Infinity;
    }
    return Infinity;
  }
  get total(): number {
    return this.count;
  }
  lines(): string[] {
    const out: string[] = [];
    let cumulative = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      cumulative += this.counts[i] ?? 0;
      out.push(`${this.name}_bucket{le="${this.buckets[i]}"} ${cumulative}`);
    }
    out.push(`${this.name}_bucket{le="+Inf"} ${this.count}`);
    out.push(`${this.name}_sum ${this.sum}`);
    out.push(`${this.name}_count ${this.count}`);
    return out;
  }
}

/** 50 µs .. ~3 s, doubling: fsync and commit latencies on local disks and loopback. */
export const LATENCY_BUCKETS_S: readonly number[] = Array.from(
  { length: 17 },
  (_, i) => 0.00005 * 2 ** i,
);

export class MetricsRegistry {
  private readonly metrics: Metric[] = [];
  add<M extends Metric>(m: M): M {
    if (this.metrics.some((x) => x.name === m.name))
      throw new Error(`metric ${m.name} registered twice`);
    // Prometheus naming: `_total` is a counter's suffix and only a counter's, so that rate()
    // and the TYPE line agree (a gauge named `_total` is refused at registration, a bug).
    if (m.name.endsWith('_total') !== (m.type === 'counter'))
      throw new Error(
        `metric ${m.name}: a ${m.type} ${m.type === 'counter' ? 'needs' : 'must not have'} the _total suffix`,
      );
    this.metrics.push(m);
    return m;
  }
  counter(name: string, help: string): Counter {
    return this.add(new Counter(name, help));
  }
  counterBy(name: string, help: string, label: string): CounterBy {
    return this.add(new CounterBy(name, help, label));
  }
  /** A counter whose value another layer keeps, read at scrape time. */
  counterRead(name: string, help: string, read: () => number): CounterRead {
    return this.add(new CounterRead(name, help, read));
  }
  gauge(name: string, help: string, read: () => number): Gauge {
    return this.add(new Gauge(name, help, read));
  }
  histogram(name: string, help: string, buckets = LATENCY_BUCKETS_S): Histogram {
    return this.add(new Histogram(name, help, buckets));
  }
  render(): string {
    const out: string[] = [];
    for (const m of this.metrics) {
      out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`, ...m.lines());
    }
    return out.join('\n') + '\n';
  }
}
