import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type JitterDecision,
  JitterPolicy,
  type JitterPolicyOptions,
} from "../../src/response/jitter_policy.ts";
import { Xoshiro128 } from "../../src/response/xoshiro128.ts";
import { DEFAULT_CONFIG } from "../../src/config/defaults.ts";

/** A uniform source that always returns `u`: every delay is −ln(1 − u)/λ. */
function constant(u: number) {
  return { nextFloat: () => u };
}

function policy(options: Partial<JitterPolicyOptions> = {}): JitterPolicy {
  return new JitterPolicy({
    rng: new Xoshiro128(Uint32Array.of(1, 2, 3, 4)),
    posterior: { forgetting: 1 },
    ...options,
  });
}

function kinds(decisions: JitterDecision[]): string[] {
  return decisions.map((d) => d.kind);
}

/** Feeds inputs at the given times (ms) and returns every decision. */
function inputs(
  target: JitterPolicy,
  session: string,
  times: number[],
): JitterDecision[] {
  return times.flatMap((t) => target.onEvent(session, { t, dir: "in", bytes: 1 }));
}

function every(start: number, stepMs: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => start + i * stepMs);
}

Deno.test("a session below the threshold is never jittered", () => {
  const p = policy();
  const decisions = [
    ...inputs(p, "pts/1", every(0, 100, 20)),
    ...p.onScore("pts/1", 2000, 0.71),
    ...inputs(p, "pts/1", every(2100, 100, 20)),
  ];
  assert.deepEqual(decisions, []);
  assert.equal(p.lambdaOf("pts/1"), undefined);
});

Deno.test("crossing the threshold starts jitter with the posterior mean λ", () => {
  const p = policy();
  inputs(p, "pts/1", every(0, 100, 20));
  const [start, ...rest] = p.onScore("pts/1", 1900, 0.9);
  // Prior Gamma(2, 0.4) plus 19 residuals of 0.1 s.
  const lambda = (2 + 19) / (0.4 + 1.9);
  assert.deepEqual(rest, []);
  assert.ok(start?.kind === "jitter-start");
  assert.deepEqual(
    [start.session, start.t, start.score, start.lambdaScaled],
    ["pts/1", 1900, 0.9, Math.round(lambda * 1000)],
  );
  assert.ok(Math.abs(start.lambda - lambda) < 1e-12);
  assert.equal(p.lambdaOf("pts/1"), start.lambda);
});

Deno.test("each input of a jittered session gets its inverse-transform delay", () => {
  const u = 0.6;
  const p = policy({ rng: constant(u) });
  inputs(p, "pts/1", every(0, 100, 20));
  p.onScore("pts/1", 1900, 0.8);
  const lambda = p.lambdaOf("pts/1")!;
  const delay = -Math.log(1 - u) / lambda;
  const [first] = p.onEvent("pts/1", { t: 2000, dir: "in", bytes: 1 });
  assert.deepEqual(first, {
    kind: "delay",
    session: "pts/1",
    t: 2000,
    seconds: delay,
    lambda,
  });
  assert.deepEqual(p.onEvent("pts/1", { t: 2001, dir: "out", bytes: 1 }), []);
});

Deno.test("a draw past the cap is cut to the cap, by default the config's max_delay_ms", () => {
  // u this close to 1 draws −ln(10⁻⁹)/λ ≈ 20.7/λ s, far past any cap here.
  const u = 1 - 1e-9;
  for (
    const [options, cap] of [
      [{ maxDelaySeconds: 0.25 }, 0.25],
      [{}, DEFAULT_CONFIG.max_delay_ms / 1000],
    ] as const
  ) {
    const p = policy({ rng: constant(u), ...options });
    inputs(p, "pts/1", every(0, 100, 20));
    p.onScore("pts/1", 1900, 0.8);
    assert.ok(-Math.log(1 - u) / p.lambdaOf("pts/1")! > cap);
    const [delay] = p.onEvent("pts/1", { t: 2000, dir: "in", bytes: 1 });
    assert.ok(delay?.kind === "delay");
    assert.equal(delay.seconds, cap);
  }
});

