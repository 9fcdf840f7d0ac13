/**
 * How exactly the hold delays a fast bot's inputs: a bot answering each
 * prompt of `bash -i` on a bare local pty at once (tests/support/fast_bot.c),
 * a live agent, idle and with a busy loop on each of the two CPUs (at nice
 * 19, then at nice 0). For every input after the agent held the session:
 * landed (the bot's write returned) minus (kernel timestamp + drawn delay),
 * and the shell's answer minus the same. Needs root.
 *
 * Run: make bench (or: deno run --allow-all bench/hold_precision.ts)
 *
 * @module
 */
import { type CpuLoad, runFastBot } from "../tests/support/fast_bot.ts";

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

/** Runs the bot idle and loaded; resolves to the Markdown table. */
export async function holdPrecision(): Promise<string> {
  const rows = [
    "| bare local pty, bot answering at once | inputs after the hold | landed within ±5 ms of draw | answered within ±5 ms | landed − due, p50 / p99 ms | mean draw ms |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
  ];
  for (const { label, load } of LOADS) {
    const { precision: p } = await runFastBot({ seconds: SECONDS, load });
    rows.push(
      `| ${label} | ${p.inputs} | ${percent(p.onTime, p.inputs)} | ${
        percent(p.answeredOnTime, p.inputs)
      } | ${percentile(p.errorsMs, 0.5).toFixed(2)} / ${
        percentile(p.errorsMs, 0.99).toFixed(2)
      } | ${(p.drawnMs.reduce((a, b) => a + b, 0) / p.drawnMs.length).toFixed(1)} |`,
    );
  }
  return rows.join("\n");
}

if (import.meta.main) console.log(await holdPrecision());
