import assert from "node:assert/strict";
import fc from "fast-check";
import {
  FEATURE_COUNT,
  FEATURE_NAMES,
  GAP_BINS,
  GAP_LOG_MAX,
  GAP_LOG_MIN,
  gapBin,
  histogramQuantile,
  JUMP_BINS,
  jumpBin,
  logGap,
  PAIR_CELLS,
  pairClass,
  pairCorrelation,
  PAUSE_MS,
  RHYTHM_MAX_MS,
  timingFeatures,
  TimingWindow,
} from "../../src/profile/timing_window.ts";
import { InputShape } from "../../src/score/input_shape.ts";

interface Input {
  t: number;
  bytes: number;
  shape?: number;
}

/** Slow reference: the summary of the last `capacity` inputs, built from scratch. */
function reference(inputs: readonly Input[], capacity: number) {
  const start = Math.max(0, inputs.length - capacity);
  const gapCounts = new Float64Array(GAP_BINS);
  const jumpCounts = new Float64Array(JUMP_BINS);
  const pairSums = new Float64Array(5);
  const pairCells = new Float64Array(PAIR_CELLS);
  const afterEnterCounts = new Float64Array(GAP_BINS);
  let escapes = 0;
  let pauses = 0;
  for (let i = start; i < inputs.length; i++) {
    if (inputs[i]!.bytes === 3 || inputs[i]!.bytes === 4) escapes++;
    if (i === 0) continue;
    const gap = inputs[i]!.t - inputs[i - 1]!.t;
    gapCounts[gapBin(gap)]!++;
    if (gap >= PAUSE_MS) pauses++;
    // The Enter before may lie before the window, as the live window also remembers it.
    if (inputs[i - 1]!.shape === InputShape.ENTER) afterEnterCounts[gapBin(gap)]!++;
    // A jump needs this gap and the one before to be rhythm gaps; both gaps
    // may reach back before the window, as the live window also remembers them.
    if (i < 2 || gap > RHYTHM_MAX_MS) continue;
    const previous = inputs[i - 1]!.t - inputs[i - 2]!.t;
    if (previous > RHYTHM_MAX_MS) continue;
    jumpCounts[jumpBin(logGap(gap) - logGap(previous))]!++;
    const [x, y] = [gapBin(previous), gapBin(gap)];
    [x, y, x * x, y * y, x * y].forEach((v, k) => pairSums[k]! += v);
    pairCells[pairClass(previous) * 3 + pairClass(gap)]!++;
  }
  return {
    gapCounts,
    jumpCounts,
    pairSums,
    pairCells,
    afterEnterCounts,
    escapes,
    pauses,
    inputs: inputs.length - start,
  };
}

const shapes = fc.option(fc.constantFrom(...Object.values(InputShape)), { nil: undefined });

const inputs = fc.array(
  fc.record({
    gap: fc.oneof(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 20_000 })),
    bytes: fc.integer({ min: 1, max: 6 }),
    shape: shapes,
  }),
  { minLength: 0, maxLength: 400 },
).map((raw) => {
  let t = 0;
  return raw.map((r): Input => ({ t: t += r.gap, bytes: r.bytes, shape: r.shape }));
});

Deno.test("A sliding timing window equals its last inputs summarised from scratch", () => {
  fc.assert(
    fc.property(inputs, fc.integer({ min: 2, max: 250 }), (events, capacity) => {
      const window = new TimingWindow(capacity);
      for (const e of events) window.push(e);
      const expected = reference(events, capacity);
      const s = window.summary;
      assert.deepEqual([...s.gapCounts], [...expected.gapCounts]);
      assert.deepEqual([...s.jumpCounts], [...expected.jumpCounts]);
      assert.deepEqual([...s.pairSums], [...expected.pairSums]);
      assert.deepEqual([...s.pairCells], [...expected.pairCells]);
      assert.deepEqual([...s.afterEnterCounts], [...expected.afterEnterCounts]);
      assert.equal(s.escapes, expected.escapes);
      assert.equal(s.pauses, expected.pauses);
      assert.equal(s.inputs, expected.inputs);
      assert.equal(window.size, Math.min(capacity, events.length));
      assert.equal(window.total, events.length);
    }),
    { numRuns: 300 },
  );
});

