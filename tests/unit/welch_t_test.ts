import assert from "node:assert/strict";
import fc from "fast-check";
import { welchTTest } from "../../src/stats/welch_t.ts";
import { Welford } from "../../src/stats/welford.ts";
import { studentTTwoSidedPValue } from "../../src/stats/student_t.ts";

function summarise(values: number[]): Welford {
  const summary = new Welford();
  for (const x of values) summary.push(x);
  return summary;
}

function close(actual: number, expected: number, tolerance = 1e-9): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("Welch's test matches scipy.stats.ttest_ind(equal_var=False)", () => {
  const a = [1.2, 3.4, 2.2, 5.1, 4.4, 3.3];
  const b = [7.1, 6.5, 8.8, 9.0, 5.5, 7.7, 8.1, 6.9, 7.3];
  const result = welchTTest(summarise(a), summarise(b));
  // scipy reports mean(a) − mean(b); this test reports the reverse sign.
  close(result.statistic, 6.060183142471533);
  close(result.degreesOfFreedom, 8.976869807137836);
  close(result.pValue, 0.00019012022476896825, 1e-7);
});

Deno.test("Welch's test equals the textbook formulas on raw samples", () => {
  const sample = fc.array(fc.double({ min: -100, max: 100, noNaN: true }), {
    minLength: 2,
    maxLength: 40,
  });
  fc.assert(
    fc.property(sample, sample, (xs, ys) => {
      const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
      const variance = (v: number[]) =>
        v.reduce((s, x) => s + (x - mean(v)) ** 2, 0) / (v.length - 1);
      const se1 = variance(xs) / xs.length;
      const se2 = variance(ys) / ys.length;
      fc.pre(se1 + se2 > 1e-9);
      const statistic = (mean(ys) - mean(xs)) / Math.sqrt(se1 + se2);
      const df = (se1 + se2) ** 2 /
        (se1 ** 2 / (xs.length - 1) + se2 ** 2 / (ys.length - 1));
      const result = welchTTest(summarise(xs), summarise(ys));
      close(result.statistic, statistic, 1e-6);
      close(result.degreesOfFreedom, df, 1e-6);
      close(result.pValue, studentTTwoSidedPValue(statistic, df), 1e-6);
    }),
  );
});

Deno.test("Welch's test handles two constant samples", () => {
  const same = welchTTest(summarise([2, 2, 2]), summarise([2, 2]));
  assert.deepEqual(same, { statistic: 0, degreesOfFreedom: 3, pValue: 1 });
  const apart = welchTTest(summarise([2, 2, 2]), summarise([1, 1]));
  assert.deepEqual(apart, {
    statistic: -Infinity,
    degreesOfFreedom: 3,
    pValue: 0,
  });
});

Deno.test("Welch's test needs two values per sample", () => {
  assert.throws(
    () => welchTTest(summarise([1]), summarise([1, 2])),
    RangeError,
  );
});
