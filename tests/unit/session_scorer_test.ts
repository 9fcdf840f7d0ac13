import assert from "node:assert/strict";
import fc from "fast-check";
import { InputShape } from "../../src/score/input_shape.ts";
import { levelOfScore, scoreOfLevel, SessionScorer } from "../../src/score/session_scorer.ts";
import { type SeededRandom, seededRandom } from "../../tools/sessions/seeded_random.ts";
import { syntheticTyping } from "../support/synthetic_typing.ts";

/** Feeds person-like keys with readline's echo; returns the highest score. */
function typeAsPerson(scorer: SessionScorer, start: number, count: number, seed: number): number {
  let t = start;
  let max = 0;
  for (const { gap } of syntheticTyping(count, seed)) {
    t += gap;
    max = Math.max(max, scorer.observe(t, "in", 1, InputShape.SINGLE));
    scorer.observe(t + 0.1, "out", 1);
  }
  return max;
}

Deno.test("score stays in [0, 1) and features stay finite for any event stream", () => {
  const event = fc.record({
    gap: fc.oneof(
      fc.constant(0),
      fc.double({ min: 0, max: 1e4, noNaN: true }),
      fc.constantFrom(1e9, 1e15, Number.MAX_VALUE / 4),
      fc.double({ min: -1e3, max: 0, noNaN: true }),
    ),
    dir: fc.constantFrom("in" as const, "out" as const),
    bytes: fc.oneof(
      fc.integer({ min: 0, max: 8 }),
      fc.constantFrom(2 ** 31, Number.MAX_SAFE_INTEGER),
    ),
    shape: fc.integer({ min: 0, max: 5 }),
  });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 300 }), (events) => {
      const scorer = new SessionScorer();
      let t = 0;
      for (const e of events) {
        t += e.gap;
        const score = scorer.observe(t, e.dir, e.bytes, e.shape);
        assert.ok(score >= 0 && score < 1, `score ${score}`);
        for (const [name, value] of Object.entries(scorer.features())) {
          if (typeof value === "number") assert.ok(Number.isFinite(value), `${name} is ${value}`);
        }
      }
    }),
  );
});

Deno.test("scoreOfLevel is 1 − 0.28^level: 0.72 at the level, monotone, 0 without evidence", () => {
  assert.equal(scoreOfLevel(1), 0.72);
  assert.equal(scoreOfLevel(0), 0);
  assert.equal(scoreOfLevel(-3), 0);
  assert.equal(scoreOfLevel(Number.NaN), 0);
  fc.assert(
    fc.property(
      fc.double({ min: 0, max: 50, noNaN: true }),
      fc.double({ min: 0, max: 50, noNaN: true }),
      (a, b) => {
        const reference = (x: number) => x > 0 ? 1 - Math.exp(x * Math.log(0.28)) : 0;
        assert.ok(Math.abs(scoreOfLevel(a) - reference(a)) < 1e-12);
        if (a < b) assert.ok(scoreOfLevel(a) <= scoreOfLevel(b));
        assert.ok(scoreOfLevel(a) < 1 || a > 25);
      },
    ),
  );
});

Deno.test("levelOfScore inverts scoreOfLevel: 1 at the default threshold, rising with the score", () => {
  assert.equal(levelOfScore(0.72), 1);
  fc.assert(
    fc.property(
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      fc.double({ min: 0.01, max: 0.99, noNaN: true }),
      (a, b) => {
        assert.ok(Math.abs(scoreOfLevel(levelOfScore(a)) - a) < 1e-12);
        if (a < b) assert.ok(levelOfScore(a) <= levelOfScore(b));
      },
    ),
  );
});

Deno.test("output alone never scores", () => {
  const scorer = new SessionScorer();
  for (let i = 0; i < 500; i++) scorer.observe(i * 3, "out", 4096);
  assert.equal(scorer.score, 0);
  assert.equal(scorer.features().outputs, 500);
});

Deno.test("equal timestamps score as a machine, not as NaN", () => {
  const scorer = new SessionScorer();
  let score = 0;
  for (let i = 0; i < 60; i++) score = scorer.observe(1000, "in", 1, InputShape.SINGLE);
  assert.ok(score >= 0.72, `score ${score}`);
});

Deno.test("a fixed 120 ms cadence typing lines alerts within 40 keys; a person does not", () => {
  const bot = new SessionScorer();
  let first = -1;
  for (let i = 0; i < 200 && first < 0; i++) {
    const shape = i % 12 === 11 ? InputShape.ENTER : InputShape.SINGLE;
    if (bot.observe(1000 + i * 120, "in", 1, shape) >= 0.72) first = i + 1;
    bot.observe(1000 + i * 120 + 0.1, "out", 1);
  }
  assert.ok(first > 0 && first <= 40, `first alert at key ${first}`);
  for (let seed = 1; seed <= 20; seed++) {
    assert.ok(typeAsPerson(new SessionScorer(), 0, 400, seed) < 0.72, `person seed ${seed}`);
  }
});

