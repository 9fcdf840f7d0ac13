import assert from "node:assert/strict";
import fc from "fast-check";
import { cappedExponentialMean, drawExponential } from "../../src/response/exponential.ts";
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";
import { ksExponential } from "../../src/stats/ks_exponential.ts";

const LAMBDAS = [0.1, 1, 5, 50];

function draws(seed: number, lambda: number, count: number, cap?: number) {
  const rng = new Xoshiro128(Uint32Array.of(seed, 0x9e37_79b9, 7, 1));
  const options = cap === undefined ? {} : { maxSeconds: cap };
  return Array.from(
    { length: count },
    () => drawExponential(rng, lambda, options),
  );
}

function mean(values: number[]): number {
  return values.reduce((sum, x) => sum + x, 0) / values.length;
}

Deno.test("exponential draws average 1/λ", () => {
  for (const [i, lambda] of LAMBDAS.entries()) {
    const sample = draws(100 + i, lambda, 20_000);
    // The standard error of the mean is 0.7 % of 1/λ at this size.
    const relativeError = Math.abs(mean(sample) * lambda - 1);
    assert.ok(relativeError < 0.03, `λ=${lambda}: off by ${relativeError}`);
  }
});

Deno.test("exponential draws pass a KS test against Exponential(λ)", () => {
  for (const [i, lambda] of LAMBDAS.entries()) {
    const result = ksExponential(draws(200 + i, lambda, 2_000), lambda);
    assert.ok(result.pValue > 0.01, `λ=${lambda}: p=${result.pValue}`);
  }
});

Deno.test("an exponential draw is the inverse transform of the uniform", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
      fc.double({ min: 0.01, max: 100, noNaN: true }),
      (u, lambda) => {
        const delay = drawExponential({ nextFloat: () => u }, lambda);
        assert.ok(Number.isFinite(delay) && delay >= 0);
        // F(d) = 1 − e^(−λd) must give back u.
        assert.ok(Math.abs(-Math.expm1(-lambda * delay) - u) < 1e-12);
      },
    ),
  );
});

Deno.test("the extreme uniforms give finite delays", () => {
  assert.equal(drawExponential({ nextFloat: () => 0 }, 1), 0);
  const largest = 1 - 2 ** -53;
  const delay = drawExponential({ nextFloat: () => largest }, 1);
  assert.ok(Number.isFinite(delay));
  assert.ok(Math.abs(delay - 53 * Math.LN2) < 1e-9);
});

Deno.test("a capped draw never exceeds the cap and averages the censored mean", () => {
  const lambda = 2;
  const cap = 0.5;
  const sample = draws(300, lambda, 20_000, cap);
  assert.ok(sample.every((d) => d <= cap));
  assert.ok(sample.some((d) => d === cap));
  const expected = cappedExponentialMean(lambda, cap);
  // (1 − e^(−1))/2 ≈ 0.316, well below the uncapped 0.5.
  assert.ok(Math.abs(expected - (1 - Math.exp(-1)) / 2) < 1e-12);
  assert.ok(Math.abs(mean(sample) / expected - 1) < 0.02);
});

Deno.test("an exponential draw rejects a bad λ or cap", () => {
  const rng = new Xoshiro128(Uint32Array.of(1, 1, 1, 1));
  for (const lambda of [0, -1, NaN, Infinity]) {
    assert.throws(() => drawExponential(rng, lambda), RangeError);
  }
  for (const maxSeconds of [0, -1, NaN]) {
    assert.throws(() => drawExponential(rng, 1, { maxSeconds }), RangeError);
  }
});
