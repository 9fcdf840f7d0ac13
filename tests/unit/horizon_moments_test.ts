import assert from "node:assert/strict";
import fc from "fast-check";
import { HorizonMoments } from "../../src/stats/horizon_moments.ts";

/**
 * The weighted moments the slow way: the k-th value (1-based) enters with
 * weight max(1/k, 1/horizon) and every later value scales it by (1 − its
 * own weight); the weights then sum to 1.
 */
function slowReference(values: readonly number[], horizon: number) {
  const entry = values.map((_, i) => Math.max(1 / (i + 1), 1 / horizon));
  const weights = values.map((_, i) => {
    let w = entry[i]!;
    for (let j = i + 1; j < values.length; j++) w *= 1 - entry[j]!;
    return w;
  });
  const mean = values.reduce((sum, x, i) => sum + weights[i]! * x, 0);
  const moment = (k: number) =>
    values.reduce((sum, x, i) => sum + weights[i]! * (x - mean) ** k, 0);
  return { mean, m2: moment(2), m3: moment(3), m4: moment(4) };
}

Deno.test("HorizonMoments matches explicitly weighted moments computed the slow way", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 40 }),
      fc.array(fc.double({ min: -100, max: 100, noNaN: true }), { minLength: 1, maxLength: 150 }),
      (horizon, values) => {
        const running = new HorizonMoments(horizon);
        for (const x of values) running.push(x);
        const expected = slowReference(values, horizon);
        assert.equal(running.count, values.length);
        assert.ok(Math.abs(running.mean - expected.mean) <= 1e-9 * 100, "mean");
        assert.ok(
          Math.abs(running.variance - expected.m2) <= 1e-9 * 100 ** 2,
          `${running.variance} vs ${expected.m2}`,
        );
        // Spread large enough that the ratio is well conditioned.
        if (expected.m2 < 1e-3) return;
        const bimodality = (expected.m3 ** 2 / expected.m2 ** 3 + 1) /
          (expected.m4 / expected.m2 ** 2);
        assert.ok(
          Math.abs(running.bimodality - bimodality) <= 1e-6,
          `${running.bimodality} vs ${bimodality}`,
        );
      },
    ),
  );
});

Deno.test("HorizonMoments weighs every value equally until the horizon (two-pass population variance)", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -50, max: 50, noNaN: true }), { minLength: 1, maxLength: 64 }),
      (values) => {
        const running = new HorizonMoments(64);
        for (const x of values) running.push(x);
        const mean = values.reduce((a, b) => a + b, 0) / values.length;
        const variance = values.reduce((a, x) => a + (x - mean) ** 2, 0) / values.length;
        assert.ok(Math.abs(running.mean - mean) < 1e-9);
        assert.ok(Math.abs(running.variance - variance) < 1e-9);
      },
    ),
  );
});

Deno.test("the bimodality coefficient: 1 for two spikes, 1/3 for a normal law, 5/9 for a uniform one", () => {
  const spikes = new HorizonMoments(1000);
  for (let i = 0; i < 500; i++) spikes.push(i % 2 === 0 ? 3 : 7);
  assert.ok(Math.abs(spikes.bimodality - 1) < 1e-9);
  // Equally spaced quantiles stand in for draws: no randomness in a unit test.
  const uniform = new HorizonMoments(1000);
  for (let i = 0; i < 1000; i++) uniform.push((i + 0.5) / 1000);
  assert.ok(Math.abs(uniform.bimodality - 5 / 9) < 1e-3);
  // Box–Muller over a grid of (u1, u2): a product quadrature of the normal law.
  const normal = new HorizonMoments(10_000);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 100; j++) {
      normal.push(
        Math.sqrt(-2 * Math.log((i + 0.5) / 100)) * Math.cos(2 * Math.PI * (j + 0.5) / 100),
      );
    }
  }
  assert.ok(Math.abs(normal.bimodality - 1 / 3) < 0.01, `${normal.bimodality}`);
  assert.ok(Number.isNaN(new HorizonMoments(4).bimodality));
});

Deno.test("HorizonMoments forgets: a change of level is followed within a few horizons", () => {
  const running = new HorizonMoments(16);
  for (let i = 0; i < 1000; i++) running.push(i % 2 === 0 ? 0 : 10);
  assert.ok(Math.abs(running.variance - 25) < 2);
  for (let i = 0; i < 160; i++) running.push(3);
  assert.ok(Math.abs(running.mean - 3) < 0.01 && running.variance < 0.1);
});

Deno.test("HorizonMoments refuses a horizon that is not a positive integer", () => {
  for (const horizon of [0, -1, 1.5, Number.NaN]) {
    assert.throws(() => new HorizonMoments(horizon), /Cannot create horizon moments/);
  }
});
