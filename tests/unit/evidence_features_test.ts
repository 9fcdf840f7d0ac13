import assert from "node:assert/strict";
import fc from "fast-check";
import {
  binOf,
  type EvidenceCells,
  EvidenceFeatures,
  gapOctave,
  HELD_DELAY_MS,
  LONG_RUN_HORIZON,
  LONG_RUN_MIN_GAPS,
  SKEW_EDGES,
  SKEW_MIN_GAPS,
  SKEW_PERCENTILES,
  SKEW_RANGE_EDGES,
  SKIPPED,
  SPREAD_EDGES,
  SPREAD_MIN_GAPS,
  SPREAD_SPEED_EDGES_MS,
  SPREAD_WEIGHT,
} from "../../src/score/evidence_features.ts";
import { Gesture, gestureOf } from "../../src/score/gesture.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import { HorizonMoments } from "../../src/stats/horizon_moments.ts";
import { RunningSkew } from "../../src/stats/running_skew.ts";

function cells(): EvidenceCells {
  return { tempo: 0, regularity: 0, reaction: 0, spread: 0, skew: 0, gesture: Gesture.KEY };
}

Deno.test("binOf and gapOctave match slow references", () => {
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 1e7, noNaN: true }),
      fc.array(fc.double({ min: 0, max: 1e6, noNaN: true }), { maxLength: 8 }),
      (value, raw) => {
        const edges = [...raw].sort((a, b) => a - b);
        assert.equal(binOf(value, edges), edges.filter((e) => value >= e).length);
        // Octave k (1–17) starts at 2^(k − 2) ms.
        let octave = 0;
        for (let k = 1; k <= 17; k++) if (value >= 2 ** (k - 2)) octave = k;
        assert.equal(gapOctave(value), octave);
      },
    ),
  );
});

Deno.test("the spread cell follows an exponentially weighted sd computed the slow way", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: 1, max: 2500, noNaN: true }), { minLength: 1, maxLength: 60 }),
      (gaps) => {
        const features = new EvidenceFeatures();
        const out = cells();
        // Enter alone is never a held key nor bulk: every gap counts.
        let t = 0;
        features.input(t, 1, InputShape.ENTER, out);
        for (const gap of gaps) {
          t += gap;
          features.input(t, 1, InputShape.ENTER, out);
        }
        if (gaps.length < SPREAD_MIN_GAPS) {
          assert.equal(out.spread, 0);
          return;
        }
        // Weight of gap i among n: (1 − w)^(n − 1) for the first, w (1 − w)^(n − 1 − i) after.
        const logs = gaps.map((g) => Math.log2(g));
        const n = logs.length;
        const weight = (i: number) =>
          (i === 0 ? 1 : SPREAD_WEIGHT) * (1 - SPREAD_WEIGHT) ** (n - 1 - i);
        const mean = logs.reduce((sum, x, i) => sum + weight(i) * x, 0);
        const sd = Math.sqrt(logs.reduce((sum, x, i) => sum + weight(i) * (x - mean) ** 2, 0));
        const typical = 2 ** mean;
        const nearEdge = SPREAD_EDGES.some((e) => Math.abs(sd - e) < 1e-9) ||
          SPREAD_SPEED_EDGES_MS.some((e) => Math.abs(typical - e) < 1e-6);
        if (nearEdge) return;
        const expected = 1 + binOf(sd, SPREAD_EDGES) * (SPREAD_SPEED_EDGES_MS.length + 1) +
          binOf(typical, SPREAD_SPEED_EDGES_MS);
        assert.equal(out.spread, expected, `sd ${sd}, typical ${typical} ms`);
      },
    ),
  );
});