Deno.test("a session that waits out each delay keeps its λ", () => {
  const u = 0.5;
  const p = policy({ rng: constant(u) });
  inputs(p, "pts/1", every(0, 100, 40));
  p.onScore("pts/1", 3900, 0.8);
  const lambda = p.lambdaOf("pts/1")!;
  const delayMs = -Math.log(1 - u) / lambda * 1000;
  // The next input arrives the injected delay plus the usual 100 ms later.
  const decisions = inputs(p, "pts/1", every(4000, delayMs + 100, 40));
  assert.equal(kinds(decisions).filter((k) => k === "delay").length, 40);
  assert.ok(!kinds(decisions).includes("lambda-changed"));
  assert.ok(!kinds(decisions).includes("disclosure-confirmed"));
  assert.equal(p.negativeResiduals, 0);
});

Deno.test("λ changes are reported when the residual tempo moves by more than 25 %", () => {
  const p = policy({ rng: constant(0.5), posterior: {} });
  inputs(p, "pts/1", every(0, 200, 40));
  p.onScore("pts/1", 7800, 0.8);
  const before = p.lambdaOf("pts/1")!;
  // The session now sends every 50 ms on top of the delay: with the default
  // forgetting λ rises toward (2 + 50) / (0.4 + 50 × 0.05) ≈ 18/s.
  let t = 8000;
  const decisions: JitterDecision[] = [];
  for (let i = 0; i < 150; i++) {
    const out = p.onEvent("pts/1", { t, dir: "in", bytes: 1 });
    decisions.push(...out);
    const delay = out.find((d) => d.kind === "delay");
    t += (delay?.kind === "delay" ? delay.seconds * 1000 : 0) + 50;
  }
  const changes = decisions.filter((d) => d.kind === "lambda-changed");
  assert.ok(changes.length >= 1);
  for (const change of changes) {
    if (change.kind !== "lambda-changed") continue;
    assert.ok(change.relativeChange > 0.25);
    assert.equal(change.lambdaScaled, Math.round(change.lambda * 1000));
  }
  const after = p.lambdaOf("pts/1")!;
  // After 150 inputs the estimate is near 17.5/s; the committed λ trails it
  // by at most 25 %, so it is at least about 14/s.
  assert.ok(before < 6 && after > 13, `λ went from ${before} to ${after}`);
  // Delays after a change use the committed λ.
  const lastChange = changes.at(-1);
  const lastDelay = decisions.findLast((d) => d.kind === "delay");
  if (lastChange?.kind === "lambda-changed" && lastDelay?.kind === "delay") {
    assert.equal(lastDelay.lambda, lastChange.lambda);
  }
});

Deno.test("an out-of-bounds λ is clamped with a warning decision, never silently", () => {
  const p = policy();
  inputs(p, "pts/2", every(0, 5, 100));
  const decisions = p.onScore("pts/2", 500, 1);
  assert.deepEqual(kinds(decisions), ["lambda-clamped", "jitter-start"]);
  const [clamped, start] = decisions;
  assert.ok(clamped?.kind === "lambda-clamped");
  assert.equal(clamped.warning.session, "pts/2");
  assert.equal(clamped.warning.bound, "upper");
  assert.equal(clamped.warning.lambda_clamped, 50);
  assert.ok(clamped.warning.lambda_unclamped > 50);
  assert.ok(start?.kind === "jitter-start");
  assert.equal(start.lambda, 50);
  assert.equal(start.lambdaScaled, 50_000);
});