/**
 * Types 300 keys (Enter every 12th, each echoed) with delays from `delay`
 * and returns the features at the first alert, if any.
 */
function firstAlertOf(delay: (random: SeededRandom) => number, seed: number) {
  const random = seededRandom(seed);
  const bot = new SessionScorer();
  let t = 0;
  for (let i = 0; i < 300; i++) {
    t += delay(random);
    const shape = i % 12 === 11 ? InputShape.ENTER : InputShape.SINGLE;
    if (bot.observe(t, "in", 1, shape) >= 0.72) return bot.features();
    bot.observe(t + 0.1, "out", 1);
  }
  return undefined;
}

Deno.test("a program drawing each delay from one lognormal law (CV 0.3) is caught by its evenness", () => {
  const lognormal = (random: SeededRandom) =>
    150 * Math.exp(
      0.3 * Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next()),
    );
  for (let seed = 1; seed <= 5; seed++) {
    const alert = firstAlertOf(lognormal, seed);
    assert.ok(alert !== undefined, `seed ${seed}: no alert`);
    // Key by key it passes for a person: the long-run spread is what gives it away.
    assert.ok(alert.typing_evidence_nats < alert.typing_level_nats, `seed ${seed}`);
    assert.ok(alert.key_spread_octaves !== null);
    assert.ok(alert.key_spread_octaves <= alert.key_spread_level_octaves, `seed ${seed}`);
  }
});

Deno.test("a program drawing each delay from two narrow modes (120 and 400 ms) is caught by its bimodality", () => {
  const twoModes = (random: SeededRandom) =>
    (random.next() < 0.3 ? 400 : 120) * random.uniform(0.9, 1.1);
  for (let seed = 1; seed <= 5; seed++) {
    const alert = firstAlertOf(twoModes, seed);
    assert.ok(alert !== undefined, `seed ${seed}: no alert`);
    // Key by key, and in its spread, it passes for a person: its two humps give it away.
    assert.ok(alert.typing_evidence_nats < alert.typing_level_nats, `seed ${seed}`);
    assert.ok(alert.key_spread_octaves! > alert.key_spread_level_octaves, `seed ${seed}`);
    assert.ok(alert.key_bimodality! >= alert.key_bimodality_level, `seed ${seed}`);
  }
});

Deno.test("a held Backspace (60 repeats at 30 Hz after 500 ms) is one gesture: skipped, not evidence", () => {
  const held = new SessionScorer();
  const plain = new SessionScorer();
  let t = 0;
  typeAsPerson(held, t, 50, 7);
  t = typeAsPerson(plain, t, 50, 7);
  const before = held.features();
  // Press, first repeat after the repeat delay, then 60 repeats.
  let at = 100_000;
  held.observe(at, "in", 1, InputShape.SINGLE);
  at += 500;
  for (let i = 0; i < 61; i++, at += 33.3) held.observe(at, "in", 1, InputShape.SINGLE);
  const after = held.features();
  assert.equal(after.held_key_runs, before.held_key_runs + 1);
  assert.ok(held.score < 0.72, `score ${held.score}`);
  // The same cadence without the repeat delay is a machine's.
  const machine = new SessionScorer();
  at = 0;
  for (let i = 0; i < 62; i++, at += 33.3) machine.observe(at, "in", 1, InputShape.SINGLE);
  assert.equal(machine.features().held_key_runs, 0);
  assert.ok(machine.score >= 0.72, `machine ${machine.score}`);
});

Deno.test("a 300-byte paste between typing does not alert; lines after lines do", () => {
  const scorer = new SessionScorer();
  let t = 0;
  typeAsPerson(scorer, t, 80, 11);
  t = 200_000;
  const score = scorer.observe(t, "in", 300, InputShape.ENTER);
  assert.ok(score < 0.72, `paste scored ${score}`);
  assert.equal(scorer.features().last_gesture, "line");
  let lines = 0;
  while (scorer.score < 0.72 && lines < 10) {
    t += 2000;
    scorer.observe(t, "in", 40, InputShape.ENTER);
    lines += 1;
  }
  assert.ok(lines <= 4, `${lines} more lines to alert`);
});

Deno.test("a v1 trace without shapes still scores (shape unknown)", () => {
  const scorer = new SessionScorer();
  let max = 0;
  for (let i = 0; i < 100; i++) max = Math.max(max, scorer.observe(i * 50, "in", 1));
  assert.ok(max >= 0.72);
  assert.equal(scorer.features().last_gesture, "key");
});

Deno.test("a non-finite time is refused before any state changes", () => {
  const scorer = new SessionScorer();
  scorer.observe(0, "in", 1);
  assert.throws(() => scorer.observe(Number.NaN, "in", 1), RangeError);
  assert.equal(scorer.inputs, 1);
});
