/**
 * Runs every benchmark and prints its Markdown table, for README.md.
 * Needs root (the probe and the live agent). Run: make bench
 *
 * @module
 */
import { probeCost } from "./probe_cost.ts";
import { holdPrecision } from "./hold_precision.ts";
import { responseLatency } from "./response_latency.ts";

async function runScript(script: string, flags: string[]): Promise<void> {
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...flags, new URL(script, import.meta.url).pathname],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (!output.success) throw new Error(`Benchmark ${script} failed`);
}

console.log("## Probe cost per non-terminal write\n");
console.log(await probeCost());
console.log("\n## Reaction time: threshold crossing to session held\n");
console.log(await responseLatency());
console.log("\n## Hold precision: a bot answering at once\n");
console.log(await holdPrecision());
console.log("\n## Replay throughput and state per session\n");
await runScript("./replay_bench.ts", ["--allow-read", "--allow-write=/tmp"]);
console.log("\n## Scale: 10,000 sessions, the session bound, the live agent's RSS\n");
await runScript("./scale_bench.ts", ["--allow-all", "--v8-flags=--expose-gc"]);
console.log(
  "\n## Impostor detection: time per input, memory per session, database size per user\n",
);
await runScript("./profile_bench.ts", [
  "--allow-read",
  "--allow-write=/tmp",
  "--v8-flags=--expose-gc",
]);
