import assert from "node:assert/strict";
import fc from "fast-check";
import { type LambdaClampWarning, LambdaPosterior } from "../../src/response/lambda_posterior.ts";

function relativelyClose(actual: number, expected: number): boolean {
  return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
}

const residuals = fc.array(fc.double({ min: 0, max: 30, noNaN: true }), {
  maxLength: 200,
});
const prior = fc.record({
  alpha0: fc.double({ min: 0.01, max: 50, noNaN: true }),
  beta0: fc.double({ min: 0.01, max: 50, noNaN: true }),
});

Deno.test("the posterior equals the batch update α₀ + n, β₀ + Σx", () => {
  fc.assert(
    fc.property(prior, residuals, ({ alpha0, beta0 }, xs) => {
      const posterior = new LambdaPosterior({
        session: "pts/1",
        warn: () => {},
        alpha0,
        beta0,
      });
      for (const x of xs) posterior.observe(x);
      const sum = xs.reduce((total, x) => total + x, 0);
      assert.ok(relativelyClose(posterior.alpha, alpha0 + xs.length));
      assert.ok(relativelyClose(posterior.beta, beta0 + sum));
      assert.equal(posterior.count, xs.length);
      assert.ok(
        relativelyClose(
          posterior.estimate().lambdaUnclamped,
          (alpha0 + xs.length) / (beta0 + sum),
        ),
      );
    }),
  );
});

Deno.test("with forgetting γ the posterior weighs observation i of n by γ^(n−i)", () => {
  fc.assert(
    fc.property(
      prior,
      residuals,
      fc.double({ min: 0.5, max: 1, noNaN: true }),
      ({ alpha0, beta0 }, xs, forgetting) => {
        const posterior = new LambdaPosterior({
          session: "pts/1",
          warn: () => {},
          alpha0,
          beta0,
          forgetting,
        });
        for (const x of xs) posterior.observe(x);
        const n = xs.length;
        let weights = 0;
        let weightedSum = 0;
        xs.forEach((x, i) => {
          const weight = forgetting ** (n - 1 - i);
          weights += weight;
          weightedSum += weight * x;
        });
        assert.ok(relativelyClose(posterior.alpha, alpha0 + weights));
        assert.ok(relativelyClose(posterior.beta, beta0 + weightedSum));
      },
    ),
  );
});

Deno.test("forgetting lets λ follow a session that changes tempo", () => {
  const remembering = new LambdaPosterior({ session: "s", warn: () => {} });
  const forgetting = new LambdaPosterior({
    session: "s",
    warn: () => {},
    forgetting: 0.9,
  });
  for (const posterior of [remembering, forgetting]) {
    for (let i = 0; i < 200; i++) posterior.observe(0.5);
    for (let i = 0; i < 100; i++) posterior.observe(0.1);
  }
  // The rate went from 2/s to 10/s. With γ = 0.9 the posterior settles at
  // (α₀ + 10) / (β₀ + 10 × 0.1) = 12 / 1.4 whatever came before.
  assert.ok(Math.abs(forgetting.estimate().lambda - 12 / 1.4) < 0.05);
  assert.ok(remembering.estimate().lambda < 3);
});

Deno.test("a warning is emitted exactly when λ is clamped, before the clamp", () => {
  fc.assert(
    fc.property(
      residuals,
      fc.double({ min: 0.05, max: 5, noNaN: true }),
      fc.double({ min: 5, max: 100, noNaN: true }),
      (xs, minLambda, maxLambda) => {
        const warnings: LambdaClampWarning[] = [];
        const posterior = new LambdaPosterior({
          session: "pts/7",
          warn: (record) => warnings.push(record),
          minLambda,
          maxLambda,
        });
        for (const x of xs) posterior.observe(x);
        const raw = posterior.alpha / posterior.beta;
        const estimate = posterior.estimate();
        assert.equal(estimate.lambdaUnclamped, raw);
        if (raw < minLambda) {
          assert.deepEqual(warnings, [{
            session: "pts/7",
            lambda_unclamped: raw,
            lambda_clamped: minLambda,
            bound: "lower",
          }]);
          assert.equal(estimate.lambda, minLambda);
        } else if (raw > maxLambda) {
          assert.deepEqual(warnings, [{
            session: "pts/7",
            lambda_unclamped: raw,
            lambda_clamped: maxLambda,
            bound: "upper",
          }]);
          assert.equal(estimate.lambda, maxLambda);
        } else {
          assert.deepEqual(warnings, []);
          assert.equal(estimate.lambda, raw);
        }
        assert.equal(estimate.clamped, warnings.length === 1);
      },
    ),
  );
});

Deno.test("the default bounds are [0.1, 50]", () => {
  const warnings: LambdaClampWarning[] = [];
  const fast = new LambdaPosterior({
    session: "fast",
    warn: (record) => warnings.push(record),
  });
  for (let i = 0; i < 100; i++) fast.observe(0.001);
  assert.equal(fast.estimate().lambda, 50);
  const slow = new LambdaPosterior({
    session: "slow",
    warn: (record) => warnings.push(record),
  });
  for (let i = 0; i < 100; i++) slow.observe(30);
  assert.equal(slow.estimate().lambda, 0.1);
  assert.deepEqual(warnings.map((w) => [w.session, w.bound]), [
    ["fast", "upper"],
    ["slow", "lower"],
  ]);
});

Deno.test("the posterior rejects invalid residuals and options", () => {
  const posterior = new LambdaPosterior({ session: "s", warn: () => {} });
  for (const x of [-0.001, NaN, Infinity]) {
    assert.throws(() => posterior.observe(x), RangeError);
  }
  const warn = () => {};
  assert.throws(() => new LambdaPosterior({ session: "s", warn, alpha0: 0 }));
  assert.throws(() => new LambdaPosterior({ session: "s", warn, beta0: -1 }));
  assert.throws(() => new LambdaPosterior({ session: "s", warn, minLambda: 5, maxLambda: 1 }));
  assert.throws(() => new LambdaPosterior({ session: "s", warn, forgetting: 0 }));
  assert.throws(() => new LambdaPosterior({ session: "s", warn, forgetting: 1.5 }));
});
