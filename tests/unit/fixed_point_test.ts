import assert from "node:assert/strict";
import fc from "fast-check";
import {
  lambdaToScaled,
  MAX_LAMBDA_SCALED,
  scaledToLambda,
} from "../../src/response/fixed_point.ts";

Deno.test("lambda_scaled round-trips every u32 exactly", () => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: MAX_LAMBDA_SCALED }), (scaled) => {
      assert.equal(lambdaToScaled(scaledToLambda(scaled)), scaled);
    }),
  );
});

Deno.test("λ survives encoding to within half the resolution", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1_000_000, noNaN: true }),
      (lambda) => {
        const decoded = scaledToLambda(lambdaToScaled(lambda));
        assert.ok(Math.abs(decoded - lambda) <= 0.0005 + 1e-9);
      },
    ),
  );
});

Deno.test("the SPEC bounds encode to the expected integers", () => {
  assert.equal(lambdaToScaled(0.1), 100);
  assert.equal(lambdaToScaled(50), 50_000);
  assert.equal(lambdaToScaled(2.0004), 2000);
  assert.equal(lambdaToScaled(2.0006), 2001);
});

Deno.test("λ that is negative, not finite or too large for a u32 is rejected", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.double({ max: -Number.MIN_VALUE, noNaN: true }),
        fc.constantFrom(NaN, Infinity, -Infinity),
        fc.double({ min: 4_294_967.5, noNaN: true, noDefaultInfinity: true }),
      ),
      (lambda) => {
        assert.throws(() => lambdaToScaled(lambda), RangeError);
      },
    ),
  );
});

Deno.test("lambda_scaled that is not a u32 integer is rejected", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ max: -1 }),
        fc.double({ min: MAX_LAMBDA_SCALED + 1, noNaN: true }),
        fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)),
        fc.constantFrom(NaN, Infinity),
      ),
      (scaled) => {
        assert.throws(() => scaledToLambda(scaled), RangeError);
      },
    ),
  );
});
