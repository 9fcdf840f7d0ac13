/**
 * The ScoringEngine under hostile event streams:
 * - any stream of finite events keeps every score in [0, 1], and the session
 *   table within `maxSessions`, evicting least recently active sessions and
 *   counting each eviction (checked against an LRU model);
 * - time going backwards within a session scores as a zero delta, as
 *   SessionScorer.observe documents;
 * - a session that vanishes (forgotten, or evicted) and reappears under the
 *   same name, as with pid or pty reuse, starts afresh: its verdicts equal a
 *   new engine's, and it can alert again;
 * - NaN and infinite byte counts score in [0, 1]; a non-finite `t` is either
 *   scored in [0, 1] or refused with a RangeError, never anything else, and
 *   other sessions are not affected.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { ScoringEngine, type Verdict } from "../../src/score/scoring_engine.ts";

interface EngineEvent {
  t: number;
  session: string;
  dir: "in" | "out";
  bytes: number;
}

const SESSION_NAMES = ["pts/0", "pts/1", "pts/2", "pts/3", "tty1", "ttyS0", "pts/9", "pts/10"];

const hostileEvent: fc.Arbitrary<EngineEvent> = fc.record({
  // Integers, so the zero-delta model below computes deltas exactly.
  t: fc.oneof(
    fc.integer({ min: -1_000_000, max: 1_000_000 }),
    fc.constantFrom(0, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER),
  ),
  session: fc.constantFrom(...SESSION_NAMES),
  dir: fc.constantFrom("in" as const, "out" as const),
  bytes: fc.oneof(fc.nat({ max: 8 }), fc.maxSafeNat()),
});

/** Regular 100 ms keystrokes: a machine cadence that alerts at the 20th input. */
function regularTyping(session: string, startMs: number, inputs: number): EngineEvent[] {
  return Array.from(
    { length: inputs },
    (_, i) => ({ t: startMs + 100 * i, session, dir: "in" as const, bytes: 1 }),
  );
}

function assertSoundVerdict(verdict: Verdict, event: EngineEvent, threshold: number): void {
  assert.equal(verdict.session, event.session);
  assert.ok(verdict.score >= 0 && verdict.score <= 1, `score ${verdict.score}`);
  if (verdict.alert) {
    assert.ok(verdict.score >= threshold, `alert at score ${verdict.score}`);
    assert.ok(verdict.features !== undefined, "an alert carries its features");
  }
}

