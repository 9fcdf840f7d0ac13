import assert from "node:assert/strict";
import fc from "fast-check";
import { logGamma } from "../../src/stats/log_gamma.ts";

function close(actual: number, expected: number, tolerance = 1e-11): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance * Math.max(1, Math.abs(expected)),
    `expected ${expected}, got ${actual}`,
  );
}

Deno.test("ln Γ(n) is ln((n − 1)!) for integers", () => {
  let logFactorial = 0;
  for (let n = 1; n <= 40; n++) {
    close(logGamma(n), logFactorial);
    logFactorial += Math.log(n);
  }
});

Deno.test("ln Γ matches Γ(1/2) = √π and values from scipy.special.gammaln", () => {
  close(logGamma(0.5), 0.5 * Math.log(Math.PI));
  close(logGamma(0.1), 2.252712651734206);
  close(logGamma(3.7), 1.428072326665388);
  close(logGamma(123.4), 469.3360974421906);
});

Deno.test("ln Γ satisfies Γ(x + 1) = x·Γ(x)", () => {
  fc.assert(
    fc.property(fc.double({ min: 1e-3, max: 1e4, noNaN: true }), (x) => {
      close(logGamma(x + 1), logGamma(x) + Math.log(x), 1e-10);
    }),
  );
});

Deno.test("ln Γ rejects arguments that are not positive", () => {
  for (const x of [0, -1, NaN, Infinity]) {
    assert.throws(() => logGamma(x), RangeError);
  }
});
