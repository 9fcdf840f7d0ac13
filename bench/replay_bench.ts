/**
 * Replay throughput and per-session memory.
 *
 *     deno run --allow-read --allow-write=/tmp bench/replay_bench.ts [--against DIR]
 *
 * Writes a made-up trace (generated human-like and automation sessions,
 * interleaved) to /tmp, then in the same run measures: events per second
 * of a JSON-parse-only pass over it (the baseline: the floor any replay
 * pays), of full replay (parse, validate, score, summarise), and of the
 * scoring engine alone on pre-parsed events; and the heap plus external
 * bytes per session of 10,000 live session scorers (add
 * `--v8-flags=--expose-gc` for a steadier reading).
 *
 * With `--against DIR` (another checkout of this repository, such as an
 * earlier commit in a git worktree), it also loads that tree's scoring
 * engine and replay into the same process and times the two on the same
 * events in alternating rounds, printing the median of this tree's time
 * over that tree's: on a shared machine, load that comes and goes hits
 * both sides of each round alike.
 *
 * @module
 */
import { parseArgs } from "node:util";
import {
  AUTOMATION_CLASSES,
  generateAutomationSession,
  syntheticHumanTyping,
} from "../tools/sessions/automation_sessions.ts";
import { replay } from "../src/pipeline/replay.ts";
import { ScoringEngine } from "../src/score/scoring_engine.ts";
import { SessionScorer } from "../src/score/session_scorer.ts";
import { formatTraceEvent, type TraceEvent } from "../src/trace/trace_event.ts";

const SESSIONS = 1000;
const INPUTS_PER_SESSION = 200;
const MEMORY_SESSIONS = 10_000;
const ROUNDS = 3;
const AGAINST_ROUNDS = 15;

function buildTrace(): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const session = `pts/${s}`;
    const inputs = s % 2 === 0
      ? syntheticHumanTyping({ inputs: INPUTS_PER_SESSION, seed: s })
      : generateAutomationSession(AUTOMATION_CLASSES[s % 4]!, {
        seed: s,
        inputs: INPUTS_PER_SESSION,
      }).events;
    const start = s * 37;
    for (const e of inputs) {
      events.push({ t: start + e.t, session, dir: "in", bytes: e.bytes });
    }
  }
  return events.sort((a, b) => a.t - b.t);
}

async function best(run: () => Promise<void> | void): Promise<number> {
  let fastest = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest / 1000;
}

type EngineClass = new (options: { maxSessions: number }) => {
  observe(event: TraceEvent): unknown;
};
type ReplayFunction = (
  options: { path: string; format: "json" },
  write: (line: string) => void,
) => Promise<unknown>;

function timeEngine(Engine: EngineClass): number {
  const start = performance.now();
  const engine = new Engine({ maxSessions: SESSIONS });
  for (const event of events) engine.observe(event);
  return performance.now() - start;
}

async function timeReplay(run: ReplayFunction): Promise<number> {
  const start = performance.now();
  await run({ path, format: "json" }, () => {});
  return performance.now() - start;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/** Times this tree against another one on the same events, in alternating rounds. */
async function compareWith(tree: string): Promise<void> {
  const root = `file://${await Deno.realPath(tree)}`;
  const other: { engine: EngineClass; replay: ReplayFunction } = {
    engine: (await import(`${root}/src/score/scoring_engine.ts`)).ScoringEngine,
    replay: (await import(`${root}/src/pipeline/replay.ts`)).replay,
  };
  const engineRatios: number[] = [];
  const replayRatios: number[] = [];
  for (let round = 0; round < AGAINST_ROUNDS; round++) {
    const otherEngine = timeEngine(other.engine);
    engineRatios.push(timeEngine(ScoringEngine) / otherEngine);
    const otherReplay = await timeReplay(other.replay);
    replayRatios.push(await timeReplay(replay) / otherReplay);
  }
  const range = (ratios: number[]) =>
    `${median(ratios).toFixed(2)} (${Math.min(...ratios).toFixed(2)}–${
      Math.max(...ratios).toFixed(2)
    })`;
  console.log(`
Against ${tree}, same events, ${AGAINST_ROUNDS} alternating rounds:

| Time, this tree ÷ that tree | Median (range) |
| --- | ---: |
| replay (stream, validate, score, summarise) | ${range(replayRatios)} |
| scoring engine only (pre-parsed events) | ${range(engineRatios)} |`);
}

function usedBytes(): number {
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}
const against = parseArgs({ options: { against: { type: "string" } } }).values.against;

// Measured first, before the trace's garbage exists; with
// --v8-flags=--expose-gc a full collection runs before each reading.
const gc = (globalThis as { gc?: () => void }).gc;
gc?.();
const before = usedBytes();
const scorers: SessionScorer[] = [];
for (let s = 0; s < MEMORY_SESSIONS; s++) {
  const scorer = new SessionScorer();
  for (let i = 0; i < 80; i++) scorer.observe(i * 97, "in", 1);
  scorers.push(scorer);
}
gc?.();
const measuredPerSession = (usedBytes() - before) / scorers.length;

const events = buildTrace();
const path = "/tmp/ghost-hunter-replay-bench.jsonl";
await Deno.writeTextFile(path, events.map(formatTraceEvent).join("\n") + "\n");

const parseSeconds = await best(async () => {
  const text = await Deno.readTextFile(path);
  let parsed = 0;
  for (const line of text.split("\n")) {
    if (line !== "") {
      JSON.parse(line);
      parsed++;
    }
  }
  if (parsed !== events.length) throw new Error("Cannot benchmark: parse count mismatch.");
});
const replaySeconds = await best(async () => {
  const result = await replay({ path, format: "json" }, () => {});
  if (result.events !== events.length) {
    throw new Error("Cannot benchmark: replay count mismatch.");
  }
});
const scoreSeconds = await best(() => {
  const engine = new ScoringEngine({ maxSessions: SESSIONS });
  for (const event of events) engine.observe(event);
});

const rate = (seconds: number) => Math.round(events.length / seconds).toLocaleString("en");
console.log(
  `Replay benchmark: ${
    events.length.toLocaleString("en")
  } events, ${SESSIONS} sessions, best of ${ROUNDS}.

| Pass | Events per second | Relative to JSON.parse only |
| --- | ---: | ---: |
| JSON.parse only (baseline) | ${rate(parseSeconds)} | 1.00 |
| replay (stream, validate, score, summarise) | ${rate(replaySeconds)} | ${
    (parseSeconds / replaySeconds).toFixed(2)
  } |
| scoring engine only (pre-parsed events) | ${rate(scoreSeconds)} | ${
    (parseSeconds / scoreSeconds).toFixed(2)
  } |

| State per session | Bytes |
| --- | ---: |
| measured (heap + external over ${MEMORY_SESSIONS.toLocaleString("en")} scorers) | ${
    Math.round(measuredPerSession)
  } |
| estimate (SessionScorer.stateBytes) | ${SessionScorer.stateBytes()} |`,
);
if (against !== undefined) await compareWith(against);
await Deno.remove(path);