Deno.test("fuzz: scores stay in [0, 1], sessions within maxSessions, evictions as an LRU model counts", () => {
  const step = fc.oneof(
    { weight: 9, arbitrary: hostileEvent },
    { weight: 1, arbitrary: fc.record({ forget: fc.constantFrom(...SESSION_NAMES) }) },
  );
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 5 }),
      fc.double({ min: 0, max: 1, noNaN: true }),
      fc.array(step, { maxLength: 300, size: "max" }),
      (maxSessions, threshold, steps) => {
        const engine = new ScoringEngine({ maxSessions, threshold });
        // Least recently active first.
        const lru: string[] = [];
        let evictions = 0;
        for (const s of steps) {
          if ("forget" in s) {
            engine.forget(s.forget);
            if (lru.includes(s.forget)) lru.splice(lru.indexOf(s.forget), 1);
          } else {
            assertSoundVerdict(engine.observe(s), s, threshold);
            if (lru.includes(s.session)) {
              lru.splice(lru.indexOf(s.session), 1);
            } else if (lru.length === maxSessions) {
              lru.shift();
              evictions += 1;
            }
            lru.push(s.session);
          }
          assert.ok(engine.sessionCount <= maxSessions);
          assert.equal(engine.sessionCount, lru.length);
          assert.equal(engine.evictions, evictions);
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("a flood of new sessions keeps the table at maxSessions and counts every eviction", () => {
  const maxSessions = 50;
  const engine = new ScoringEngine({ maxSessions });
  for (let i = 0; i < 10_000; i++) {
    engine.observe({ t: i, session: `pts/${i}`, dir: "in", bytes: 1 });
    assert.ok(engine.sessionCount <= maxSessions);
  }
  assert.equal(engine.sessionCount, maxSessions);
  assert.equal(engine.evictions, 10_000 - maxSessions);
});

Deno.test("fuzz: time going backwards within a session scores as a zero delta", () => {
  fc.assert(
    fc.property(
      // Small enough integers that the monotonic clock below stays exact.
      fc.array(
        hostileEvent.map((event) => ({ ...event, session: "pts/0", t: event.t % 1_000_000_000 })),
        {
          maxLength: 150,
          size: "max",
        },
      ),
      (mixed) => {
        // Inputs only: an input's reaction to output is timed against the
        // output's own clock, which this rewrite of input times would move.
        const events = mixed.filter((event) => event.dir === "in");
        // The same inputs on a clock that never goes back: each input's
        // delta is max(t − previous input's t, 0), as documented.
        let previousInputT: number | undefined;
        let monotonicT = 0;
        const monotonic = events.map((event) => {
          if (event.dir === "out") return event;
          monotonicT = previousInputT === undefined
            ? event.t
            : monotonicT + Math.max(event.t - previousInputT, 0);
          previousInputT = event.t;
          return { ...event, t: monotonicT };
        });
        const raw = new ScoringEngine({ maxSessions: 1 });
        const steady = new ScoringEngine({ maxSessions: 1 });
        assert.deepEqual(
          events.map((event) => raw.observe(event)),
          monotonic.map((event) => steady.observe(event)),
        );
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("fuzz: a session that vanishes and reappears (forgotten or evicted) starts afresh", () => {
  fc.assert(
    fc.property(
      fc.array(hostileEvent, { maxLength: 80, size: "max" }),
      fc.array(hostileEvent, { minLength: 1, maxLength: 80, size: "max" }),
      fc.boolean(),
      (before, after, evicted) => {
        const reused = "pts/0";
        const engine = new ScoringEngine({ maxSessions: 2 });
        for (const event of before) engine.observe({ ...event, session: reused });
        if (evicted) {
          engine.observe({ t: 0, session: "pts/1", dir: "in", bytes: 1 });
          engine.observe({ t: 0, session: "pts/2", dir: "in", bytes: 1 });
        } else {
          engine.forget(reused);
        }
        const fresh = new ScoringEngine({ maxSessions: 2 });
        for (const event of after) {
          const reappearing = { ...event, session: reused };
          assert.deepEqual(engine.observe(reappearing), fresh.observe(reappearing));
        }
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("an alerted session alerts again only after it vanishes and its name is reused", () => {
  const engine = new ScoringEngine({ maxSessions: 4 });
  const alerts = (events: EngineEvent[]) =>
    events.map((event) => engine.observe(event)).filter((verdict) => verdict.alert).length;
  assert.equal(alerts(regularTyping("pts/5", 0, 30)), 1);
  // Still above the threshold: the episode goes on, no second alert.
  assert.equal(alerts(regularTyping("pts/5", 3_000, 30)), 0);
  engine.forget("pts/5");
  // A new login on the same pty, with a clock reading earlier than before.
  assert.equal(alerts(regularTyping("pts/5", 1_000, 30)), 1);
});

Deno.test("NaN and infinite byte counts score in [0, 1]", () => {
  const engine = new ScoringEngine({ maxSessions: 4 });
  const hostileBytes = [Number.NaN, Infinity, -Infinity, -1, 0.5, Number.MAX_VALUE];
  for (let i = 0; i < 60; i++) {
    const event: EngineEvent = {
      t: 100 * i,
      session: "pts/6",
      dir: i % 3 === 0 ? "out" : "in",
      bytes: hostileBytes[i % hostileBytes.length]!,
    };
    assertSoundVerdict(engine.observe(event), event, engine.threshold);
  }
});

Deno.test("fuzz: a non-finite t is scored in [0, 1] or refused with a RangeError, and other sessions do not notice", () => {
  const nonFinite = fc.constantFrom(Number.NaN, Infinity, -Infinity);
  fc.assert(
    fc.property(
      fc.array(
        fc.record({
          t: fc.oneof(nonFinite, fc.integer({ min: 0, max: 100_000 })),
          dir: fc.constantFrom("in" as const, "out" as const),
        }),
        { maxLength: 60, size: "max" },
      ),
      (hostile) => {
        const engine = new ScoringEngine({ maxSessions: 4 });
        const bystander = new ScoringEngine({ maxSessions: 4 });
        hostile.forEach(({ t, dir }, i) => {
          const event: EngineEvent = { t, session: "pts/7", dir, bytes: 1 };
          try {
            assertSoundVerdict(engine.observe(event), event, engine.threshold);
          } catch (error) {
            assert.ok(error instanceof RangeError, `a RangeError, got ${error}`);
          }
          const typing = regularTyping("pts/8", 0, hostile.length)[i]!;
          assert.deepEqual(engine.observe(typing), bystander.observe(typing));
        });
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test({
  // Regression: a non-finite t used to be stored as the last input time
  // before the RangeError, so the session's next, valid event threw too.
  name: "after a refused non-finite t, the session's next valid event is scored",
  fn() {
    for (const hostile of [[Number.NaN], [Infinity, Infinity]]) {
      const engine = new ScoringEngine({ maxSessions: 1 });
      engine.observe({ t: 0, session: "pts/7", dir: "in", bytes: 1 });
      for (const t of hostile) {
        try {
          engine.observe({ t, session: "pts/7", dir: "in", bytes: 1 });
        } catch (error) {
          assert.ok(error instanceof RangeError);
        }
      }
      const verdict = engine.observe({ t: 10, session: "pts/7", dir: "in", bytes: 1 });
      assert.ok(verdict.score >= 0 && verdict.score <= 1);
    }
  },
});
