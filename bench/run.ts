/**
 * Runs every benchmark and prints its Markdown table, for README.md.
 * Run: make bench
 *
 * @module
 */
import { probeCost } from "./probe_cost.ts";

console.log("## Probe cost per non-terminal write\n");
console.log(await probeCost());
console.log("\n## Replay throughput and state per session\n");
const replayBench = await new Deno.Command(Deno.execPath(), {
  args: [
    "run",
    "--allow-read",
    "--allow-write=/tmp",
    new URL("./replay_bench.ts", import.meta.url).pathname,
  ],
  stdout: "inherit",
  stderr: "inherit",
}).output();
if (!replayBench.success) Deno.exit(1);
