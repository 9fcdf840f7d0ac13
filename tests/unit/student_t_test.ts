import assert from "node:assert/strict";
import fc from "fast-check";
import { studentTCdf, studentTTwoSidedPValue } from "../../src/stats/student_t.ts";

function close(actual: number, expected: number, tolerance = 1e-10): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `expected ${expected}, got ${actual}`,
  );
}

const t = fc.double({ min: -1e3, max: 1e3, noNaN: true });

Deno.test("the t CDF matches the closed forms for 1, 2 and 3 degrees of freedom", () => {
  fc.assert(
    fc.property(t, (x) => {
      close(studentTCdf(x, 1), 0.5 + Math.atan(x) / Math.PI);
      close(studentTCdf(x, 2), 0.5 + x / (2 * Math.sqrt(2 + x * x)));
      const u = x / Math.sqrt(3);
      close(
        studentTCdf(x, 3),
        0.5 + (u / (1 + u * u) + Math.atan(u)) / Math.PI,
      );
    }),
  );
});

Deno.test("the t distribution matches values from scipy.stats.t", () => {
  close(studentTTwoSidedPValue(2.228, 10), 0.05001177181711132);
  close(studentTCdf(-1.5, 3.7), 0.10679908460100675);
  close(studentTTwoSidedPValue(4.2, 17.3), 0.0005813404571487163);
  close(studentTCdf(0.3, 250), 0.6177867754919752);
});

Deno.test("the t tails are symmetric and an infinite t has p = 0", () => {
  fc.assert(
    fc.property(t, fc.double({ min: 0.5, max: 500, noNaN: true }), (x, df) => {
      close(studentTCdf(x, df) + studentTCdf(-x, df), 1);
    }),
  );
  assert.equal(studentTTwoSidedPValue(Infinity, 4), 0);
  assert.equal(studentTTwoSidedPValue(0, 4), 1);
});

Deno.test("the t distribution rejects bad degrees of freedom or t", () => {
  for (const df of [0, -2, NaN, Infinity]) {
    assert.throws(() => studentTCdf(1, df), RangeError);
  }
  assert.throws(() => studentTCdf(NaN, 3), RangeError);
});
