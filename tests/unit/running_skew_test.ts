import assert from "node:assert/strict";
import fc from "fast-check";
import { RunningSkew } from "../../src/stats/running_skew.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";

const options = { step: 0.05, minRange: 0.05, startHalfRange: 0.75 };

/** The percentiles after every value of a stream, recomputed from its start: the slow way. */
function reference(values: number[]): { low: number; median: number; high: number } {
  let low = values[0]! - options.startHalfRange;
  let median = values[0]!;
  let high = values[0]! + options.startHalfRange;
  for (const value of values.slice(1)) {
    const step = options.step * Math.max(high - low, options.minRange);
    // Percentile p moves up p steps for a value at or above it, down 1 − p below:
    // it rests where a share 1 − p of the values lies above it.
    const move = (at: number, p: number) => at + (value < at ? p - 1 : p) * step;
    low = move(low, 0.1);
    median = move(median, 0.5);
    high = move(high, 0.9);
  }
  return { low, median, high };
}

const value = fc.double({ min: -20, max: 20, noNaN: true });

Deno.test("RunningSkew's percentiles and skewness match a slow reference after every value", () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 200 }), (values) => {
      const skew = new RunningSkew(options);
      values.forEach((v, i) => {
        skew.push(v);
        const expected = reference(values.slice(0, i + 1));
        assert.equal(skew.count, i + 1);
        assert.ok(Math.abs(skew.low - expected.low) < 1e-9);
        assert.ok(Math.abs(skew.median - expected.median) < 1e-9);
        assert.ok(Math.abs(skew.high - expected.high) < 1e-9);
        const range = Math.max(expected.high - expected.low, options.minRange);
        assert.ok(Math.abs(skew.range - range) < 1e-9);
        const kelly = (expected.high + expected.low - 2 * expected.median) / range;
        assert.ok(Math.abs(skew.skew - kelly) < 1e-6);
      });
    }),
  );
});

/** Pushes values and averages each statistic over all but the first 1000 (the trackers jitter by design). */
function settled(values: number[]): { low: number; median: number; high: number; skew: number } {
  const running = new RunningSkew(options);
  const mean = { low: 0, median: 0, high: 0, skew: 0 };
  const counted = values.length - 1000;
  values.forEach((v, i) => {
    running.push(v);
    if (i < 1000) return;
    mean.low += running.low / counted;
    mean.median += running.median / counted;
    mean.high += running.high / counted;
    mean.skew += running.skew / counted;
  });
  return mean;
}

Deno.test("RunningSkew settles around a stream's 10th, 50th and 90th percentiles", () => {
  fc.assert(
    fc.property(
      fc.double({ min: -10, max: 10, noNaN: true }),
      fc.double({ min: 0.2, max: 4, noNaN: true }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (start, width, seed) => {
        // Uniform on [start, start + width]: percentiles at 0.1, 0.5 and 0.9 of the width.
        const random = seededRandom(seed);
        const mean = settled(Array.from({ length: 3000 }, () => start + width * random.next()));
        const near = (actual: number, share: number) =>
          Math.abs(actual - (start + share * width)) < 0.06 * width;
        assert.ok(near(mean.low, 0.1), `low ${mean.low}`);
        assert.ok(near(mean.median, 0.5), `median ${mean.median}`);
        assert.ok(near(mean.high, 0.9), `high ${mean.high}`);
        assert.ok(Math.abs(mean.skew) < 0.12, `skew ${mean.skew} of a symmetric stream`);
      },
    ),
  );
});

Deno.test("RunningSkew is negative where low values stretch further, and mirrors exactly", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0.5, max: 0.9, noNaN: true }),
      fc.integer({ min: 1, max: 1_000_000 }),
      (half, seed) => {
        // log2 of a delay uniform within ±half of its median: a long low tail in log2.
        const random = seededRandom(seed);
        const values = Array.from(
          { length: 3000 },
          () => Math.log2(1 + half * (2 * random.next() - 1)),
        );
        assert.ok(settled(values).skew < -0.1);
        const skew = new RunningSkew(options);
        const mirror = new RunningSkew(options);
        for (const v of values) {
          skew.push(v);
          mirror.push(-v);
          assert.ok(Math.abs(mirror.skew + skew.skew) < 1e-9);
          assert.ok(Math.abs(mirror.low + skew.high) < 1e-9);
        }
      },
    ),
  );
});
