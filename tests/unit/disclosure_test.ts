import assert from "node:assert/strict";
import fc from "fast-check";
import { DisclosureDetector, type DisclosureVerdict } from "../../src/response/disclosure.ts";
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";
import { welchTTest } from "../../src/stats/welch_t.ts";
import { Welford } from "../../src/stats/welford.ts";

/** Log-normal residuals around `median` seconds, from a seeded PRNG. */
function tempo(seed: number, sigma = 0.5) {
  const rng = new Xoshiro128(Uint32Array.of(seed, 17, 29, 31));
  return (median: number): number => {
    const u = 1 - rng.nextFloat();
    const v = rng.nextFloat();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return median * Math.exp(sigma * normal);
  };
}

/**
 * Feeds `baselineCount` residuals at 0.2 s, starts jitter, then feeds
 * post-jitter residuals whose median comes from `postMedian(i)` until a
 * verdict arrives. Returns it with the number of post-jitter inputs fed.
 */
function run(
  seed: number,
  postMedian: (i: number) => number,
  baselineCount = 60,
): { verdict: DisclosureVerdict | undefined; inputs: number } {
  const draw = tempo(seed);
  const detector = new DisclosureDetector();
  for (let i = 0; i < baselineCount; i++) {
    assert.equal(detector.observe(draw(0.2)), undefined);
  }
  detector.startJitter();
  for (let i = 0; i < 100; i++) {
    const verdict = detector.observe(draw(postMedian(i)));
    if (verdict !== undefined) return { verdict, inputs: i + 1 };
  }
  return { verdict: undefined, inputs: 100 };
}

Deno.test("a steady session gets no disclosure verdict and the window closes at cycle 7", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const { verdict, inputs } = run(seed, () => 0.2);
    assert.equal(verdict?.kind, "disclosure-not-observed", `seed ${seed}`);
    assert.equal(inputs, 35);
    if (verdict?.kind === "disclosure-not-observed") {
      assert.equal(verdict.reason, "no-significant-change");
      assert.equal(verdict.cycles, 7);
    }
  }
});

Deno.test("a session that slows down markedly is confirmed within 3–7 cycles", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const { verdict, inputs } = run(seed, () => 0.6);
    assert.equal(verdict?.kind, "disclosure-confirmed", `seed ${seed}`);
    if (verdict?.kind !== "disclosure-confirmed") continue;
    assert.ok(verdict.evidence.cycles >= 3 && verdict.evidence.cycles <= 7);
    assert.equal(inputs, verdict.evidence.cycles * 5);
    assert.ok(verdict.evidence.statistic > 0);
    assert.ok(verdict.evidence.tempoRatio > 1.5);
    assert.ok(verdict.evidence.pValue < verdict.evidence.alphaPerLook);
    assert.equal(verdict.evidence.alphaPerLook, 0.01 / 5);
  }
});

Deno.test("a session that speeds up markedly is confirmed, and so is a late reaction", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const faster = run(seed, () => 0.06).verdict;
    assert.equal(faster?.kind, "disclosure-confirmed", `seed ${seed}`);
    if (faster?.kind === "disclosure-confirmed") {
      assert.ok(faster.evidence.statistic < 0);
      assert.ok(faster.evidence.tempoRatio < 1 / 1.5);
    }
    // The operator notices only after two cycles, then slows to 1 s.
    const late = run(seed, (i) => i < 10 ? 0.2 : 1).verdict;
    assert.equal(late?.kind, "disclosure-confirmed", `seed ${seed}`);
    if (late?.kind === "disclosure-confirmed") {
      assert.ok(late.evidence.cycles >= 3 && late.evidence.cycles <= 7);
    }
  }
});

Deno.test("a small but significant change does not count as disclosure", () => {
  // 1.2× slower with almost no spread: significant, yet below the 1.5× floor.
  const detector = new DisclosureDetector();
  const draw = tempo(3, 0.01);
  for (let i = 0; i < 60; i++) detector.observe(draw(0.2));
  detector.startJitter();
  let verdict: DisclosureVerdict | undefined;
  for (let i = 0; i < 35 && verdict === undefined; i++) {
    verdict = detector.observe(draw(0.24));
  }
  assert.equal(verdict?.kind, "disclosure-not-observed");
  if (verdict?.kind === "disclosure-not-observed") {
    assert.ok(verdict.evidence !== undefined);
    assert.ok(verdict.evidence.pValue < 1e-6);
  }
});

