import assert from "node:assert/strict";
import fc from "fast-check";
import {
  fitImpostorModel,
  impostorDistance,
  type ImpostorModel,
} from "../../src/profile/impostor_model.ts";
import { DEFAULT_IMPOSTOR_MODEL } from "../../src/profile/default_model.ts";
import { FEATURE_COUNT } from "../../src/profile/timing_window.ts";
import { loadParticipantTyping } from "../../tools/sessions/human_sessions.ts";
import { runImpostorEvaluation } from "../../tools/impostor_evaluation.ts";
import { humanDataBlocker, skipOrFail } from "../support/gate.ts";

const unit: ImpostorModel = {
  withinSd: new Array(FEATURE_COUNT).fill(0.1),
  populationMean: new Array(FEATURE_COUNT).fill(0),
  populationSd: new Array(FEATURE_COUNT).fill(1),
  bound: 0,
  falseAlertRate: 0.01,
};

Deno.test("For a given window, the distance grows as the profile mean moves away from it", () => {
  const vector = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), {
    minLength: FEATURE_COUNT,
    maxLength: FEATURE_COUNT,
  });
  const step = fc.double({ min: 0.01, max: 2, noNaN: true });
  fc.assert(fc.property(vector, step, fc.boolean(), (window, size, up) => {
    const sign = up ? 1 : -1;
    const near = window.map((x) => x + sign * size / 10);
    const far = window.map((x) => x + sign * size);
    assert.ok(impostorDistance(window, window, unit) < impostorDistance(near, window, unit));
    assert.ok(impostorDistance(near, window, unit) < impostorDistance(far, window, unit));
  }));
});

Deno.test("Matching an unusual typist is stronger evidence than matching a typical one", () => {
  const typical = new Array(FEATURE_COUNT).fill(0);
  const unusual = new Array(FEATURE_COUNT).fill(2.5);
  assert.ok(impostorDistance(unusual, unusual, unit) < impostorDistance(typical, typical, unit));
});

Deno.test("Features missing on either side are skipped; none usable gives NaN", () => {
  const mean = new Array(FEATURE_COUNT).fill(0);
  const window = new Array(FEATURE_COUNT).fill(NaN);
  assert.ok(Number.isNaN(impostorDistance(mean, window, unit)));
  window[0] = 0.5;
  const t = Math.sqrt(1 + 0.01);
  const expected = 0.5 * (0.5 / 0.1) ** 2 + Math.log(0.1) - 0.5 * (0.5 / t) ** 2 - Math.log(t);
  assert.ok(Math.abs(impostorDistance(mean, window, unit) - expected) < 1e-12);
});

Deno.test("Fitting recovers the within and population spreads and puts the bound at the rate", () => {
  let seed = 7;
  const normal = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const u = (seed + 1) / 2147483649;
    seed = (seed * 1103515245 + 12345) % 2147483648;
    const v = (seed + 1) / 2147483649;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const samples = Array.from({ length: 4000 }, () => {
    const profileMean = Array.from({ length: FEATURE_COUNT }, () => 3 + 0.5 * normal());
    return { profileMean, probe: profileMean.map((m) => m + 0.05 * normal()) };
  });
  const model = fitImpostorModel(samples, 0.05);
  for (let f = 0; f < FEATURE_COUNT; f++) {
    assert.ok(Math.abs(model.withinSd[f]! - 0.05) < 0.005, `within ${model.withinSd[f]}`);
    assert.ok(Math.abs(model.populationSd[f]! - 0.5) < 0.03, `population ${model.populationSd[f]}`);
    assert.ok(Math.abs(model.populationMean[f]! - 3) < 0.05);
  }
  const beyond = samples.filter((s) =>
    impostorDistance(s.profileMean, s.probe, model) > model.bound
  );
  assert.ok(Math.abs(beyond.length / samples.length - 0.05) < 0.002, `${beyond.length}`);
  assert.throws(() => fitImpostorModel(samples.slice(0, 1), 0.01), /need at least 2 people/);
});

const SHIPPED_MODEL =
  "The shipped model is what calibration fits, and beats the naive baseline on held-out people";

Deno.test({
  name: SHIPPED_MODEL,
  ignore: skipOrFail(SHIPPED_MODEL, humanDataBlocker()),
}, async () => {
  const result = await runImpostorEvaluation({ typing: await loadParticipantTyping({}) });
  const fitted = result.model;
  const close = (a: readonly number[], b: readonly number[]) =>
    a.every((x, i) => Math.abs(x - b[i]!) <= 1e-4 * Math.max(1, Math.abs(b[i]!)));
  assert.ok(close(DEFAULT_IMPOSTOR_MODEL.withinSd, fitted.withinSd), "withinSd drifted");
  assert.ok(close(DEFAULT_IMPOSTOR_MODEL.populationMean, fitted.populationMean));
  assert.ok(close(DEFAULT_IMPOSTOR_MODEL.populationSd, fitted.populationSd));
  assert.ok(Math.abs(DEFAULT_IMPOSTOR_MODEL.bound - fitted.bound) <= 1e-4);
  for (const variant of ["plain", "openssh", "jittered"]) {
    const ours = result.heldOut.find((r) => r.name === variant)!;
    const naive = result.baseline.find((r) => r.name === `${variant}, held-out`)!;
    assert.ok(
      ours.eerPercent < naive.eerPercent,
      `${variant}: ${ours.eerPercent} ≥ ${naive.eerPercent}`,
    );
  }
});
