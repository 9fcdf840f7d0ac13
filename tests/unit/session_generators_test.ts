import assert from "node:assert/strict";
import fc from "fast-check";
import { EvidenceFeatures } from "../../src/score/evidence_features.ts";
import { InputShape, isInputShape } from "../../src/score/input_shape.ts";
import {
  AUTOMATION_FAMILIES,
  generateAutomationSession,
} from "../../tools/sessions/automation_families.ts";
import { humanSession } from "../../tools/sessions/terminal_habits.ts";
import type { InputChunk, SessionEvent } from "../../tools/sessions/terminal_session.ts";
import { syntheticTyping } from "../support/synthetic_typing.ts";

function inputs(events: SessionEvent[]): SessionEvent[] {
  return events.filter((e) => e.dir === "in");
}

/** Made-up keys with an Enter every 12: the shape of a corpus session. */
function keys(count: number, seed: number): InputChunk[] {
  let t = 0;
  return syntheticTyping(count, seed).map(({ gap }, i) => {
    t += gap;
    return { t, bytes: 1, shape: i % 12 === 11 ? InputShape.ENTER : InputShape.SINGLE };
  });
}

Deno.test("every automation family makes time-ordered sessions of valid inputs", () => {
  fc.assert(
    fc.property(fc.constantFrom(...AUTOMATION_FAMILIES), fc.nat(), (family, seed) => {
      const { events } = generateAutomationSession(family, seed);
      assert.ok(inputs(events).length >= 3, family);
      for (let i = 1; i < events.length; i++) assert.ok(events[i]!.t >= events[i - 1]!.t);
      for (const e of inputs(events)) assert.ok(isInputShape(e.shape) && e.bytes >= 1);
      if (family === "whole-line" || family === "prompt-answer") {
        for (const e of inputs(events)) {
          assert.equal(e.shape, InputShape.ENTER);
          assert.ok(e.bytes >= 2 && e.bytes <= 200);
        }
      }
    }),
    { numRuns: 200 },
  );
});

Deno.test("habits go on top of real timing: plain keeps every key, others add what they say", () => {
  const person = keys(600, 4);
  // The shell's prompt comes first: times are compared from the first key.
  const plain = inputs(humanSession(person, "plain", 1));
  assert.deepEqual(
    plain.map((e) => [Math.round((e.t - plain[0]!.t) * 1e6), e.bytes, e.shape]),
    person.map((k) => [Math.round((k.t - person[0]!.t) * 1e6), k.bytes, k.shape]),
  );
  const held = inputs(humanSession(person, "held-keys", 1));
  const features = new EvidenceFeatures();
  const cells = { tempo: 0, regularity: 0, reaction: 0, spread: 0, skew: 0, gesture: 0 as const };
  for (const e of held) features.input(e.t, e.bytes, e.shape, cells);
  assert.ok(features.heldRuns >= 1, "the scorer sees the held keys as held keys");
  const pastes = inputs(humanSession(person, "pastes", 1)).filter((e) => e.bytes >= 10);
  assert.ok(pastes.length >= 1 && pastes.every((e) => e.bytes <= 4000));
  const ssh = inputs(humanSession(person, "openssh-20ms", 1));
  for (let i = 1; i < ssh.length; i++) {
    const ticks = (ssh[i]!.t - ssh[i - 1]!.t) / 20;
    assert.ok(Math.abs(ticks - Math.round(ticks)) < 1e-6 && ticks >= 1, `gap ${ticks} ticks`);
  }
  assert.equal(ssh.reduce((sum, e) => sum + e.bytes, 0), person.length, "every key arrives");
});
