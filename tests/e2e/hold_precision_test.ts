/**
 * The hold lands before the next input: a bot answering each prompt of a
 * shell at once, with the live agent, on a bare local pty (it answers
 * microseconds after the prompt and is the pty's writer itself) and through
 * a real `ssh -tt` login on loopback (the bot answers within microseconds
 * of the prompt reaching the client; sshd writes its inputs into the pty,
 * and is the writer held). At least 95 % of its inputs after the agent
 * held the session land in the pty within ±5 ms of their kernel timestamp
 * plus their draw: on the bare pty, when the bot's write() returned;
 * through ssh, sshd's restarted write() in a kernel trace. The bench
 * measures 98–100 % (README, "Hold precision"); the test leaves room for a
 * shared VM, where every wake-up of the writer (its restarted write after
 * SIGCONT) waits for the hypervisor or a time slice, which no hold
 * controls: idle vCPUs wake late now and then (CI runs here measured idle
 * cases at 94–98 % in some tries), busy ones wait for a slice. A run that
 * falls short is tried again, and no input may land early or undelayed.
 */
import assert from "node:assert/strict";
import { buildBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { type CpuLoad, type HoldPrecision, runFastBot } from "../support/fast_bot.ts";
import { SSH_TOOLS, TestSshd } from "../support/sshd.ts";

const SECONDS = 8;
// The bench's figures (README) are 98–100 %; the assertion leaves room for a shared VM.
const WANTED = 0.95;

// Other tenants' load on a shared VM comes and goes: a case that misses is run again, up to this
// many times in all (one CI run here missed three times in a row in two cases, then passed alone).
const ATTEMPTS = 5;

const LOADS: { label: string; load: CpuLoad }[] = [
  { label: "idle", load: { loops: 0, nice: 0 } },
  { label: "both CPUs busy at nice 19", load: { loops: 2, nice: 19 } },
  { label: "both CPUs busy at nice 0", load: { loops: 2, nice: 0 } },
];

function median(values: number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
}

async function measure(label: string, run: () => Promise<HoldPrecision>): Promise<void> {
  let p = await run();
  for (let attempt = 1; attempt < ATTEMPTS && p.onTime < WANTED * p.inputs; attempt++) {
    console.log(`${label}: ${p.onTime}/${p.inputs} within ±5 ms; trying again`);
    p = await run();
  }
  const errors = p.errorsMs.map((e) => e.toFixed(1));
  console.log(
    `${label}: ${p.onTime}/${p.inputs} landed within ±5 ms of their draw, ${p.answeredOnTime} answered within ±5 ms, ${p.undrawn} without a draw; the bot answered each prompt in ${
      median(p.reactionMs).toFixed(3)
    } ms (median)`,
  );
  assert.ok(p.inputs >= 50, `inputs after the hold: ${p.inputs}`);
  assert.equal(p.undrawn, 0, "every input after the hold had a delay drawn");
  assert.ok(median(p.reactionMs) < 1, "the bot answers its prompts within 1 ms");
  assert.ok(
    Math.min(...p.errorsMs) > -5,
    `no input lands before its delay: ${errors.slice(0, 50)}`,
  );
  assert.ok(
    p.onTime >= WANTED * p.inputs,
    `${p.onTime} of ${p.inputs} within ±5 ms; landed − due ms: ${
      errors.filter((e) => Math.abs(Number(e)) > 5).slice(0, 50)
    }`,
  );
}

for (const { label, load } of LOADS) {
  Deno.test({
    name:
      `hold precision: a bot answering at once on a bare pty is delayed by each draw (${label})`,
    ignore: skipOrFail(`hold precision ${label}`, kernelBlocker()),
    async fn() {
      await measure(
        `bare pty, ${label}`,
        async () => (await runFastBot({ seconds: SECONDS, load })).precision,
      );
    },
  });
}

for (const { label, load } of LOADS) {
  Deno.test({
    name:
      `hold precision: a bot answering at once over loopback ssh is delayed by each draw (${label})`,
    ignore: skipOrFail(`ssh hold precision ${label}`, kernelBlocker(), buildBlocker(SSH_TOOLS)),
    async fn() {
      await using sshd = await TestSshd.start();
      await measure(
        `ssh, ${label}`,
        async () =>
          (await runFastBot({ seconds: SECONDS, load, command: sshd.clientCommand() })).precision,
      );
    },
  });
}
