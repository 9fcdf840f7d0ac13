import assert from "node:assert/strict";
import fc from "fast-check";
import {
  logBinIndex,
  type LogBinning,
  SlidingLogHistogram,
} from "../../src/score/log_histogram.ts";

const binning: LogBinning = { minMs: 1, binsPerOctave: 8, bins: 160 };

function referenceEntropy(bins: number[]): number {
  const counts = new Map<number, number>();
  for (const b of bins) counts.set(b, (counts.get(b) ?? 0) + 1);
  let h = 0;
  for (const c of counts.values()) {
    const p = c / bins.length;
    h -= p * Math.log2(p);
  }
  return h;
}

const delta = fc.oneof(
  fc.double({ min: 0, max: 1e7, noNaN: true }),
  fc.constantFrom(0, 1, 2, 30, 188, 1e9, Number.MAX_VALUE),
);

Deno.test("bin index is the log2 position, clamped to the bins", () => {
  assert.equal(logBinIndex(0, binning), 0);
  assert.equal(logBinIndex(0.99, binning), 0);
  assert.equal(logBinIndex(1, binning), 1);
  assert.equal(logBinIndex(2, binning), 9);
  assert.equal(logBinIndex(4, binning), 17);
  assert.equal(logBinIndex(Number.NaN, binning), 0);
  assert.equal(logBinIndex(Infinity, binning), 159);
  assert.equal(logBinIndex(1e300, binning), 159);
});

Deno.test("sliding entropy and span equal a slow reference", () => {
  fc.assert(
    fc.property(
      fc.array(delta, { minLength: 1, maxLength: 300 }),
      fc.integer({ min: 1, max: 70 }),
      (deltas, window) => {
        const h = new SlidingLogHistogram(window, binning);
        const kept: number[] = [];
        for (const d of deltas) {
          h.add(d);
          kept.push(logBinIndex(d, binning));
          if (kept.length > window) kept.shift();
          const entropy = h.entropy();
          assert.ok(
            Math.abs(entropy - referenceEntropy(kept)) < 1e-9,
            `${entropy} vs ${referenceEntropy(kept)}`,
          );
          assert.ok(entropy >= 0 && entropy <= Math.log2(binning.bins));
          assert.equal(
            h.spanOctaves,
            (Math.max(...kept) - Math.min(...kept)) / binning.binsPerOctave,
          );
          assert.equal(h.size, kept.length);
        }
      },
    ),
  );
});

Deno.test("entropy is exact on known distributions", () => {
  const h = new SlidingLogHistogram(64, binning);
  for (let i = 0; i < 64; i++) h.add(100);
  assert.equal(h.entropy(), 0);
  // Two equally likely bins: 1 bit; four: 2 bits; eight: 3 bits.
  for (const [kinds, bits] of [[2, 1], [4, 2], [8, 3]] as const) {
    for (let i = 0; i < 64; i++) h.add(2 ** (i % kinds));
    assert.ok(Math.abs(h.entropy() - bits) < 1e-12, `${kinds} bins`);
  }
  // 3/4 and 1/4: H = 0.811278… bits.
  for (let i = 0; i < 64; i++) h.add(i % 4 === 0 ? 1000 : 10);
  const expected = -(0.75 * Math.log2(0.75) + 0.25 * Math.log2(0.25));
  assert.ok(Math.abs(h.entropy() - expected) < 1e-12);
});

Deno.test("entropy reaches but never exceeds log2(bins)", () => {
  const small: LogBinning = { minMs: 1, binsPerOctave: 1, bins: 4 };
  const h = new SlidingLogHistogram(1000, small);
  // One delta per bin, in turn: 0.5 → bin 0, 1 → 1, 2 → 2, 4 → 3.
  for (let i = 0; i < 1000; i++) h.add([0.5, 1, 2, 4][i % 4]!);
  assert.ok(h.entropy() <= 2);
  assert.ok(Math.abs(h.entropy() - 2) < 1e-12);
});

Deno.test("histogram rejects a bad window or bin count", () => {
  assert.throws(
    () => new SlidingLogHistogram(0, binning),
    /window must be an integer from 1 to 65534, got 0/,
  );
  assert.throws(
    () => new SlidingLogHistogram(8, { ...binning, bins: 300 }),
    /bins must be an integer from 1 to 256, got 300/,
  );
});
