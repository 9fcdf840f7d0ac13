import assert from "node:assert/strict";
import { createAgentMetrics } from "../../src/metrics/agent_metrics.ts";
import { MetricsRegistry } from "../../src/metrics/registry.ts";
import { MetricsServer } from "../../src/metrics/server.ts";

/** One sample of the exposition, labels unescaped. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** A parsed exposition: metric types by name, and every sample. */
interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"(,|$)/;
const FLOAT = /^([+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?|[+-]Inf|NaN)$/;

function parseValue(text: string): number {
  assert.match(text, FLOAT, `sample value "${text}"`);
  return text === "+Inf" ? Infinity : text === "-Inf" ? -Infinity : Number(text);
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    assert.ok(match !== null, `label syntax at "${rest}"`);
    const [whole, name, escaped] = match;
    assert.ok(!(name! in labels), `label ${name} repeated`);
    labels[name!] = escaped!.replace(/\\([\\"n])/g, (_, c) => c === "n" ? "\n" : c);
    rest = rest.slice(whole.length);
  }
  return labels;
}

/** Parses the text exposition format 0.0.4, asserting its rules line by line. */
function parseExposition(text: string): Exposition {
  assert.ok(text.endsWith("\n"), "the exposition ends with a newline");
  const types = new Map<string, string>();
  const helped = new Set<string>();
  const samples: Sample[] = [];
  for (const line of text.slice(0, -1).split("\n")) {
    const help = new RegExp(`^# HELP (${NAME}) (.*)$`).exec(line);
    const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram|summary|untyped)$`)
      .exec(line);
    if (help !== null) {
      assert.ok(!helped.has(help[1]!), `one HELP for ${help[1]}`);
      assert.match(help[2]!, /^(?:[^\\]|\\[\\n])*$/, "HELP escapes only backslash and newline");
      helped.add(help[1]!);
    } else if (type !== null) {
      assert.ok(!types.has(type[1]!), `one TYPE for ${type[1]}`);
      types.set(type[1]!, type[2]!);
    } else {
      const sample = SAMPLE.exec(line);
      assert.ok(sample !== null, `sample syntax: "${line}"`);
      const name = sample[1]!;
      const family = types.has(name) ? name : name.replace(/_(bucket|sum|count)$/, "");
      assert.ok(types.has(family), `TYPE of ${name} comes before its samples`);
      if (family !== name) assert.equal(types.get(family), "histogram");
      samples.push({ name, labels: parseLabels(sample[2] ?? ""), value: parseValue(sample[3]!) });
    }
  }
  return { types, samples };
}

function sampleValue(
  exposition: Exposition,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  return exposition.samples.find((s) =>
    s.name === name && JSON.stringify(s.labels) === JSON.stringify(labels)
  )?.value;
}

Deno.test("the agent's metrics are scraped over HTTP in valid exposition format", async () => {
  const metrics = createAgentMetrics();
  metrics.events.inc({ direction: "input" }, 5);
  metrics.events.inc({ direction: "output" });
  metrics.kernelDrops.advanceTo(7);
  metrics.kernelDrops.advanceTo(3);
  metrics.sessionsTracked.set(2);
  metrics.alerts.inc({ type: "anomaly" });
  metrics.sessionEvictions.inc();
  for (const seconds of [0.004, 0.2, 0.2, 30]) metrics.injectedDelay.observe(seconds);
  metrics.scoringLag.observe(0.0003);

  await using server = MetricsServer.start({ registry: metrics.registry, port: 0 });
  assert.equal(server.hostname, "127.0.0.1");
  const response = await fetch(`http://127.0.0.1:${server.port}/metrics`);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/plain; version=0.0.4; charset=utf-8");
  const exposition = parseExposition(await response.text());

  assert.deepEqual(Object.fromEntries(exposition.types), {
    ghost_hunter_build_info: "gauge",
    ghost_hunter_events_total: "counter",
    ghost_hunter_kernel_drops_total: "counter",
    ghost_hunter_sessions_tracked: "gauge",
    ghost_hunter_alerts_total: "counter",
    ghost_hunter_injected_delay_seconds: "histogram",
    ghost_hunter_scoring_lag_seconds: "histogram",
    ghost_hunter_session_evictions_total: "counter",
  });
  assert.equal(sampleValue(exposition, "ghost_hunter_events_total", { direction: "input" }), 5);
  assert.equal(sampleValue(exposition, "ghost_hunter_events_total", { direction: "output" }), 1);
  assert.equal(sampleValue(exposition, "ghost_hunter_kernel_drops_total"), 7, "never goes down");
  assert.equal(sampleValue(exposition, "ghost_hunter_sessions_tracked"), 2);
  assert.equal(sampleValue(exposition, "ghost_hunter_alerts_total", { type: "anomaly" }), 1);
  assert.equal(sampleValue(exposition, "ghost_hunter_session_evictions_total"), 1);

  const delay = "ghost_hunter_injected_delay_seconds";
  const buckets = exposition.samples.filter((s) => s.name === `${delay}_bucket`);
  const bounds = buckets.map((s) => parseValue(s.labels.le!));
  assert.deepEqual(bounds, [...bounds].sort((a, b) => a - b), "buckets in increasing order");
  assert.equal(bounds.at(-1), Infinity);
  const counts = buckets.map((s) => s.value);
  assert.deepEqual(counts, [...counts].sort((a, b) => a - b), "buckets are cumulative");
  assert.equal(sampleValue(exposition, `${delay}_bucket`, { le: "0.005" }), 1);
  assert.equal(sampleValue(exposition, `${delay}_bucket`, { le: "0.25" }), 3);
  assert.equal(sampleValue(exposition, `${delay}_bucket`, { le: "10" }), 3);
  assert.equal(sampleValue(exposition, `${delay}_bucket`, { le: "+Inf" }), 4);
  assert.equal(sampleValue(exposition, `${delay}_count`), 4);
  assert.ok(Math.abs(sampleValue(exposition, `${delay}_sum`)! - 30.404) < 1e-9);
});

Deno.test("label values and help text are escaped", () => {
  const registry = new MetricsRegistry();
  registry.counter({ name: "odd_total", help: "back\\slash\nnewline", labelNames: ["v"] })
    .inc({ v: 'quote " back\\slash \n newline' });
  const text = registry.exposition();
  assert.ok(text.includes("# HELP odd_total back\\\\slash\\nnewline\n"));
  const exposition = parseExposition(text);
  assert.deepEqual(exposition.samples, [{
    name: "odd_total",
    labels: { v: 'quote " back\\slash \n newline' },
    value: 1,
  }]);
});

Deno.test("the server answers 404 off /metrics and 405 to other methods", async () => {
  const registry = new MetricsRegistry();
  await using server = MetricsServer.start({ registry, port: 0 });
  const base = `http://127.0.0.1:${server.port}`;
  const notFound = await fetch(`${base}/`);
  await notFound.body?.cancel();
  assert.equal(notFound.status, 404);
  const post = await fetch(`${base}/metrics`, { method: "POST" });
  await post.body?.cancel();
  assert.equal(post.status, 405);
});

Deno.test("close() is idempotent and the port stops answering", async () => {
  const server = MetricsServer.start({ registry: new MetricsRegistry(), port: 0 });
  const url = `http://127.0.0.1:${server.port}/metrics`;
  await server.close();
  await server.close();
  await assert.rejects(fetch(url));
});

Deno.test("a taken port is refused with one line naming the address", async () => {
  await using first = MetricsServer.start({ registry: new MetricsRegistry(), port: 0 });
  assert.throws(
    () => MetricsServer.start({ registry: new MetricsRegistry(), port: first.port }),
    (error) =>
      error instanceof Error && error.name === "EnvironmentError" &&
      error.message.startsWith(`Cannot serve metrics on 127.0.0.1:${first.port} (`),
  );
});

Deno.test("misuse of a metric is refused", () => {
  const registry = new MetricsRegistry();
  const counter = registry.counter({ name: "a_total", help: "a", labelNames: ["kind"] });
  assert.throws(() => counter.inc({}), /its labels are \[kind\], got \[\]/);
  assert.throws(() => counter.inc({ kind: "x" }, -1), /must be >= 0/);
  assert.throws(() => registry.gauge({ name: "a_total", help: "again" }), /the name is taken/);
  assert.throws(() => registry.gauge({ name: "1bad", help: "x" }), /invalid metric name/);
  assert.throws(
    () => registry.histogram({ name: "h", help: "x", buckets: [1, 1] }),
    /strictly increasing/,
  );
  assert.throws(
    () => registry.histogram({ name: "h2", help: "x", buckets: [1], labelNames: ["le"] }),
    /"le" is reserved/,
  );
});
