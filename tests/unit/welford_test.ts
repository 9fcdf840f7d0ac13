import assert from "node:assert/strict";
import fc from "fast-check";
import { Welford } from "../../src/stats/welford.ts";

function twoPass(values: number[]): { mean: number; variance: number } {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const variance = values.reduce((a, b) => a + (b - mean) ** 2, 0) /
    values.length;
  return { mean, variance };
}

function close(actual: number, expected: number, scale: number): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, scale),
    `${actual} is not close to ${expected}`,
  );
}

const value = fc.double({ min: -1e6, max: 1e6, noNaN: true });

Deno.test("Welford equals a two-pass mean and variance", () => {
  fc.assert(
    fc.property(fc.array(value, { minLength: 1, maxLength: 300 }), (values) => {
      const w = new Welford();
      for (const v of values) w.push(v);
      const reference = twoPass(values);
      assert.equal(w.count, values.length);
      close(w.mean, reference.mean, 1e6);
      close(w.populationVariance, values.length < 2 ? 0 : reference.variance, 1e12);
    }),
  );
});

Deno.test("Welford with removals equals a two-pass sliding window", () => {
  fc.assert(
    fc.property(
      fc.array(value, { minLength: 1, maxLength: 400 }),
      fc.integer({ min: 1, max: 64 }),
      (values, window) => {
        const w = new Welford();
        const kept: number[] = [];
        for (const v of values) {
          if (kept.length === window) w.remove(kept.shift()!);
          w.push(v);
          kept.push(v);
          const reference = twoPass(kept);
          close(w.mean, reference.mean, 1e6);
          close(w.populationVariance, kept.length < 2 ? 0 : reference.variance, 1e12);
          assert.ok(w.populationVariance >= 0);
        }
      },
    ),
  );
});

Deno.test("Welford population variance divides by n, sample variance by n - 1", () => {
  const w = new Welford();
  for (const v of [2, 4, 4, 4, 5, 5, 7, 9]) w.push(v);
  assert.equal(w.mean, 5);
  assert.equal(w.populationVariance, 4);
  close(w.variance, 32 / 7, 1);
});

Deno.test("Welford removing the last value empties it", () => {
  const w = new Welford();
  w.push(3);
  w.remove(3);
  assert.equal(w.count, 0);
  assert.equal(w.mean, 0);
  assert.equal(w.variance, 0);
});
