/**
 * The hold lands before the next input: a bot answering each prompt of
 * `bash -i` at once on a bare local pty (microseconds after the prompt),
 * with the live agent, idle and with a busy loop on each of the two CPUs.
 * Of its inputs after the agent held the session, at least 98 % land in the
 * pty within ±5 ms of their kernel timestamp plus their drawn delay, and
 * none lands before it.
 *
 * The busy loops run at nice 19 (background work keeping both CPUs at
 * 100 %). With loops at nice 0 every wake-up of the bot waits for a time
 * slice on this shared 2-vCPU VM, which no hold controls: that case is
 * measured and printed (bench/hold_precision.ts, README), and only "never
 * early, never undelayed" is asserted for it.
 */
import assert from "node:assert/strict";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { type CpuLoad, runFastBot } from "../support/fast_bot.ts";

const SECONDS = 8;
const WANTED = 0.98;

const LOADS: { label: string; load: CpuLoad; wanted: number }[] = [
  { label: "idle", load: { loops: 0, nice: 0 }, wanted: WANTED },
  { label: "both CPUs busy at nice 19", load: { loops: 2, nice: 19 }, wanted: WANTED },
  { label: "both CPUs busy at nice 0", load: { loops: 2, nice: 0 }, wanted: 0 },
];

for (const { label, load, wanted } of LOADS) {
  Deno.test({
    name: `hold precision: a bot answering at once is delayed by each draw (${label})`,
    ignore: skipOrFail(`hold precision ${label}`, kernelBlocker()),
    async fn() {
      const { precision: p } = await runFastBot({ seconds: SECONDS, load });
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
