import assert from "node:assert/strict";
import fc from "fast-check";
import { BurstPauseWindow, classifyInput, EventClass } from "../../src/score/burst_pause.ts";

const thresholds = { bulkBytes: 4, fastMs: 5, pauseMs: 1000 };

Deno.test("inputs are classed as burst, pause or paced", () => {
  assert.equal(classifyInput(1, undefined, thresholds), EventClass.Paced);
  assert.equal(classifyInput(40, undefined, thresholds), EventClass.Burst);
  assert.equal(classifyInput(1, 4.9, thresholds), EventClass.Burst);
  assert.equal(classifyInput(1, 5, thresholds), EventClass.Paced);
  assert.equal(classifyInput(3, 180, thresholds), EventClass.Paced);
  assert.equal(classifyInput(1, 1000, thresholds), EventClass.Pause);
  // A chunk after a long pause is still a burst: a line arriving at once.
  assert.equal(classifyInput(25, 3000, thresholds), EventClass.Burst);
});

Deno.test("window counts equal a slow reference", () => {
  const input = fc.record({
    bytes: fc.integer({ min: 0, max: 5000 }),
    delta: fc.option(fc.double({ min: 0, max: 1e5, noNaN: true }), {
      nil: undefined,
    }),
  });
  fc.assert(
    fc.property(
      fc.array(input, { maxLength: 200 }),
      fc.integer({ min: 1, max: 40 }),
      (inputs, window) => {
        const w = new BurstPauseWindow(window, thresholds);
        const kept: number[] = [];
        for (const { bytes, delta } of inputs) {
          kept.push(w.add(bytes, delta));
          if (kept.length > window) kept.shift();
          const bursts = kept.filter((c) => c === EventClass.Burst).length;
          const pauses = kept.filter((c) => c === EventClass.Pause).length;
          assert.equal(w.bursts, bursts);
          assert.equal(w.pauses, pauses);
          assert.equal(w.burstFraction, bursts / kept.length);
          assert.equal(
            w.burstToPauseRatio,
            bursts + pauses === 0 ? 0 : bursts / (bursts + pauses),
          );
        }
      },
    ),
  );
});
