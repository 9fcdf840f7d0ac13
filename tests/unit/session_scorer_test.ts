import assert from "node:assert/strict";
import fc from "fast-check";
import {
  AUTOMATION_CLASSES,
  generateAutomationSession,
  HUMAN_HABITS,
  spliceHabit,
  syntheticHumanTyping,
} from "../../tools/sessions/automation_sessions.ts";
import type { InputEvent } from "../../tools/sessions/human_sessions.ts";
import {
  DEFAULT_SCORER_CONFIG,
  finiteScore,
  NON_FINITE_SCORE,
  SessionScorer,
} from "../../src/score/session_scorer.ts";

function maxScore(events: readonly InputEvent[]): number {
  const scorer = new SessionScorer();
  let max = 0;
  for (const e of events) max = Math.max(max, scorer.observe(e.t, "in", e.bytes));
  return max;
}

Deno.test("score stays in [0, 1] for any event stream", () => {
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
  });
  fc.assert(
    fc.property(fc.array(event, { maxLength: 300 }), (events) => {
      const scorer = new SessionScorer();
      let t = 0;
      for (const e of events) {
        t += e.gap;
        const score = scorer.observe(t, e.dir, e.bytes);
        assert.ok(score >= 0 && score <= 1, `score ${score}`);
        for (const [name, value] of Object.entries(scorer.features())) {
          assert.ok(Number.isFinite(value), `${name} is ${value}`);
        }
      }
    }),
  );
});

Deno.test("equal timestamps score as a machine, not as NaN", () => {
  const scorer = new SessionScorer();
  let score = 0;
  for (let i = 0; i < 30; i++) score = scorer.observe(1000, "in", 1);
  assert.equal(score, 1);
});

Deno.test("score is 0 until minInputs inputs, and output alone never scores", () => {
  const scorer = new SessionScorer();
  for (let i = 0; i < 100; i++) scorer.observe(i * 10, "out", 1);
  assert.equal(scorer.score, 0);
  for (let i = 1; i < DEFAULT_SCORER_CONFIG.minInputs; i++) {
    assert.equal(scorer.observe(i * 50, "in", 1), 0);
  }
  assert.ok(scorer.observe(DEFAULT_SCORER_CONFIG.minInputs * 50, "in", 1) > 0.72);
  assert.equal(scorer.features().outputs, 100);
});

Deno.test("every automation class reaches 0.72 within 40 inputs", () => {
  for (const kind of AUTOMATION_CLASSES) {
    for (let seed = 1; seed <= 50; seed++) {
      const { events } = generateAutomationSession(kind, { seed, inputs: 40 });
      assert.ok(maxScore(events) >= 0.72, `${kind} seed ${seed}`);
    }
  }
});

Deno.test("synthetic human typing, alone or with human habits, stays below 0.72", () => {
  for (let seed = 1; seed <= 30; seed++) {
    const human = syntheticHumanTyping({ inputs: 300, seed });
    assert.ok(maxScore(human) < 0.72, `human seed ${seed}`);
    for (const habit of HUMAN_HABITS) {
      const spliced = spliceHabit(human, habit, { at: 100, seed });
      assert.ok(maxScore(spliced) < 0.72, `${habit} seed ${seed}`);
    }
  }
});

Deno.test("a non-finite score becomes the documented value", () => {
  assert.equal(finiteScore(Number.NaN), NON_FINITE_SCORE);
  assert.equal(finiteScore(Infinity), NON_FINITE_SCORE);
  assert.equal(finiteScore(1.5), 1);
  assert.equal(finiteScore(-0.5), 0);
  assert.equal(finiteScore(0.3), 0.3);
});
