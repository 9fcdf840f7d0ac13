import assert from "node:assert/strict";
import fc from "fast-check";
import { Welford } from "../../src/stats/welford.ts";

function batch(values: number[]): { mean: number; variance: number } {
  const n = values.length;
  const mean = values.reduce((sum, x) => sum + x, 0) / n;
  const squares = values.reduce((sum, x) => sum + (x - mean) ** 2, 0);
  return { mean, variance: n < 2 ? 0 : squares / (n - 1) };
}

function close(actual: number, expected: number): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`,
  );
}

const values = fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), {
  minLength: 1,
  maxLength: 100,
});

Deno.test("Welford's mean and variance equal the two-pass batch values", () => {
  fc.assert(
    fc.property(values, (xs) => {
      const running = new Welford();
      for (const x of xs) running.push(x);
      const expected = batch(xs);
      assert.equal(running.count, xs.length);
      close(running.mean, expected.mean);
      close(running.variance, expected.variance);
    }),
  );
});

Deno.test("merging two summaries equals summarising the concatenation", () => {
  fc.assert(
    fc.property(values, values, (xs, ys) => {
      const left = new Welford();
      const right = new Welford();
      for (const x of xs) left.push(x);
      for (const y of ys) right.push(y);
      const copy = left.clone();
      left.merge(right);
      const expected = batch([...xs, ...ys]);
      assert.equal(left.count, xs.length + ys.length);
      close(left.mean, expected.mean);
      close(left.variance, expected.variance);
      assert.equal(copy.count, xs.length);
    }),
  );
});

Deno.test("a cleared summary is empty and non-finite values are rejected", () => {
  const running = new Welford();
  running.push(3);
  running.clear();
  assert.deepEqual([running.count, running.mean, running.variance], [0, 0, 0]);
  assert.throws(() => running.push(NaN), RangeError);
  assert.throws(() => running.push(Infinity), RangeError);
});
