import assert from "node:assert/strict";
import fc from "fast-check";
import { HorizonVariance } from "../../src/stats/horizon_variance.ts";

/**
 * The weighted mean and variance the slow way: the k-th value (1-based)
 * enters with weight max(1/k, 1/horizon) and every later value scales it by
 * (1 − its own weight); the weights then sum to 1.
 */
function slowReference(values: readonly number[], horizon: number) {
  const entry = values.map((_, i) => Math.max(1 / (i + 1), 1 / horizon));
  const weights = values.map((_, i) => {
    let w = entry[i]!;
    for (let j = i + 1; j < values.length; j++) w *= 1 - entry[j]!;
    return w;
  });
  const mean = values.reduce((sum, x, i) => sum + weights[i]! * x, 0);
  const variance = values.reduce((sum, x, i) => sum + weights[i]! * (x - mean) ** 2, 0);
  return { mean, variance };
}

Deno.test("HorizonVariance matches explicitly weighted sums computed the slow way", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 150 }),
      (horizon, values) => {
        const running = new HorizonVariance(horizon);
        for (const x of values) running.push(x);
        const expected = slowReference(values, horizon);
        assert.equal(running.count, values.length);
        assert.ok(Math.abs(running.mean - expected.mean) <= 1e-9 * 1e3, "mean");
        assert.ok(
          Math.abs(running.variance - expected.variance) <= 1e-9 * 1e6,
          `${running.variance} vs ${expected.variance}`,
        );
      },
    ),
  );
});

Deno.test("HorizonVariance weighs every value equally until the horizon (two-pass population variance)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 64 }),
      (values) => {
        const running = new HorizonVariance(64);
        for (const x of values) running.push(x);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length;
        assert.ok(Math.abs(running.mean - mean) < 1e-9);
        assert.ok(Math.abs(running.variance - variance) < 1e-9);
      },
    ),
  );
});

Deno.test("HorizonVariance forgets: a change of level is followed within a few horizons", () => {
  const running = new HorizonVariance(16);
  for (let i = 0; i < 1000; i++) running.push(i % 2 === 0 ? 0 : 10);
  assert.ok(Math.abs(running.variance - 25) < 2);
  for (let i = 0; i < 160; i++) running.push(3);
  assert.ok(Math.abs(running.mean - 3) < 0.01 && running.variance < 0.1);
});

Deno.test("HorizonVariance refuses a horizon that is not a positive integer", () => {
  for (const horizon of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new HorizonVariance(horizon), /Cannot create a horizon variance/);
  }
});