Deno.test("A histogram quantile lies within one bin of the sample quantile", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 0, max: 9.999, noNaN: true }), { minLength: 1, maxLength: 300 }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      (values, q) => {
        const counts = new Float64Array(100);
        for (const v of values) counts[Math.floor(v * 10)]!++;
        const sorted = [...values].sort((a, b) => a - b);
        const got = histogramQuantile(counts, q, 0, 10);
        // The sample quantile by the "lower" rule and by the "upper" rule bracket the target.
        const lower = sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)]!;
        assert.ok(
          got >= Math.floor(lower * 10) / 10 - 1e-9 &&
            got <= Math.floor(lower * 10) / 10 + 0.1 + 1e-9,
          `${got} is not in the bin of ${lower}`,
        );
      },
    ),
  );
});

/** Slow reference: Pearson's correlation of explicit pairs, two passes. */
function pearson(pairs: readonly [number, number][]): number {
  const n = pairs.length;
  const mx = pairs.reduce((a, p) => a + p[0], 0) / n;
  const my = pairs.reduce((a, p) => a + p[1], 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (const [x, y] of pairs) {
    sxy += (x - mx) * (y - my);
    sxx += (x - mx) ** 2;
    syy += (y - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

Deno.test("The pair correlation from running sums equals Pearson's correlation of the pairs", () => {
  const bin = fc.integer({ min: 0, max: GAP_BINS - 1 });
  fc.assert(
    fc.property(fc.array(fc.tuple(bin, bin), { minLength: 0, maxLength: 300 }), (pairs) => {
      const sums = [0, 0, 0, 0, 0];
      for (const [x, y] of pairs) [x, y, x * x, y * y, x * y].forEach((v, k) => sums[k]! += v);
      const got = pairCorrelation(pairs.length, sums);
      const expected = pairs.length >= 3 ? pearson(pairs) : NaN;
      if (!Number.isFinite(expected)) {
        assert.ok(Number.isNaN(got), `${got} for ${JSON.stringify(pairs)}`);
      } else {
        assert.ok(Math.abs(got - expected) < 1e-9, `${got} vs ${expected}`);
      }
    }),
    { numRuns: 500 },
  );
});

Deno.test("Alternating fast and slow keys: negative pair correlation, and the grid sees only switches", () => {
  const w = new TimingWindow(200);
  let t = 0;
  for (let i = 0; i < 200; i++) {
    w.push({ t: t += i % 2 === 0 ? 80 + (i % 5) : 400 + (i % 7), bytes: 1 });
  }
  const features = timingFeatures(w.summary);
  const at = (name: string) => features[FEATURE_NAMES.indexOf(name)]!;
  assert.ok(at("gap_lag1_correlation") < -0.9, `${at("gap_lag1_correlation")}`);
  assert.equal(at("pair_fast_fast_share_sqrt"), 0);
  assert.equal(at("pair_slow_slow_share_sqrt"), 0);
  const switches = at("pair_fast_slow_share_sqrt") ** 2 + at("pair_slow_fast_share_sqrt") ** 2;
  assert.ok(Math.abs(switches - 1) < 1e-12, `${switches}`);
  // Slow runs then fast runs: slow keys follow slow keys.
  const runs = new TimingWindow(200);
  t = 0;
  for (let i = 0; i < 200; i++) {
    runs.push({ t: t += Math.floor(i / 10) % 2 === 0 ? 80 : 400, bytes: 1 });
  }
  const r = timingFeatures(runs.summary)[FEATURE_NAMES.indexOf("gap_lag1_correlation")]!;
  assert.ok(r > 0.7, `${r}`);
});

Deno.test("An empty histogram has no quantile, and features say so with NaN", () => {
  assert.ok(Number.isNaN(histogramQuantile(new Float64Array(4), 0.5, 0, 1)));
  const features = timingFeatures(new TimingWindow(10).summary);
  assert.equal(features.length, FEATURE_COUNT);
  assert.ok(features.every(Number.isNaN));
});

Deno.test("Features follow the typing: slower typing, higher gap quantiles; arrows raise the escape share", () => {
  const typed = (gapMs: number, bytes: number) => {
    const w = new TimingWindow(200);
    for (let i = 0; i < 200; i++) w.push({ t: i * gapMs + (i % 3) * 7, bytes });
    return timingFeatures(w.summary);
  };
  const fast = typed(120, 1);
  const slow = typed(300, 1);
  assert.ok(slow[0]! > fast[0]! + 0.3, `${slow[0]} vs ${fast[0]}`);
  const escape = FEATURE_NAMES.indexOf("escape_share_sqrt");
  assert.equal(fast[escape], 0);
  assert.equal(typed(120, 3)[escape], 1);
});

Deno.test("A timing window refuses a capacity below 2", () => {
  assert.throws(() => new TimingWindow(1), /Cannot create a timing window: capacity/);
});

const AFTER_ENTER = FEATURE_NAMES.indexOf("after_enter_gap_median");

Deno.test("The running after-Enter median lies in the bin of the median of the window's after-Enter gaps", () => {
  const width = (GAP_LOG_MAX - GAP_LOG_MIN) / GAP_BINS;
  fc.assert(
    fc.property(inputs, fc.integer({ min: 2, max: 250 }), (events, capacity) => {
      const window = new TimingWindow(capacity);
      for (const e of events) window.push(e);
      const got = timingFeatures(window.summary)[AFTER_ENTER]!;
      // Slow reference: the gaps after an Enter among the last `capacity` inputs, sorted.
      const gaps: number[] = [];
      for (let i = Math.max(1, events.length - capacity); i < events.length; i++) {
        if (events[i - 1]!.shape === InputShape.ENTER) gaps.push(events[i]!.t - events[i - 1]!.t);
      }
      gaps.sort((a, b) => a - b);
      if (gaps.length === 0) {
        assert.ok(Number.isNaN(got), `${got} without any gap after Enter`);
        return;
      }
      // The lower median's bin: the first bin holding half of the gaps.
      const bin = gapBin(gaps[Math.ceil(gaps.length / 2) - 1]!);
      const low = GAP_LOG_MIN + bin * width;
      assert.ok(
        got >= low - 1e-9 && got <= low + width + 1e-9,
        `${got} is not in bin ${bin} of ${JSON.stringify(gaps)}`,
      );
    }),
    { numRuns: 500 },
  );
});

Deno.test("The after-Enter median is the pause before a new line, whatever the other gaps", () => {
  const typed = (pauseMs: number, shape: number | undefined) => {
    const w = new TimingWindow(200);
    let t = 0;
    for (let i = 0; i < 200; i++) {
      const lineEnd = i % 20 === 19;
      w.push({ t, bytes: 1, shape: lineEnd ? shape : InputShape.SINGLE });
      t += lineEnd ? pauseMs : 150 + (i % 4) * 20;
    }
    return timingFeatures(w.summary);
  };
  const quick = typed(600, InputShape.ENTER)[AFTER_ENTER]!;
  const slow = typed(2400, InputShape.ENTER)[AFTER_ENTER]!;
  assert.ok(Math.abs(quick - Math.log10(600)) <= 0.025, `${quick}`);
  assert.ok(Math.abs(slow - Math.log10(2400)) <= 0.025, `${slow}`);
  // Without shapes (an older trace) or without Enter, there is nothing to say.
  assert.ok(Number.isNaN(typed(600, undefined)[AFTER_ENTER]!));
  assert.ok(Number.isNaN(typed(600, InputShape.OTHER)[AFTER_ENTER]!));
});
