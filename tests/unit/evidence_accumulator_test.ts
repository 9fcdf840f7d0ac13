import assert from "node:assert/strict";
import fc from "fast-check";
import {
  BULK_CAP_MULTIPLE,
  EVENNESS_CAP_MULTIPLE,
  EvidenceAccumulator,
  KEY_CLIP_NATS,
  KEY_RELIEF_NATS,
  TYPING_WINDOW,
} from "../../src/score/evidence_accumulator.ts";

const levels = { typing: 40, bulk: 12, keySpread: 0.5, keyBimodality: 0.8 };

/** The channels recomputed from the whole history, the slow way. */
function reference(inputs: { llr: number; bulk: boolean }[]) {
  const keys = inputs.filter((i) => !i.bulk).map((i) =>
    Math.max(-KEY_CLIP_NATS, Math.min(KEY_CLIP_NATS, i.llr))
  );
  const typing = keys.slice(-TYPING_WINDOW).reduce((sum, x) => sum + x, 0);
  let bulk = 0;
  for (const input of inputs) {
    bulk = input.bulk
      ? Math.min(Math.max(bulk + input.llr, 0), BULK_CAP_MULTIPLE * levels.bulk)
      : Math.max(bulk - KEY_RELIEF_NATS, 0);
  }
  return { typing, bulk };
}

Deno.test("typing is the clipped sum of the last keys; bulk a relieved, capped CUSUM (against a slow reference)", () => {
  const input = fc.record({
    llr: fc.double({ min: -20, max: 20, noNaN: true }),
    bulk: fc.boolean(),
  });
  fc.assert(
    fc.property(fc.array(input, { maxLength: 200 }), (inputs) => {
      const evidence = new EvidenceAccumulator();
      for (const { llr, bulk } of inputs) evidence.add(llr, bulk, levels);
      const expected = reference(inputs);
      // Each key is kept in single precision: at most 6 × 2^-24 off, per key in the window.
      const keptError = TYPING_WINDOW * KEY_CLIP_NATS * 2 ** -24;
      assert.ok(
        Math.abs(evidence.typing - expected.typing) <= keptError,
        `${evidence.typing} vs ${expected.typing}`,
      );
      assert.ok(
        Math.abs(evidence.bulk - expected.bulk) < 1e-9,
        `${evidence.bulk} vs ${expected.bulk}`,
      );
      const level = Math.max(
        Math.max(expected.typing, 0) / levels.typing,
        expected.bulk / levels.bulk,
      );
      assert.ok(Math.abs(evidence.level(levels) - level) <= keptError / levels.typing + 1e-12);
    }),
  );
});

Deno.test("a key's evidence leaves the typing window after TYPING_WINDOW keys", () => {
  const evidence = new EvidenceAccumulator();
  evidence.add(5, false, levels);
  for (let i = 1; i < TYPING_WINDOW; i++) evidence.add(0, false, levels);
  assert.equal(evidence.typing, 5);
  evidence.add(0, false, levels);
  assert.equal(evidence.typing, 0);
});

Deno.test("evenness is the key spread's level over the spread, capped; silent until measured", () => {
  const evidence = new EvidenceAccumulator();
  const spread = (octaves: number) => evidence.setKeyGaps(octaves, Number.NaN);
  assert.equal(evidence.level(levels), 0);
  spread(Number.NaN);
  assert.equal(evidence.level(levels), 0);
  spread(2 * levels.keySpread);
  assert.equal(evidence.level(levels), 0.5);
  spread(levels.keySpread);
  assert.equal(evidence.level(levels), 1);
  spread(levels.keySpread / 3);
  assert.equal(evidence.level(levels), EVENNESS_CAP_MULTIPLE);
  spread(0);
  assert.equal(evidence.level(levels), EVENNESS_CAP_MULTIPLE);
  // The strongest channel counts: typing beyond the cap wins.
  for (let i = 0; i < 20; i++) evidence.add(6, false, levels);
  assert.equal(evidence.level(levels), 120 / levels.typing);
});

Deno.test("an evenness level of 0 never alerts and leaves the other channels their say", () => {
  const evidence = new EvidenceAccumulator();
  const unmeasured = { ...levels, keySpread: 0 };
  evidence.setKeyGaps(0, Number.NaN);
  assert.equal(evidence.level(unmeasured), 0);
  for (let i = 0; i < 20; i++) evidence.add(6, false, unmeasured);
  assert.equal(evidence.level(unmeasured), 120 / levels.typing);
});

Deno.test("bimodality is the key gaps' coefficient over its level; silent until measured", () => {
  const evidence = new EvidenceAccumulator();
  // A person's spread, so that only bimodality can speak.
  const wide = 4 * levels.keySpread;
  evidence.setKeyGaps(wide, Number.NaN);
  assert.equal(evidence.level(levels), levels.keySpread / wide);
  evidence.setKeyGaps(wide, levels.keyBimodality / 2);
  assert.equal(evidence.level(levels), 0.5);
  evidence.setKeyGaps(wide, levels.keyBimodality);
  assert.equal(evidence.level(levels), 1);
  evidence.setKeyGaps(wide, 1);
  assert.equal(evidence.level(levels), 1 / levels.keyBimodality);
});
