import assert from "node:assert/strict";
import { generateAutomationSession } from "../../tools/sessions/automation_sessions.ts";
import { ScoringEngine } from "../../src/score/scoring_engine.ts";

function feed(engine: ScoringEngine, session: string, gaps: number[], t0 = 0) {
  let t = t0;
  return gaps.map((gap) => {
    t += gap;
    return engine.observe({ t, session, dir: "in", bytes: 1 });
  });
}

Deno.test("a regular session alerts once, with its features", () => {
  const engine = new ScoringEngine({ maxSessions: 10 });
  const verdicts = feed(engine, "pts/1", Array(100).fill(50));
  const alerts = verdicts.filter((v) => v.alert);
  assert.equal(alerts.length, 1);
  assert.equal(verdicts.findIndex((v) => v.alert), 19);
  assert.ok(alerts[0]!.features !== undefined);
  assert.equal(alerts[0]!.features!.inputs, 20);
  assert.equal(alerts[0]!.score, alerts[0]!.features!.cadence_score);
});

Deno.test("an alert re-arms after the score falls below threshold - margin", () => {
  const engine = new ScoringEngine({ maxSessions: 10 });
  const { events } = generateAutomationSession("fixed-delay", {
    seed: 3,
    inputs: 60,
  });
  let t = 0;
  let alerts = 0;
  for (const e of events) {
    t = e.t;
    if (engine.observe({ t, session: "s", dir: "in", bytes: 1 }).alert) alerts++;
  }
  // Human-like, widely spread gaps bring the score down and re-arm.
  let score = 1;
  for (let i = 0; i < 64; i++) {
    t += [80, 2000, 300, 150, 900, 40][i % 6]!;
    score = engine.observe({ t, session: "s", dir: "in", bytes: 1 }).score;
  }
  assert.ok(score < 0.52, `score ${score}`);
  for (const e of events) {
    if (
      engine.observe({ t: t + e.t, session: "s", dir: "in", bytes: 1 }).alert
    ) alerts++;
  }
  assert.equal(alerts, 2);
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

Deno.test("state size estimate covers the windows", () => {
  const engine = new ScoringEngine({ maxSessions: 1 });
  // 64 float64 log deltas alone are 512 bytes.
  assert.ok(engine.stateBytesPerSession > 512);
});
