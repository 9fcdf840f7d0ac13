import assert from "node:assert/strict";
import fc from "fast-check";
import { kolmogorovSurvival } from "../../src/stats/kolmogorov.ts";
import { ksExponential } from "../../src/stats/ks_exponential.ts";
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";
import { drawExponential } from "../../src/response/exponential.ts";

function close(actual: number, expected: number, tolerance: number): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

Deno.test("the Kolmogorov tail matches the tabulated critical values", () => {
  // Critical values of √n·D from the asymptotic table: 1.2238 (10 %),
  // 1.3581 (5 %), 1.6276 (1 %), 1.9495 (0.1 %).
  close(kolmogorovSurvival(1.2238), 0.10, 2e-4);
  close(kolmogorovSurvival(1.3581), 0.05, 2e-4);
  close(kolmogorovSurvival(1.6276), 0.01, 2e-5);
  close(kolmogorovSurvival(1.9495), 0.001, 2e-6);
  // The median of the Kolmogorov distribution is about 0.8276.
  close(kolmogorovSurvival(0.8276), 0.5, 2e-4);
  assert.equal(kolmogorovSurvival(0), 1);
});

Deno.test("both Kolmogorov series agree where they overlap and the tail decreases", () => {
  // Evaluate the theta form directly at z ≥ 1.18 and compare with the
  // function, which uses the alternating series there.
  function thetaSurvival(z: number): number {
    let sum = 0;
    for (let j = 1; j <= 50; j++) {
      sum += Math.exp(-((2 * j - 1) ** 2) * Math.PI ** 2 / (8 * z * z));
    }
    return 1 - Math.sqrt(2 * Math.PI) / z * sum;
  }
  fc.assert(
    fc.property(fc.double({ min: 1.18, max: 3, noNaN: true }), (z) => {
      close(kolmogorovSurvival(z), thetaSurvival(z), 1e-12);
    }),
  );
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 4, noNaN: true }),
      fc.double({ min: 0.001, max: 1, noNaN: true }),
      (z, step) => {
        assert.ok(kolmogorovSurvival(z + step) <= kolmogorovSurvival(z));
      },
    ),
  );
});

Deno.test("the KS statistic equals a brute-force supremum over the sample", () => {
  function bruteForce(sample: number[], lambda: number): number {
    let sup = 0;
    for (const x of sample) {
      const cdf = 1 - Math.exp(-lambda * x);
      const atOrBelow = sample.filter((y) => y <= x).length / sample.length;
      const below = sample.filter((y) => y < x).length / sample.length;
      sup = Math.max(sup, Math.abs(atOrBelow - cdf), Math.abs(below - cdf));
    }
    return sup;
  }
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 20, noNaN: true }), {
        minLength: 1,
        maxLength: 60,
      }),
      fc.double({ min: 0.05, max: 20, noNaN: true }),
      (sample, lambda) => {
        close(
          ksExponential(sample, lambda).statistic,
          bruteForce(sample, lambda),
          1e-12,
        );
      },
    ),
  );
});

Deno.test("the KS p-value applies Stephens' correction to the statistic", () => {
  // A single observation at the median of Exponential(1): D = 0.5.
  const result = ksExponential([Math.LN2], 1);
  close(result.statistic, 0.5, 1e-12);
  close(result.pValue, kolmogorovSurvival((1 + 0.12 + 0.11) * 0.5), 1e-15);
  assert.equal(result.count, 1);
});

Deno.test("the KS test rejects uniform samples as exponential", () => {
  const rng = new Xoshiro128(Uint32Array.of(11, 22, 33, 44));
  const uniform = Array.from({ length: 300 }, () => rng.nextFloat());
  // λ = 2 matches the uniform's mean of 0.5, so only the shape differs.
  assert.ok(ksExponential(uniform, 2).pValue < 0.01);
  assert.ok(ksExponential(uniform, 1).pValue < 0.01);
});

Deno.test("the KS test rejects exponential samples with the wrong λ", () => {
  const rng = new Xoshiro128(Uint32Array.of(5, 6, 7, 8));
  const sample = Array.from({ length: 300 }, () => drawExponential(rng, 4));
  assert.ok(ksExponential(sample, 2).pValue < 0.01);
  assert.ok(ksExponential(sample, 4).pValue > 0.01);
});

Deno.test("the KS test rejects invalid input", () => {
  assert.throws(() => ksExponential([], 1), RangeError);
  assert.throws(() => ksExponential([1, NaN], 1), RangeError);
  assert.throws(() => ksExponential([1], 0), RangeError);
});
