/**
 * The hold lands before the next input: a bot answering each prompt of
 * `bash -i` at once on a bare local pty (microseconds after the prompt),
 * with the live agent. Idle, at least 98 % of its inputs after the agent
 * held the session land in the pty within ±5 ms of their kernel timestamp
 * plus their drawn delay (a run that other users of this shared VM disturb
 * is tried up to twice more). With a busy loop on each of the two CPUs, every wake-
 * up of the bot (its restarted write after SIGCONT) waits for a time slice,
 * which no hold controls: there the test asserts that no input lands early
 * or undelayed, and prints how many landed within ±5 ms (README, "Hold
 * precision", has the figures).
 */
import assert from "node:assert/strict";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { type CpuLoad, runFastBot } from "../support/fast_bot.ts";

const SECONDS = 8;
const WANTED = 0.98;

const ATTEMPTS = 3;

const LOADS: { label: string; load: CpuLoad; wanted: number }[] = [
  { label: "idle", load: { loops: 0, nice: 0 }, wanted: WANTED },
  { label: "both CPUs busy at nice 19", load: { loops: 2, nice: 19 }, wanted: 0 },
  { label: "both CPUs busy at nice 0", load: { loops: 2, nice: 0 }, wanted: 0 },
];

for (const { label, load, wanted } of LOADS) {
  Deno.test({
    name: `hold precision: a bot answering at once is delayed by each draw (${label})`,
    ignore: skipOrFail(`hold precision ${label}`, kernelBlocker()),
    async fn() {
      let { precision: p } = await runFastBot({ seconds: SECONDS, load });
      for (let attempt = 1; attempt < ATTEMPTS && p.onTime < wanted * p.inputs; attempt++) {
        console.log(`${label}: ${p.onTime}/${p.inputs} within ±5 ms; trying again`);
        ({ precision: p } = await runFastBot({ seconds: SECONDS, load }));
      }
      const errors = p.errorsMs.map((e) => e.toFixed(1));
      console.log(
        `${label}: ${p.onTime}/${p.inputs} landed within ±5 ms of their draw, ${p.answeredOnTime} answered within ±5 ms, ${p.undrawn} without a draw`,
      );
      assert.ok(p.inputs >= 50, `inputs after the hold: ${p.inputs}`);
      assert.equal(p.undrawn, 0, "every input after the hold had a delay drawn");
      assert.ok(
        Math.min(...p.errorsMs) > -5,
        `no input lands before its delay: ${errors.slice(0, 50)}`,
      );
      assert.ok(
        p.onTime >= wanted * p.inputs,
        `${p.onTime} of ${p.inputs} within ±5 ms; landed − due ms: ${
          errors.filter((e) => Math.abs(Number(e)) > 5).slice(0, 50)
        }`,
      );
    },
  });
}