Deno.test("a session that does not wait for its delays has its residuals floored", () => {
  const p = policy({ rng: constant(0.9) });
  inputs(p, "pts/3", every(0, 200, 20));
  p.onScore("pts/3", 3800, 0.8);
  // Inputs keep coming every 200 ms although each delay is ~0.5 s.
  const decisions = inputs(p, "pts/3", every(4000, 200, 10));
  assert.ok(p.negativeResiduals >= 9);
  assert.equal(decisions.filter((d) => d.kind === "delay").length, 10);
});

Deno.test("jitter stops after enough consecutive scores below the release level", () => {
  const p = policy({ releaseUpdates: 3 });
  inputs(p, "pts/1", every(0, 100, 10));
  p.onScore("pts/1", 1000, 0.8);
  assert.deepEqual(p.onScore("pts/1", 1001, 0.4), []);
  assert.deepEqual(p.onScore("pts/1", 1002, 0.4), []);
  // A score between release level and threshold resets the count.
  assert.deepEqual(p.onScore("pts/1", 1003, 0.6), []);
  assert.deepEqual(p.onScore("pts/1", 1004, 0.4), []);
  assert.deepEqual(p.onScore("pts/1", 1005, 0.4), []);
  assert.deepEqual(p.onScore("pts/1", 1006, 0.4), [
    { kind: "jitter-stop", session: "pts/1", t: 1006, reason: "score-released" },
  ]);
  assert.deepEqual(inputs(p, "pts/1", [1100, 1200]), []);
  // It can start again.
  assert.deepEqual(kinds(p.onScore("pts/1", 1300, 0.75)), ["jitter-start"]);
});

Deno.test("jitter stops when the session ends or goes idle", () => {
  const p = policy({ idleTimeoutMs: 1000 });
  for (const session of ["pts/1", "pts/2", "pts/3"]) {
    inputs(p, session, [0, 100]);
    p.onScore(session, 100, 0.9);
  }
  inputs(p, "pts/3", [2000]);
  assert.deepEqual(p.onSessionEnd("pts/1", 500), [
    { kind: "jitter-stop", session: "pts/1", t: 500, reason: "ended" },
  ]);
  assert.deepEqual(p.onTick(1500), [
    { kind: "jitter-stop", session: "pts/2", t: 1500, reason: "idle" },
  ]);
  assert.equal(p.sessionCount, 1);
  assert.notEqual(p.lambdaOf("pts/3"), undefined);
  assert.deepEqual(p.onSessionEnd("pts/3", 2100, "evicted"), [
    { kind: "jitter-stop", session: "pts/3", t: 2100, reason: "evicted" },
  ]);
  assert.equal(p.sessionCount, 0);
});

Deno.test("the oldest session is evicted past maxSessions, and counted", () => {
  const p = policy({ maxSessions: 2 });
  inputs(p, "pts/1", [0, 100]);
  p.onScore("pts/1", 100, 0.9);
  inputs(p, "pts/2", [200]);
  inputs(p, "pts/1", [300]);
  // pts/2 is now the least recently active.
  assert.deepEqual(inputs(p, "pts/3", [400]), []);
  assert.equal(p.evictions, 1);
  const decisions = inputs(p, "pts/4", [500]);
  assert.deepEqual(decisions, [
    { kind: "jitter-stop", session: "pts/1", t: 500, reason: "evicted" },
  ]);
  assert.equal(p.evictions, 2);
  assert.equal(p.sessionCount, 2);
});

/** Log-normal think times around `medianMs`. */
function humanGaps(seed: number) {
  const rng = new Xoshiro128(Uint32Array.of(seed, 3, 5, 7));
  return (medianMs: number): number => {
    const u = 1 - rng.nextFloat();
    const v = rng.nextFloat();
    const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    return medianMs * Math.exp(0.4 * normal);
  };
}

/**
 * Runs a session that, once jittered, waits out each delay and then pauses
 * `postMedianMs` (log-normal) before its next input.
 */
