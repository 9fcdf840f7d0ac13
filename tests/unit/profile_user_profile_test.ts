import assert from "node:assert/strict";
import {
  emptyProfile,
  HALF_LIFE_INPUTS,
  isEnrolled,
  mergeSession,
  MIN_ENROL_INPUTS,
  MIN_ENROL_SESSIONS,
  recordImpostorAlert,
  SessionEnrolment,
  STRIDE_INPUTS,
  WINDOW_INPUTS,
} from "../../src/profile/user_profile.ts";
import { DEFAULT_IMPOSTOR_MODEL } from "../../src/profile/default_model.ts";
import { FEATURE_COUNT, FEATURE_NAMES } from "../../src/profile/timing_window.ts";
import { impostorDistance } from "../../src/profile/impostor_model.ts";
import { InputShape } from "../../src/score/input_shape.ts";

/** A session of `inputs` inputs typed at a steady `gapMs` with a little rhythm. */
function typed(inputs: number, gapMs: number): SessionEnrolment {
  const session = new SessionEnrolment();
  let t = 0;
  for (let i = 0; i < inputs; i++) {
    session.push({ t: t += gapMs + ((i * 37) % 5) * gapMs / 10, bytes: 1 });
  }
  return session;
}

const model = DEFAULT_IMPOSTOR_MODEL;

Deno.test("Enrolment sums one window every stride once the first window is full", () => {
  assert.equal(typed(WINDOW_INPUTS - 1, 150).windows, 0);
  assert.equal(typed(WINDOW_INPUTS, 150).windows, 1);
  assert.equal(typed(WINDOW_INPUTS + STRIDE_INPUTS - 1, 150).windows, 1);
  assert.equal(typed(WINDOW_INPUTS + 4 * STRIDE_INPUTS, 150).windows, 5);
});

Deno.test("A profile is used only after enough inputs and sessions, and never when shared", () => {
  let profile = emptyProfile("alice", 0);
  const perSession = Math.ceil(MIN_ENROL_INPUTS / MIN_ENROL_SESSIONS) + WINDOW_INPUTS;
  profile = mergeSession(profile, typed(perSession * 2, 150), model, 1).profile;
  assert.equal(isEnrolled(profile), MIN_ENROL_SESSIONS <= 1, "one session is not enough");
  for (let k = 1; k < MIN_ENROL_SESSIONS; k++) {
    profile = mergeSession(profile, typed(perSession, 150), model, 2).profile;
  }
  assert.ok(isEnrolled(profile));
  assert.equal(profile.sessions, MIN_ENROL_SESSIONS);
  assert.ok(!isEnrolled({ ...profile, shared: true }));
  assert.ok(!isEnrolled({ ...profile, inputs: MIN_ENROL_INPUTS - 1 }));
});

Deno.test("A session too short for one window changes nothing", () => {
  const profile = emptyProfile("bob", 0);
  const outcome = mergeSession(profile, typed(WINDOW_INPUTS - 1, 150), model, 5);
  assert.equal(outcome.profile, profile);
});

Deno.test("Old windows are forgotten by half every half-life of inputs", () => {
  let profile = mergeSession(emptyProfile("carol", 0), typed(WINDOW_INPUTS, 150), model, 1)
    .profile;
  assert.equal(profile.weight[0], 1);
  const before = profile.mean[0]!;
  // A much slower session the length of one half-life: the old window weighs 0.5.
  const slow = typed(HALF_LIFE_INPUTS, 400);
  profile = mergeSession(profile, slow, model, 2).profile;
  const expected = (0.5 * before + slow.windows * slow.mean()[0]!) / (0.5 + slow.windows);
  assert.ok(Math.abs(profile.mean[0]! - expected) < 1e-9, `${profile.mean[0]} vs ${expected}`);
  assert.ok(Math.abs(profile.weight[0]! - (0.5 + slow.windows)) < 1e-9);
});

Deno.test("A profile without the after-Enter median (an older build's) still scores, and learns it from the next session", () => {
  const afterEnter = FEATURE_NAMES.indexOf("after_enter_gap_median");
  const old = mergeSession(emptyProfile("erin", 0), typed(2 * WINDOW_INPUTS, 150), model, 1)
    .profile;
  assert.ok(Number.isNaN(old.mean[afterEnter]!) && old.weight[afterEnter] === 0);
  const lines = new SessionEnrolment();
  let t = 0;
  for (let i = 0; i < 2 * WINDOW_INPUTS; i++) {
    const lineEnd = i % 20 === 19;
    lines.push({ t, bytes: 1, shape: lineEnd ? InputShape.ENTER : InputShape.SINGLE });
    t += lineEnd ? 2000 : 150 + ((i * 37) % 5) * 15;
  }
  const distance = impostorDistance(old.mean, lines.mean(), model);
  assert.ok(Number.isFinite(distance), `${distance}`);
  const next = mergeSession(old, lines, model, 2).profile;
  assert.equal(next.mean[afterEnter], lines.mean()[afterEnter]);
  assert.equal(next.weight[afterEnter], lines.windows);
});

Deno.test("Sessions beyond the bound mark the account shared; the owner's own do not", () => {
  let owner = emptyProfile("dave", 0);
  for (let k = 0; k < 8; k++) owner = mergeSession(owner, typed(600, 150), model, k).profile;
  assert.equal(owner.disagreements, 0);
  assert.ok(!owner.shared);
  let shared = owner;
  const disagreed: boolean[] = [];
  for (let k = 0; k < 4; k++) {
    const outcome = mergeSession(shared, typed(600, k % 2 === 0 ? 420 : 150), model, 10 + k);
    disagreed.push(outcome.disagreed);
    shared = outcome.profile;
  }
  assert.deepEqual(disagreed, [true, false, true, false]);
  assert.ok(!shared.shared, "two disagreements out of twelve sessions are not enough");
  for (let k = 0; k < 3; k++) shared = recordImpostorAlert(shared, 20 + k);
  assert.equal(shared.impostorAlerts, 3);
  assert.equal(shared.disagreements, 5);
  assert.ok(shared.shared);
  assert.ok(!isEnrolled(shared));
});

Deno.test("A profile holds only fixed-size numbers, whatever was typed", () => {
  const small = mergeSession(emptyProfile("erin", 0), typed(300, 150), model, 1).profile;
  const large = mergeSession(emptyProfile("erin", 0), typed(30_000, 150), model, 1).profile;
  assert.deepEqual(Object.keys(large).sort(), Object.keys(small).sort());
  for (const profile of [small, large]) {
    for (const value of Object.values(profile)) {
      if (Array.isArray(value)) assert.equal(value.length, FEATURE_COUNT);
      else assert.ok(["number", "string", "boolean"].includes(typeof value));
    }
  }
});