Deno.test("the skew cell follows running percentiles of the gaps within lines only", () => {
  const key = fc.record({
    // From 120 ms no gap is a held key's repeat; 3 s and more is a pause.
    gap: fc.double({ min: 120, max: 4000, noNaN: true }),
    enter: fc.boolean(),
    line: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(key, { minLength: 1, maxLength: 120 }), (keys) => {
      const features = new EvidenceFeatures();
      const out = cells();
      const reference = new RunningSkew(SKEW_PERCENTILES);
      let t = 0;
      features.input(t, 1, InputShape.SINGLE, out);
      let previous: "key" | "enter" | "line" = "key";
      for (const { gap, enter, line } of keys) {
        t += gap;
        const kind = line ? "line" : enter ? "enter" : "key";
        features.input(t, line ? 20 : 1, enter || line ? InputShape.ENTER : InputShape.SINGLE, out);
        if (kind === "key" && previous === "key" && gap < 3000) reference.push(Math.log2(gap));
        previous = kind;
        if (kind === "line" || reference.count < SKEW_MIN_GAPS) {
          assert.equal(out.skew, 0);
          continue;
        }
        const nearEdge = SKEW_EDGES.some((e) => Math.abs(reference.skew - e) < 1e-9) ||
          SKEW_RANGE_EDGES.some((e) => Math.abs(reference.range - e) < 1e-9);
        if (nearEdge) continue;
        assert.equal(
          out.skew,
          1 + binOf(reference.skew, SKEW_EDGES) * (SKEW_RANGE_EDGES.length + 1) +
            binOf(reference.range, SKEW_RANGE_EDGES),
        );
      }
    }),
  );
});

Deno.test("the long-run key spread and bimodality take the key gaps within lines only, from LONG_RUN_MIN_GAPS on", () => {
  const key = fc.record({
    // From 120 ms no gap is a held key's repeat; 3 s and more is a pause.
    gap: fc.double({ min: 120, max: 4000, noNaN: true }),
    kind: fc.constantFrom("key", "key", "key", "key", "enter", "line"),
  });
  fc.assert(
    fc.property(fc.array(key, { minLength: 1, maxLength: 2 * LONG_RUN_HORIZON }), (keys) => {
      const features = new EvidenceFeatures();
      const out = cells();
      const reference = new HorizonMoments(LONG_RUN_HORIZON);
      let t = 0;
      features.input(t, 1, InputShape.SINGLE, out);
      let previous = "key";
      for (const { gap, kind } of keys) {
        t += gap;
        const shape = kind === "key" ? InputShape.SINGLE : InputShape.ENTER;
        features.input(t, kind === "line" ? 20 : 1, shape, out);
        if (kind === "key" && previous === "key" && gap < 3000) reference.push(Math.log2(gap));
        previous = kind;
        if (reference.count < LONG_RUN_MIN_GAPS) {
          assert.ok(Number.isNaN(features.keySpread) && Number.isNaN(features.keyBimodality));
          continue;
        }
        const expected = Math.sqrt(reference.variance);
        assert.ok(
          Math.abs(features.keySpread - expected) < 1e-9,
          `${features.keySpread} vs ${expected}`,
        );
        assert.ok(Math.abs(features.keyBimodality - reference.bimodality) < 1e-9);
      }
    }),
    { numRuns: 60 },
  );
});

Deno.test("a held key's repeats leave the long-run key spread alone", () => {
  // Fixed fractions in [0, 1): key gaps of 120–360 ms, no randomness in a unit test.
  const keyGaps = Array.from(
    { length: LONG_RUN_MIN_GAPS },
    (_, i) => 120 + 240 * ((i * 0.6180339887) % 1),
  );
  const features = new EvidenceFeatures();
  const out = cells();
  let t = 0;
  features.input(t, 1, InputShape.SINGLE, out);
  for (const gap of keyGaps) features.input(t += gap, 1, InputShape.SINGLE, out);
  // Held: a 500 ms repeat delay, then 60 repeats at 30 Hz.
  features.input(t += 500, 1, InputShape.SINGLE, out);
  for (let i = 0; i < 60; i++) features.input(t += 33, 1, InputShape.SINGLE, out);
  assert.equal(out.tempo, SKIPPED);
  // Only the key gaps and the repeat delay entered: from the second repeat on, a run is known.
  const reference = new HorizonMoments(LONG_RUN_HORIZON);
  for (const gap of [...keyGaps, 500]) reference.push(Math.log2(gap));
  assert.ok(Math.abs(features.keySpread - Math.sqrt(reference.variance)) < 1e-9);
});