function reactingSession(seed: number, postMedianMs: number) {
  const p = policy({ rng: new Xoshiro128(Uint32Array.of(seed, 9, 9, 9)) });
  const gap = humanGaps(seed);
  let t = 0;
  for (let i = 0; i < 60; i++) {
    p.onEvent("pts/5", { t, dir: "in", bytes: 1 });
    t += gap(200);
  }
  const start = p.onScore("pts/5", t, 0.95);
  const decisions: JitterDecision[] = [...start];
  for (let i = 0; i < 60; i++) {
    const out = p.onEvent("pts/5", { t, dir: "in", bytes: 1 });
    decisions.push(...out);
    const delay = out.find((d) => d.kind === "delay");
    t += (delay?.kind === "delay" ? delay.seconds * 1000 : 0) +
      gap(postMedianMs);
  }
  return decisions;
}

Deno.test("a session that reacts to the delay is confirmed within 3–7 cycles", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const decisions = reactingSession(seed, 800);
    const verdicts = decisions.filter((d) => d.kind.startsWith("disclosure"));
    assert.equal(verdicts.length, 1, `seed ${seed}`);
    const [verdict] = verdicts;
    assert.ok(verdict?.kind === "disclosure-confirmed", `seed ${seed}`);
    assert.ok(verdict.evidence.cycles >= 3 && verdict.evidence.cycles <= 7);
    assert.ok(verdict.evidence.tempoRatio > 1.5);
  }
});

Deno.test("a session that keeps its tempo under jitter is not confirmed", () => {
  for (let seed = 1; seed <= 10; seed++) {
    const verdicts = reactingSession(seed, 200).filter((d) => d.kind.startsWith("disclosure"));
    assert.equal(verdicts.length, 1, `seed ${seed}`);
    assert.equal(verdicts[0]?.kind, "disclosure-not-observed", `seed ${seed}`);
  }
});

Deno.test("delays come only between a start and a stop, within the cap, and reach it", () => {
  const CAP_SECONDS = 0.5;
  // Weighted so that sessions do jitter: most scores cross the threshold and
  // most events are inputs, seconds apart, so λ is low and many draws
  // exceed the cap.
  const operation = fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        op: fc.constant("event" as const),
        session: fc.constantFrom("a", "b", "c", "d"),
        gap: fc.integer({ min: 0, max: 3000 }),
        dir: fc.constantFrom("in" as const, "in" as const, "in" as const, "out" as const),
      }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        op: fc.constant("score" as const),
        session: fc.constantFrom("a", "b", "c", "d"),
        gap: fc.integer({ min: 0, max: 100 }),
        score: fc.oneof(
          fc.double({ min: 0.72, max: 1, noNaN: true }),
          fc.double({ min: 0, max: 1, noNaN: true }),
        ),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("end" as const),
        session: fc.constantFrom("a", "b", "c", "d"),
        gap: fc.constant(0),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        op: fc.constant("tick" as const),
        session: fc.constant(""),
        gap: fc.integer({ min: 0, max: 5000 }),
      }),
    },
  );
  let starts = 0;
  let delays = 0;
  let atCap = 0;
  fc.assert(
    fc.property(fc.array(operation, { minLength: 100, maxLength: 300 }), (operations) => {
      const p = policy({
        maxSessions: 3,
        idleTimeoutMs: 4000,
        maxDelaySeconds: CAP_SECONDS,
        releaseUpdates: 2,
      });
      const jittering = new Set<string>();
      let t = 0;
      for (const operation of operations) {
        t += operation.gap;
        const decisions = operation.op === "event"
          ? p.onEvent(operation.session, { t, dir: operation.dir, bytes: 1 })
          : operation.op === "score"
          ? p.onScore(operation.session, t, operation.score)
          : operation.op === "end"
          ? p.onSessionEnd(operation.session, t)
          : p.onTick(t);
        for (const decision of decisions) {
          assert.equal(decision.t, t);
          if (decision.kind === "jitter-start") {
            assert.ok(!jittering.has(decision.session));
            assert.ok(decision.lambda >= 0.1 && decision.lambda <= 50);
            jittering.add(decision.session);
            starts++;
          } else if (decision.kind === "jitter-stop") {
            assert.ok(jittering.delete(decision.session));
          } else if (decision.kind === "delay") {
            assert.ok(jittering.has(decision.session));
            assert.ok(
              decision.seconds >= 0 && decision.seconds <= CAP_SECONDS,
              `delay ${decision.seconds} s over the ${CAP_SECONDS} s cap`,
            );
            delays++;
            if (decision.seconds === CAP_SECONDS) atCap++;
          }
        }
        assert.ok(p.sessionCount <= 3);
      }
    }),
    { numRuns: 100 },
  );
  // What the runs exercised: here about 1,600 starts, 1,350 delays and 230 at the cap.
  assert.ok(starts >= 800, `${starts} jitter starts`);
  assert.ok(delays >= 600, `${delays} delays`);
  assert.ok(atCap >= 100, `${atCap} delays at the cap`);
});

