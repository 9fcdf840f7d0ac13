import assert from "node:assert/strict";
import { TYPING_WINDOW } from "../../src/score/evidence_accumulator.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import { ScoringEngine } from "../../src/score/scoring_engine.ts";
import { scoreOfLevel } from "../../src/score/session_scorer.ts";
import { syntheticTyping } from "../support/synthetic_typing.ts";

function feed(engine: ScoringEngine, session: string, gaps: number[], t0 = 0) {
  let t = t0;
  return gaps.map((gap) => {
    t += gap;
    return engine.observe({ t, session, dir: "in", bytes: 1 });
  });
}

/** Whole command lines on an exact period, each answered by the shell's output. */
function lineBot(engine: ScoringEngine, session: string, lines: number, t0 = 0) {
  const verdicts = [];
  for (let i = 0; i < lines; i++) {
    const t = t0 + i * 4000;
    verdicts.push(engine.observe({ t, session, dir: "in", bytes: 24, shape: InputShape.ENTER }));
    engine.observe({ t: t + 30, session, dir: "out", bytes: 200 });
  }
  return verdicts;
}

Deno.test("lines on an exact period alert once, within 5 inputs, with the features behind it", () => {
  const engine = new ScoringEngine({ maxSessions: 10 });
  const verdicts = lineBot(engine, "pts/1", 30);
  const alerts = verdicts.filter((v) => v.alert);
  assert.equal(alerts.length, 1);
  const first = verdicts.findIndex((v) => v.alert);
  assert.ok(first >= 1 && first < 5, `first alert at input ${first + 1}`);
  const features = alerts[0]!.features!;
  assert.equal(features.inputs, first + 1);
  assert.equal(features.last_gesture, "bulk_again");
  assert.ok(features.bulk_evidence_nats >= features.bulk_level_nats);
  assert.equal(
    alerts[0]!.score,
    scoreOfLevel(features.bulk_evidence_nats / features.bulk_level_nats),
  );
});

Deno.test("an alert re-arms after the score falls below threshold - margin", () => {
  const engine = new ScoringEngine({ maxSessions: 10 });
  const first = lineBot(engine, "s", 10).filter((v) => v.alert).length;
  // A person typing for a while relieves the evidence of lines.
  let t = 40_000;
  let score = 1;
  for (const e of syntheticTyping(200, 3)) {
    t += e.gap;
    score = engine.observe({ t, session: "s", dir: "in", bytes: 1, shape: InputShape.SINGLE })
      .score;
  }
  assert.ok(score < 0.52, `score ${score}`);
  const second = lineBot(engine, "s", 10, t + 1000).filter((v) => v.alert).length;
  assert.equal(first + second, 2);
});

Deno.test("sessions are bounded: the least recently active is evicted", () => {
  const engine = new ScoringEngine({ maxSessions: 2 });
  feed(engine, "a", [10, 10]);
  feed(engine, "b", [10, 10]);
  feed(engine, "a", [10], 100); // a is now more recent than b
  feed(engine, "c", [10]);
  assert.equal(engine.sessionCount, 2);
  assert.equal(engine.evictions, 1);
  // b was evicted: it starts over with one input.
  feed(engine, "b", [10], 200);
  assert.equal(engine.evictions, 2);
  const a = engine.observe({ t: 300, session: "a", dir: "in", bytes: 1 });
  assert.equal(a.session, "a");
  assert.equal(engine.evictions, 3);
});

Deno.test("engine rejects a bad threshold or session bound", () => {
  assert.throws(
    () => new ScoringEngine({ maxSessions: 1, threshold: 1.5 }),
    /threshold must be a number from 0 to 1, got 1.5/,
  );
  assert.throws(
    () => new ScoringEngine({ maxSessions: 0 }),
    /maxSessions must be an integer ≥ 1, got 0/,
  );
});

Deno.test("state size estimate covers the typing window", () => {
  const engine = new ScoringEngine({ maxSessions: 1 });
  // The window's float32 evidence alone is 128 bytes.
  assert.ok(engine.stateBytesPerSession > TYPING_WINDOW * 4);
});