Deno.test("a program drawing uniform delays gets a low skew cell, a right-skewed typist a high one", () => {
  const skewBin = (delay: (i: number) => number) => {
    const features = new EvidenceFeatures();
    const out = cells();
    let t = 0;
    for (let i = 0; i < 400; i++) {
      t += delay(i);
      features.input(t, 1, InputShape.SINGLE, out);
    }
    return Math.floor((out.skew - 1) / (SKEW_RANGE_EDGES.length + 1));
  };
  // A fixed sequence of fractions in [0, 1): no randomness in a unit test.
  const u = (i: number) => (i * 0.6180339887) % 1;
  const zero = SKEW_EDGES.indexOf(0);
  assert.ok(skewBin((i) => 150 * (0.2 + 1.6 * u(i))) <= zero - 1, "uniform 30–270 ms");
  assert.ok(skewBin((i) => 150 * 2 ** (u(i) ** 3 * 3)) > zero, "150 ms with a long slow tail");
});

Deno.test("a held key's repeats are skipped; the same keys without a repeat delay are not", () => {
  fc.assert(
    fc.property(
      fc.double({ min: HELD_DELAY_MS[0], max: HELD_DELAY_MS[1], noNaN: true }),
      fc.double({ min: 20, max: 100, noNaN: true }),
      fc.integer({ min: 5, max: 200 }),
      fc.constantFrom(InputShape.SINGLE, InputShape.ESCAPE),
      (delay, period, repeats, shape) => {
        const bytes = shape === InputShape.ESCAPE ? 3 : 1;
        const held = new EvidenceFeatures();
        const out = cells();
        held.input(0, bytes, shape, out); // the press
        let t = delay;
        held.input(t, bytes, shape, out); // first repeat
        let skipped = 0;
        for (let i = 0; i < repeats; i++) {
          t += period;
          held.input(t, bytes, shape, out);
          if (out.tempo === SKIPPED) skipped++;
        }
        assert.equal(skipped, repeats);
        assert.equal(held.heldRuns, 1);
        // Enter at the same beat ends the run and is scored.
        held.input(t + period, 1, InputShape.ENTER, out);
        assert.notEqual(out.tempo, SKIPPED);
        const steady = new EvidenceFeatures();
        t = 0;
        for (let i = 0; i < repeats + 2; i++, t += period) {
          steady.input(t, bytes, shape, out);
          assert.notEqual(out.tempo, SKIPPED);
        }
      },
    ),
  );
});

/**
 * Feeds keys at times `ts` and returns which of them were skipped as held
 * repeats; a chunk's shape is `shape`, else a single byte or other.
 */
function skippedKeys(
  ts: readonly number[],
  bytesAt: (i: number) => number = () => 1,
  shape?: InputShape,
): boolean[] {
  const features = new EvidenceFeatures();
  const out = cells();
  return ts.map((t, i) => {
    const bytes = bytesAt(i);
    features.input(t, bytes, shape ?? (bytes === 1 ? InputShape.SINGLE : InputShape.OTHER), out);
    return out.tempo === SKIPPED;
  });
}

Deno.test("a held key through a 20 ms clock stays one run, two repeats in one chunk included", () => {
  // 30 Hz autorepeat seen through OpenSSH's clock: gaps of 20 and 40 ms, a
  // beat of 33 ms only on average; repeats 12 and 13 arrive as one chunk.
  const repeats = Array.from({ length: 40 }, (_, i) => 500 + (i * 100) / 3);
  const arrivals = [0, ...repeats].map((t) => Math.ceil(t / 20) * 20);
  arrivals.splice(13, 1);
  const skipped = skippedKeys(arrivals, (i) => i === 13 ? 2 : 1);
  // The press and the first repeat (after the repeat delay) are scored.
  assert.deepEqual(skipped.slice(0, 2), [false, false]);
  assert.ok(skipped.slice(2).every((s) => s), `scored: ${skipped.indexOf(false, 2)}`);
});

