import assert from "node:assert/strict";
import { decisionEffects } from "../../src/pipeline/decision_effects.ts";
import type { JitterDecision } from "../../src/response/jitter_policy.ts";

const CONTEXT = { key: (136 << 20) | 3, writerTid: 4242, dryRun: false, now: new Date(0) };

function actionOf(decision: JitterDecision, dryRun = false) {
  const { alert } = decisionEffects(decision, { ...CONTEXT, dryRun });
  return alert === undefined ? undefined : {
    action: (alert.event as { action: string }).action,
    ghostHunter: alert.ghost_hunter,
  };
}

Deno.test("decision effects: jitter start holds the decision's terminal by its key, and alerts", () => {
  const decision: JitterDecision = {
    kind: "jitter-start",
    session: "pts/3",
    t: 1000,
    score: 0.9,
    lambda: 2,
    lambdaScaled: 2000,
  };
  const effects = decisionEffects(decision, CONTEXT);
  assert.deepEqual(effects.command, {
    type: "hold",
    session: "pts/3",
    sessionKey: CONTEXT.key,
    lambdaScaled: 2000,
  });
  assert.deepEqual(actionOf(decision, true), {
    action: "ghost-hunter-jitter-start",
    ghostHunter: {
      session: "pts/3",
      score: 0.9,
      lambda: 2,
      lambdaScaled: 2000,
      trace_t_ms: 1000,
      dry_run: true,
    },
  });
});

Deno.test("decision effects: a delay releases its input its drawn delay after it, and is logged", () => {
  const decision: JitterDecision = {
    kind: "delay",
    session: "pts/3",
    t: 1000,
    seconds: 0.25,
    lambda: 4,
  };
  const effects = decisionEffects(decision, CONTEXT);
  assert.deepEqual(effects.command, {
    type: "release-at",
    session: "pts/3",
    inputMs: 1000,
    atMs: 1250,
    writerTid: 4242,
  });
  assert.equal(effects.alert, undefined);
  assert.equal(effects.log?.message, "Delay drawn");
});

Deno.test("decision effects: λ changes and stops reach the writer and alert; verdicts alert or log", () => {
  const changed: JitterDecision = {
    kind: "lambda-changed",
    session: "pts/3",
    t: 5,
    lambda: 3,
    lambdaScaled: 3000,
    previousLambda: 2,
    relativeChange: 0.5,
  };
  assert.deepEqual(decisionEffects(changed, CONTEXT).command, {
    type: "lambda",
    session: "pts/3",
    lambdaScaled: 3000,
  });
  assert.equal(actionOf(changed)?.action, "ghost-hunter-lambda-changed");
  const stop: JitterDecision = { kind: "jitter-stop", session: "pts/3", t: 9, reason: "ended" };
  assert.deepEqual(decisionEffects(stop, CONTEXT).command, { type: "stop", session: "pts/3" });
  assert.equal((actionOf(stop)?.ghostHunter as { reason: string }).reason, "ended");
  const notObserved: JitterDecision = {
    kind: "disclosure-not-observed",
    session: "pts/3",
    t: 9,
    reason: "no-significant-change",
    cycles: 7,
  };
  assert.deepEqual(decisionEffects(notObserved, CONTEXT).alert, undefined);
  assert.equal(decisionEffects(notObserved, CONTEXT).log?.level, "info");
  assert.equal(decisionEffects(notObserved, CONTEXT).command, undefined);
});
