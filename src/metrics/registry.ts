/**
 * Counters, gauges and histograms with labels, written out in the Prometheus
 * text exposition format, version 0.0.4: `# HELP` and `# TYPE` per metric,
 * one sample per line, label values escaped.
 *
 * @module
 */

/** Label values of one series, by label name. */
export type Labels = Readonly<Record<string, string>>;

/** The `Content-Type` of {@linkcode MetricsRegistry.exposition}'s output. */
export const EXPOSITION_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** What every metric is declared with. */
export interface MetricOptions {
  /** Metric name, `[a-zA-Z_:][a-zA-Z0-9_:]*`; counters conventionally end in `_total`. */
  name: string;
  /** One line of help text. */
  help: string;
  /** Names of the labels every sample carries; default none. */
  labelNames?: readonly string[];
}

/** Options of a histogram. */
export interface HistogramOptions extends MetricOptions {
  /** Upper bounds of the buckets, finite and strictly increasing (`+Inf` is added). */
  buckets: readonly number[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function formatNumber(value: number): string {
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

function escapeHelp(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");
}

function escapeLabelValue(text: string): string {
  return text.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
}

function formatLabels(pairs: readonly (readonly [string, string])[]): string {
  if (pairs.length === 0) return "";
  return `{${pairs.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(",")}}`;
}

/** The series of one metric, keyed by label values. */
class SeriesMap<S> {
  readonly #name: string;
  readonly #labelNames: readonly string[];
  readonly #series = new Map<string, { values: string[]; state: S }>();
  readonly #create: () => S;

  constructor(name: string, labelNames: readonly string[], create: () => S) {
    this.#name = name;
    this.#labelNames = labelNames;
    this.#create = create;
    // A metric without labels has exactly one series, shown from the start.
    if (labelNames.length === 0) this.get({});
  }

  get(labels: Labels): S {
    const given = Object.keys(labels);
    if (
      given.length !== this.#labelNames.length ||
      !this.#labelNames.every((name) => Object.hasOwn(labels, name))
    ) {
      throw new RangeError(
        `Cannot update metric ${this.#name}: its labels are [${
          this.#labelNames.join(", ")
        }], got [${given.join(", ")}]`,
      );
    }
    const values = this.#labelNames.map((name) => labels[name]!);
    const key = JSON.stringify(values);
    let entry = this.#series.get(key);
    if (entry === undefined) {
      entry = { values, state: this.#create() };
      this.#series.set(key, entry);
    }
    return entry.state;
  }

  *entries(): Iterable<[pairs: [string, string][], state: S]> {
    for (const { values, state } of this.#series.values()) {
      yield [this.#labelNames.map((name, i) => [name, values[i]!]), state];
    }
  }
}

interface Exposable {
  expose(): string[];
}

function header(options: MetricOptions, type: string): string[] {
  return [`# HELP ${options.name} ${escapeHelp(options.help)}`, `# TYPE ${options.name} ${type}`];
}

/** A value that only goes up. */
export class Counter implements Exposable {
  readonly #options: MetricOptions;
  readonly #series: SeriesMap<{ value: number }>;

  /** Use {@linkcode MetricsRegistry.counter}. */
  constructor(options: MetricOptions) {
    this.#options = options;
    this.#series = new SeriesMap(options.name, options.labelNames ?? [], () => ({ value: 0 }));
  }

  /** Adds `amount` (≥ 0, default 1); adding 0 makes a labelled series appear at 0. */
  inc(labels: Labels = {}, amount = 1): void {
    if (!(amount >= 0)) {
      throw new RangeError(
        `Cannot increment counter ${this.#options.name}: the amount must be >= 0, got ${amount}`,
      );
    }
    this.#series.get(labels).value += amount;
  }

  /**
   * Follows a total counted elsewhere (e.g. a kernel map): the counter
   * becomes `total` if that is larger, and never goes down.
   */
  advanceTo(total: number, labels: Labels = {}): void {
    const series = this.#series.get(labels);
    series.value = Math.max(series.value, total);
  }

  /** The current value of one series. */
  value(labels: Labels = {}): number {
    return this.#series.get(labels).value;
  }

  /** @internal Exposition lines. */
  expose(): string[] {
    const lines = header(this.#options, "counter");
    for (const [pairs, { value }] of this.#series.entries()) {
      lines.push(`${this.#options.name}${formatLabels(pairs)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

/** A value that goes up and down. */
export class Gauge implements Exposable {
  readonly #options: MetricOptions;
  readonly #series: SeriesMap<{ value: number }>;

  /** Use {@linkcode MetricsRegistry.gauge}. */
  constructor(options: MetricOptions) {
    this.#options = options;
    this.#series = new SeriesMap(options.name, options.labelNames ?? [], () => ({ value: 0 }));
  }

  /** Sets the value. */
  set(value: number, labels: Labels = {}): void {
    this.#series.get(labels).value = value;
  }

  /** The current value of one series. */
  value(labels: Labels = {}): number {
    return this.#series.get(labels).value;
  }

  /** @internal Exposition lines. */
  expose(): string[] {
    const lines = header(this.#options, "gauge");
    for (const [pairs, { value }] of this.#series.entries()) {
      lines.push(`${this.#options.name}${formatLabels(pairs)} ${formatNumber(value)}`);
    }
    return lines;
  }
}

interface HistogramSeries {
  /** Observations per bucket (not cumulative), the last one for +Inf. */
  counts: number[];
  sum: number;
  count: number;
}

/** Observations counted into buckets, with their sum and count. */
export class Histogram implements Exposable {
  readonly #options: HistogramOptions;
  readonly #series: SeriesMap<HistogramSeries>;

  /** Use {@linkcode MetricsRegistry.histogram}. */
  constructor(options: HistogramOptions) {
    const { name, buckets } = options;
    if (
      buckets.length === 0 ||
      !buckets.every((bound, i) => Number.isFinite(bound) && (i === 0 || bound > buckets[i - 1]!))
    ) {
      throw new RangeError(
        `Cannot create histogram ${name}: buckets must be finite and strictly increasing`,
      );
    }
    if (options.labelNames?.includes("le")) {
      throw new RangeError(`Cannot create histogram ${name}: the label name "le" is reserved`);
    }
    this.#options = options;
    this.#series = new SeriesMap(name, options.labelNames ?? [], () => ({
      counts: new Array(buckets.length + 1).fill(0),
      sum: 0,
      count: 0,
    }));
  }

  /** Records one observation. */
  observe(value: number, labels: Labels = {}): void {
    const series = this.#series.get(labels);
    const index = this.#options.buckets.findIndex((bound) => value <= bound);
    series.counts[index === -1 ? this.#options.buckets.length : index]! += 1;
    series.sum += value;
    series.count += 1;
  }

  /** @internal Exposition lines. */
  expose(): string[] {
    const { name, buckets } = this.#options;
    const lines = header(this.#options, "histogram");
    for (const [pairs, series] of this.#series.entries()) {
      let cumulative = 0;
      series.counts.forEach((count, i) => {
        cumulative += count;
        const le = i < buckets.length ? formatNumber(buckets[i]!) : "+Inf";
        lines.push(`${name}_bucket${formatLabels([...pairs, ["le", le]])} ${cumulative}`);
      });
      lines.push(`${name}_sum${formatLabels(pairs)} ${formatNumber(series.sum)}`);
      lines.push(`${name}_count${formatLabels(pairs)} ${series.count}`);
    }
    return lines;
  }
}

/** A set of metrics with unique names, exposed together. */
export class MetricsRegistry {
  readonly #metrics = new Map<string, Exposable>();

  #register<M extends Exposable>(options: MetricOptions, metric: M): M {
    this.#metrics.set(options.name, metric);
    return metric;
  }

  #check(options: MetricOptions): void {
    if (!METRIC_NAME.test(options.name)) {
      throw new RangeError(`Cannot register metric "${options.name}": invalid metric name`);
    }
    if (this.#metrics.has(options.name)) {
      throw new RangeError(`Cannot register metric ${options.name}: the name is taken`);
    }
    for (const label of options.labelNames ?? []) {
      if (!LABEL_NAME.test(label) || label.startsWith("__")) {
        throw new RangeError(
          `Cannot register metric ${options.name}: invalid label name "${label}"`,
        );
      }
    }
  }

  /** Declares a counter. */
  counter(options: MetricOptions): Counter {
    this.#check(options);
    return this.#register(options, new Counter(options));
  }

  /** Declares a gauge. */
  gauge(options: MetricOptions): Gauge {
    this.#check(options);
    return this.#register(options, new Gauge(options));
  }

  /** Declares a histogram. */
  histogram(options: HistogramOptions): Histogram {
    this.#check(options);
    return this.#register(options, new Histogram(options));
  }

  /** Every metric in the text exposition format 0.0.4, in declaration order. */
  exposition(): string {
    const lines = [...this.#metrics.values()].flatMap((metric) => metric.expose());
    return lines.length === 0 ? "" : `${lines.join("\n")}\n`;
  }
}