Deno.test("a run's beat is its mean period so far, not its first gap", () => {
  // Backspace held at about 39 ms: the repeat after the first one came
  // late (62 ms), the next early (16 ms), then the network held back 8
  // repeats and delivered them as one chunk 223 ms later: 6 beats of the
  // mean (39 ms) within 11 ms, but 25 ms off 4 beats of the first gap.
  const skipped = skippedKeys([0, 500, 562, 578, 801], (i) => i === 4 ? 8 : 1);
  assert.deepEqual(skipped, [false, false, true, true, true]);
});

Deno.test("a broken run resumes only at the input that broke it", () => {
  // A 40 ms "run" after a 300 ms "repeat delay", then a 125 ms draw off the
  // beat: a program drawing its delays at random, not a held key.
  const skipped = skippedKeys([0, 300, 340, 380, 505, 545, 585]);
  assert.deepEqual(skipped, [false, false, true, true, false, false, false]);
  // A repeat off the beat, but in the period band, resumes the run at once.
  assert.deepEqual(skippedKeys([0, 300, 340, 380, 395, 435]), [
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
});

Deno.test("a network stall in a held key: a paste-sized chunk of its repeats goes on with the run", () => {
  // 30 Hz Backspace; the link stalls for 400 ms and sshd writes the 12
  // repeats it held back as one 12-byte chunk, then the repeats go on.
  const times = [0, 500, ...Array.from({ length: 10 }, (_, i) => 533 + i * 33)];
  const stallEnd = times.at(-1)! + 12 * 33;
  times.push(stallEnd, ...Array.from({ length: 10 }, (_, i) => stallEnd + 33 * (i + 1)));
  const chunk = times.indexOf(stallEnd);
  const skipped = skippedKeys(times, (i) => i === chunk ? 12 : 1);
  assert.deepEqual(skipped.slice(0, 2), [false, false]);
  assert.ok(skipped.slice(2).every((s) => s), `scored: ${skipped.indexOf(false, 2)}`);
});

Deno.test("a run's period counts the repeats its chunks carry, not the chunks", () => {
  // 30 Hz Backspace; a stall delivers 11 repeats as one chunk, a shorter one 5 as another.
  // Over chunks the period would be 63 ms and the 5 repeats 165 ms later off its beat.
  const times = [0, 500, ...Array.from({ length: 10 }, (_, i) => 533 + i * 33)];
  const stall = times.at(-1)! + 11 * 33;
  const shortStall = stall + 5 * 33;
  times.push(stall, shortStall, ...Array.from({ length: 5 }, (_, i) => shortStall + 33 * (i + 1)));
  const bytes = (i: number) => times[i] === stall ? 11 : times[i] === shortStall ? 5 : 1;
  const skipped = skippedKeys(times, bytes);
  assert.ok(skipped.slice(2).every((s) => s), `scored: ${skipped.indexOf(false, 2)}`);
});

Deno.test("a paste is a stall's repeats only when it took as long as they did, and never starts a run", () => {
  // 30 Hz repeats, then 40 bytes two beats later: a paste, not 40 repeats.
  const times = [0, 500, ...Array.from({ length: 10 }, (_, i) => 533 + i * 33)];
  times.push(times.at(-1)! + 66);
  const skipped = skippedKeys(times, (i) => i === times.length - 1 ? 40 : 1);
  assert.deepEqual(skipped.slice(2, -1), Array(10).fill(true));
  assert.equal(skipped.at(-1), false);
  // A key after a pause, then a paste 60 ms later: the repeat delay and a
  // period, but a paste is not a key's first repeat.
  assert.deepEqual(skippedKeys([0, 500, 560], (i) => i === 2 ? 12 : 1), [false, false, false]);
});

Deno.test("a first repeat squeezed against the key by network jitter still starts the run", () => {
  // The key after a pause, the first repeat 528 ms later, the second one
  // delayed by the network until 2 ms behind it, then the 33 ms beat.
  const times = [0, 528, 530, ...Array.from({ length: 20 }, (_, i) => 563 + i * 33)];
  const skipped = skippedKeys(times);
  assert.deepEqual(skipped.slice(0, 3), [false, false, false]);
  assert.ok(skipped.slice(3).every((s) => s), `scored: ${skipped.indexOf(false, 3)}`);
  // Not from a squeezed gap after anything but the repeat delay.
  assert.ok(!skippedKeys([0, 1000, 1002, 1035, 1068]).some((s) => s));
});

Deno.test("a run's period is its time over its repeats, so network jitter does not shorten it", () => {
  // 33 ms repeats, each other one 17 ms late: gaps of 50 and 16 ms. Counted
  // in beats rounded from the gaps the mean period fell to 22 ms and the
  // 6 repeats later delivered as one chunk (6 × 33 ms) fell off its beat.
  const times = [0, 500];
  for (let i = 0; i < 20; i++) times.push(times.at(-1)! + (i % 2 === 0 ? 50 : 16));
  times.push(times.at(-1)! + 6 * 33, times.at(-1)! + 6 * 33 + 33);
  const skipped = skippedKeys(times, (i) => i === times.length - 2 ? 6 : 1);
  assert.ok(skipped.slice(2).every((s) => s), `scored: ${skipped.indexOf(false, 2)}`);
});

Deno.test("a repeat more than 20 ms off the run's beat breaks it", () => {
  // A 100 ms period, then 125 ms: one beat and 25 ms late (past the period band, so no resume).
  assert.deepEqual(skippedKeys([0, 400, 500, 600, 725, 825]), [
    false,
    false,
    true,
    true,
    false,
    false,
  ]);
  assert.deepEqual(skippedKeys([0, 400, 500, 600, 715, 815]), [
    false,
    false,
    true,
    true,
    true,
    true,
  ]);
});

Deno.test("a held arrow's beat is counted in arrows, not in bytes", () => {
  // Each repeat is a 3-byte escape sequence; a 10 Hz beat, then a repeat
  // 40 ms late breaks the run as it would for a one-byte key. Two arrows in
  // one chunk (6 bytes) two beats later go on with it.
  const late = skippedKeys([0, 500, 600, 700, 800, 940], () => 3, InputShape.ESCAPE);
  assert.deepEqual(late, [false, false, true, true, true, false]);
  const twoInOne = skippedKeys(
    [0, 500, 600, 700, 800, 1000],
    (i) => i === 5 ? 6 : 3,
    InputShape.ESCAPE,
  );
  assert.deepEqual(twoInOne, [false, false, true, true, true, true]);
});

Deno.test("reaction: a line right after the prompt is told from typing after an echo", () => {
  const features = new EvidenceFeatures();
  const typed = cells();
  features.input(0, 1, InputShape.SINGLE, typed);
  features.output(0.1, 1); // echo
  features.input(180, 1, InputShape.SINGLE, typed);
  const answered = cells();
  features.output(5000, 300); // command output and prompt
  features.input(5002, 20, InputShape.ENTER, answered);
  assert.notEqual(typed.reaction, answered.reaction);
  assert.ok(typed.reaction > 0 && answered.reaction > 0);
  const silent = cells();
  features.input(9000, 1, InputShape.SINGLE, silent);
  assert.equal(silent.reaction, 0);
});

Deno.test("gestures: shapes and sizes, and bulk after bulk", () => {
  assert.equal(gestureOf(InputShape.SINGLE, 1, undefined), Gesture.KEY);
  assert.equal(gestureOf(InputShape.ENTER, 1, undefined), Gesture.ENTER);
  assert.equal(gestureOf(InputShape.ENTER, 20, Gesture.KEY), Gesture.LINE);
  assert.equal(gestureOf(InputShape.ENTER, 20, Gesture.LINE), Gesture.BULK_AGAIN);
  assert.equal(gestureOf(InputShape.OTHER, 300, Gesture.BULK_AGAIN), Gesture.BULK_AGAIN);
  assert.equal(gestureOf(InputShape.OTHER, 3, undefined), Gesture.CHUNK);
  assert.equal(gestureOf(InputShape.UNKNOWN, 1, undefined), Gesture.KEY);
  assert.equal(gestureOf(InputShape.UNKNOWN, 40, undefined), Gesture.PASTE);
  assert.equal(gestureOf(InputShape.ESCAPE, 3, undefined), Gesture.ESCAPE);
  assert.equal(gestureOf(InputShape.UTF8, 2, undefined), Gesture.UTF8);
});