Deno.test("the policy rejects bad scores, times and options", () => {
  const p = policy();
  assert.throws(() => p.onScore("pts/1", 0, 1.5), RangeError);
  assert.throws(() => p.onScore("pts/1", 0, NaN), RangeError);
  assert.throws(() => p.onTick(NaN), RangeError);
  assert.throws(() => policy({ releaseLevel: 0.8, threshold: 0.7 }));
  assert.throws(() => policy({ maxSessions: 0 }), RangeError);
  assert.throws(() => policy({ maxDelaySeconds: 0 }), RangeError);
  assert.throws(() => policy({ posterior: { alpha0: 0 } }), RangeError);
  assert.throws(() => policy({ disclosure: { minCycles: 9 } }), RangeError);
});

/**
 * A bot on a fixed 300 ms clock, jittered after 60 inputs, that never waits
 * for its delays; `held` says whether the probe could stop its writer.
 */
function fixedClockBot(appliesDelays: boolean, held?: boolean): JitterDecision[] {
  const p = policy({ appliesDelays, rng: new Xoshiro128(Uint32Array.of(4, 3, 2, 1)) });
  const gap = humanGaps(11);
  let t = 0;
  const decisions: JitterDecision[] = [];
  for (let i = 0; i < 60; i++) {
    decisions.push(...p.onEvent("pts/6", { t, dir: "in", bytes: 8 }));
    t += gap(300);
  }
  decisions.push(...p.onScore("pts/6", t, 0.95));
  for (let i = 0; i < 60; i++) {
    decisions.push(...p.onEvent("pts/6", { t, dir: "in", bytes: 8, held }));
    t += gap(300);
  }
  return decisions;
}

Deno.test("a dry run subtracts no delay it did not apply: an unchanged tempo is not confirmed", () => {
  const verdicts = (applies: boolean) =>
    kinds(fixedClockBot(applies)).filter((kind) => kind.startsWith("disclosure"));
  // Live, the delays were injected: residuals net of them shrink (the bot
  // did not wait), which is evidence. Dry, nothing was injected.
  assert.deepEqual(verdicts(true), ["disclosure-confirmed"]);
  assert.deepEqual(verdicts(false), ["disclosure-not-observed"]);
  assert.equal(
    kinds(fixedClockBot(false)).filter((kind) => kind === "delay").length,
    60,
    "a dry run still draws every delay",
  );
});

Deno.test("live, an input whose writer was not stopped subtracts no delay", () => {
  const verdicts = (held: boolean) =>
    kinds(fixedClockBot(true, held)).filter((kind) => kind.startsWith("disclosure"));
  assert.deepEqual(verdicts(true), ["disclosure-confirmed"]);
  assert.deepEqual(verdicts(false), ["disclosure-not-observed"]);
});
