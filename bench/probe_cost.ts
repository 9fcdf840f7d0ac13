/**
 * What the probe costs everyone else: one-byte writes to /dev/null timed
 * with no hook, with an empty tp_btf/sys_enter program (the floor any
 * syscall hook pays) and with the agent's probe attached and read, in
 * alternating rounds of one run. Reports medians and the ratio of what the
 * probe adds to what the floor adds (goal: at most 1.3).
 *
 * Run: make bench (or: deno run --allow-all bench/probe_cost.ts)
 *
 * @module
 */
import { BpfObject } from "../src/kernel/bpf_object.ts";
import { readBuiltObject } from "../src/kernel/probe.ts";
import { TerminalEventSource } from "../src/kernel/terminal_event_source.ts";
import { DEFAULT_CONFIG } from "../src/config/defaults.ts";

const WRITES_PER_SAMPLE = 2_000_000;
const ROUNDS = 7;
const WRITE_LOOP = new URL("../build/write_loop", import.meta.url).pathname;

async function nsPerWrite(): Promise<number> {
  const output = await new Deno.Command(WRITE_LOOP, { args: [String(WRITES_PER_SAMPLE)] }).output();
  if (!output.success) throw new Error(`Cannot run ${WRITE_LOOP}: build it with "make bench"`);
  return Number(new TextDecoder().decode(output.stdout));
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function withFloor<T>(fn: () => Promise<T>): Promise<T> {
  using floor = BpfObject.open(await readBuiltObject("empty_sys_enter.bpf.o"));
  floor.load();
  floor.attach("empty_sys_enter");
  return await fn();
}

async function withAgentProbe<T>(fn: () => Promise<T>): Promise<T> {
  await using source = await TerminalEventSource.open({
    ringBufferBytes: DEFAULT_CONFIG.limits.ring_buffer_bytes,
    jitterMapEntries: DEFAULT_CONFIG.limits.jitter_map_entries,
  });
  const stop = new AbortController();
  const pumping = source.pump(() => {}, stop.signal);
  try {
    return await fn();
  } finally {
    stop.abort();
    await pumping;
  }
}

/** Measures the three conditions; returns the Markdown table rows. */
export async function probeCost(): Promise<string> {
  const samples = { none: [] as number[], floor: [] as number[], agent: [] as number[] };
  for (let round = 0; round < ROUNDS; round++) {
    samples.none.push(await nsPerWrite());
    samples.floor.push(await withFloor(nsPerWrite));
    samples.agent.push(await withAgentProbe(nsPerWrite));
  }
  const none = median(samples.none);
  const floorAdded = median(samples.floor) - none;
  const agentAdded = median(samples.agent) - none;
  return [
    `| condition (median of ${ROUNDS} alternating rounds, ${
      WRITES_PER_SAMPLE / 1e6
    } M writes each) | ns per write | added ns |`,
    "|---|---:|---:|",
    `| no hook | ${none.toFixed(1)} | - |`,
    `| empty tp_btf/sys_enter (floor) | ${median(samples.floor).toFixed(1)} | ${
      floorAdded.toFixed(1)
    } |`,
    `| ghost-hunter probe attached | ${median(samples.agent).toFixed(1)} | ${
      agentAdded.toFixed(1)
    } |`,
    `| **probe added / floor added** | | **${
      (agentAdded / floorAdded).toFixed(2)
    }×** (goal ≤ 1.30×) |`,
  ].join("\n");
}

if (import.meta.main) {
  console.log(await probeCost());
}
