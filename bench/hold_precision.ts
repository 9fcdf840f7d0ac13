/**
 * How exactly the hold delays a fast bot's inputs: a bot answering each
 * prompt of a shell at once (tests/support/fast_bot.c), on a bare local pty
 * and through a real `ssh -tt` login on loopback, a live agent, idle and
 * with a busy loop on each of the two CPUs (at nice 19, then at nice 0).
 * For every input after the agent held the session: landed (on the bare
 * pty, the bot's write() returned; through ssh, sshd's restarted write() in
 * a kernel trace) minus (kernel timestamp + drawn delay), and the shell's
 * answer back at the bot minus the same (through ssh, the round trip
 * through sshd and the client is inside it). Needs root and OpenSSH.
 *
 * Run: make bench (or: deno run --allow-all bench/hold_precision.ts)
 *
 * @module
 */
import { type CpuLoad, type HoldPrecision, runFastBot } from "../tests/support/fast_bot.ts";
import { TestSshd } from "../tests/support/sshd.ts";

const SECONDS = 8;
const LOADS: { label: string; load: CpuLoad }[] = [
  { label: "idle", load: { loops: 0, nice: 0 } },
  { label: "2 busy loops, nice 19", load: { loops: 2, nice: 19 } },
  { label: "2 busy loops, nice 0", load: { loops: 2, nice: 0 } },
];

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function percent(part: number, whole: number): string {
  return `${(100 * part / whole).toFixed(1)} %`;
}

function row(label: string, p: HoldPrecision): string {
  return `| ${label} | ${p.inputs} | ${percent(p.onTime, p.inputs)} | ${
    percent(p.answeredOnTime, p.inputs)
  } | ${percentile(p.errorsMs, 0.5).toFixed(2)} / ${percentile(p.errorsMs, 0.99).toFixed(2)} | ${
    percentile(p.reactionMs, 0.99).toFixed(3)
  } | ${(p.drawnMs.reduce((a, b) => a + b, 0) / p.drawnMs.length).toFixed(1)} |`;
}

/** Runs the bot on a bare pty and over ssh, idle and loaded; resolves to the Markdown table. */
export async function holdPrecision(): Promise<string> {
  const rows = [
    "| bot answering at once | inputs after the hold | landed within ±5 ms of draw | answered within ±5 ms | landed − due, p50 / p99 ms | bot's answer to a prompt, p99 ms | mean draw ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { label, load } of LOADS) {
    const { precision } = await runFastBot({ seconds: SECONDS, load });
    rows.push(row(`bare pty, ${label}`, precision));
  }
  await using sshd = await TestSshd.start();
  for (const { label, load } of LOADS) {
    const { precision } = await runFastBot({
      seconds: SECONDS,
      load,
      command: sshd.clientCommand(),
    });
    rows.push(row(`loopback ssh, ${label}`, precision));
  }
  return rows.join("\n");
}

if (import.meta.main) console.log(await holdPrecision());