Deno.test("the evidence equals Welch's test computed directly on the log residuals", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), {
        minLength: 10,
        maxLength: 63,
      }),
      fc.array(fc.double({ min: 0.01, max: 5, noNaN: true }), {
        minLength: 35,
        maxLength: 35,
      }),
      (before, after) => {
        const detector = new DisclosureDetector();
        for (const x of before) detector.observe(x);
        detector.startJitter();
        let verdict: DisclosureVerdict | undefined;
        let fed = 0;
        for (const x of after) {
          fed++;
          verdict = detector.observe(x);
          if (verdict !== undefined) break;
        }
        assert.ok(verdict !== undefined);
        const evidence = verdict.evidence;
        assert.ok(evidence !== undefined);
        const logs = (xs: number[]) => {
          const summary = new Welford();
          for (const x of xs) summary.push(Math.log(x));
          return summary;
        };
        const baseline = logs(before);
        const post = logs(after.slice(0, fed));
        const expected = welchTTest(baseline, post);
        assert.equal(evidence.baseline.count, before.length);
        assert.equal(evidence.post.count, fed);
        assert.ok(Math.abs(evidence.statistic - expected.statistic) < 1e-9);
        assert.ok(Math.abs(evidence.pValue - expected.pValue) < 1e-9);
        assert.ok(
          Math.abs(
            evidence.tempoRatio - Math.exp(post.mean - baseline.mean),
          ) < 1e-9,
        );
      },
    ),
  );
});

Deno.test("the baseline covers only the latest one or two blocks", () => {
  // 64 slow residuals, then 64 + 10 fast ones: the slow block has rotated out.
  const detector = new DisclosureDetector({ baselineBlockSize: 64 });
  for (let i = 0; i < 64; i++) detector.observe(5);
  for (let i = 0; i < 74; i++) detector.observe(i % 2 === 0 ? 0.19 : 0.21);
  detector.startJitter();
  let verdict: DisclosureVerdict | undefined;
  for (let i = 0; i < 35 && verdict === undefined; i++) {
    verdict = detector.observe(i % 2 === 0 ? 0.19 : 0.21);
  }
  assert.equal(verdict?.kind, "disclosure-not-observed");
  if (verdict?.kind === "disclosure-not-observed") {
    assert.equal(verdict.evidence?.baseline.count, 74);
  }
});

Deno.test("without enough baseline the window closes as insufficient", () => {
  const detector = new DisclosureDetector();
  for (let i = 0; i < 5; i++) detector.observe(0.2);
  detector.startJitter();
  const verdicts = Array.from({ length: 35 }, () => detector.observe(2))
    .filter((v) => v !== undefined);
  assert.deepEqual(verdicts, [{
    kind: "disclosure-not-observed",
    reason: "insufficient-baseline",
    cycles: 7,
  }]);
});

Deno.test("one verdict per episode; stopping resumes the baseline", () => {
  const detector = new DisclosureDetector();
  for (let i = 0; i < 20; i++) detector.observe(0.2 + (i % 3) * 0.01);
  detector.startJitter();
  const verdicts = Array.from({ length: 50 }, () => detector.observe(1))
    .filter((v) => v !== undefined);
  assert.equal(verdicts.length, 1);
  assert.equal(detector.phase, "decided");
  detector.stopJitter();
  assert.equal(detector.phase, "baseline");
  assert.equal(detector.observe(0.2), undefined);
});

Deno.test("the disclosure detector rejects bad residuals and options", () => {
  const detector = new DisclosureDetector();
  assert.throws(() => detector.observe(-1), RangeError);
  assert.throws(() => detector.observe(NaN), RangeError);
  assert.throws(() => new DisclosureDetector({ minCycles: 8 }), RangeError);
  assert.throws(() => new DisclosureDetector({ cycleInputs: 0 }), RangeError);
  assert.throws(() => new DisclosureDetector({ significance: 1 }), RangeError);
  assert.throws(() => new DisclosureDetector({ minTempoRatio: 0.5 }));
});
