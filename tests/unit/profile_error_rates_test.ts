import assert from "node:assert/strict";
import fc from "fast-check";
import { equalErrorRate, falseRejectAt } from "../../src/profile/error_rates.ts";

/** Slow reference: every candidate threshold tried, accept when distance ≤ threshold. */
function rates(genuine: number[], impostor: number[], threshold: number) {
  return {
    far: impostor.filter((d) => d <= threshold).length / impostor.length,
    frr: genuine.filter((d) => d > threshold).length / genuine.length,
  };
}
function slowEer(genuine: number[], impostor: number[]): number {
  let best = 1;
  for (const t of [-Infinity, ...genuine, ...impostor]) {
    const { far, frr } = rates(genuine, impostor, t);
    best = Math.min(best, Math.max(far, frr));
  }
  return best;
}

// Small integers make ties common: ties must never lower a figure.
const distances = fc.array(fc.integer({ min: 0, max: 12 }), { minLength: 1, maxLength: 60 });

Deno.test("The equal error rate equals the slow reference, ties included", () => {
  fc.assert(fc.property(distances, distances, (genuine, impostor) => {
    const got = equalErrorRate(genuine, impostor);
    assert.equal(got.rate, slowEer(genuine, impostor));
    const at = rates(genuine, impostor, got.threshold);
    assert.equal(Math.max(at.far, at.frr), got.rate);
  }));
});

Deno.test("The false-reject rate at a false-accept rate equals the slow reference", () => {
  fc.assert(
    fc.property(
      distances,
      distances,
      fc.double({ min: 0, max: 1, noNaN: true }),
      (g, i, target) => {
        let best = 1;
        for (const t of [-Infinity, ...g, ...i]) {
          const { far, frr } = rates(g, i, t);
          if (far <= target) best = Math.min(best, frr);
        }
        assert.equal(falseRejectAt(g, i, target).rate, best);
      },
    ),
  );
});

Deno.test("Separated owners and impostors give no error; identical ones give no useful threshold", () => {
  assert.equal(equalErrorRate([1, 2], [3, 4]).rate, 0);
  assert.equal(equalErrorRate([1, 1], [1, 1]).rate, 1);
  assert.throws(() => equalErrorRate([], [1]), /Cannot compute error rates/);
});
