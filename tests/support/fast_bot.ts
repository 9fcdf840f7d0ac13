/**
 * The hold-precision measurement shared by the end-to-end test and the
 * benchmark: a live agent, a bot that answers each prompt of `bash -i` at
 * once (tests/support/fast_bot.c, on a bare local pty, or through ssh), and
 * optionally busy loops on every CPU. Every input after the hold reached the
 * kernel is paired with the delay the agent drew for it; it counts as
 * delayed by its draw when it landed in the pty (the bot's write() returned)
 * within ±5 ms of its kernel timestamp plus the draw. When the shell's answer
 * came back is measured too, and reported: it adds the shell's and the bot's
 * own scheduling, which no hold controls.
 *
 * @module
 */
import { AgentOnPty, sleep } from "./agent.ts";
import { REPO_ROOT } from "./gate.ts";

/** Where the bot is built. */
export const FAST_BOT_PATH = `${REPO_ROOT}build/fast_bot`;

/** Builds build/fast_bot from tests/support/fast_bot.c when it is missing or older. */
export function buildFastBot(): string {
  const source = `${REPO_ROOT}tests/support/fast_bot.c`;
  let stale = true;
  try {
    stale = Deno.statSync(FAST_BOT_PATH).mtime! < Deno.statSync(source).mtime!;
  } catch {
    // not built yet
  }
  if (stale) {
    const output = new Deno.Command("clang", {
      args: ["-O2", "-Wall", "-Werror", "-o", FAST_BOT_PATH, source],
      stderr: "piped",
    }).outputSync();
    if (!output.success) {
      throw new Error(`Cannot build fast_bot: ${new TextDecoder().decode(output.stderr)}`);
    }
  }
  return FAST_BOT_PATH;
}

/** One input the bot sent (CLOCK_MONOTONIC ms). */
export interface BotInput {
  /** write() called. */
  writeMs: number;
  /** write() returned: the input is in the pty. */
  writtenMs: number;
  /** The shell's first output after it arrived. */
  echoMs: number;
}

/** A delay the agent drew: for the input at kernel time `t` (ms). */
export interface DrawnDelay {
  t: number;
  seconds: number;
}

/** How the inputs after the hold fared. */
export interface HoldPrecision {
  /** Inputs sent after the hold reached the kernel. */
  inputs: number;
  /** Of those, landed in the pty within tolerance of timestamp + draw. */
  onTime: number;
  /** Of those, the shell's answer came within tolerance of timestamp + draw. */
  answeredOnTime: number;
  /** Of those, no delay was drawn for (or the pairing failed). */
  undrawn: number;
  /** Landed − (timestamp + draw) in ms of each paired input, in order. */
  errorsMs: number[];
  /** Answered − (timestamp + draw) in ms of each paired input, in order. */
  answerErrorsMs: number[];
  /** Drawn delays in ms of each paired input, in order. */
  drawnMs: number[];
}

/**
 * Pairs each input sent at or after `fromMs` with the draw whose kernel
 * timestamp lies between its write() and its answer (one input is in
 * flight at a time), and measures answer − (timestamp + draw).
 */
export function holdPrecision(
  inputs: readonly BotInput[],
  drawn: readonly DrawnDelay[],
  fromMs: number,
  toleranceMs = 5,
): HoldPrecision {
  const after = inputs.filter((input) => input.writeMs >= fromMs);
  const byTime = [...drawn].sort((a, b) => a.t - b.t);
  const result: HoldPrecision = {
    inputs: after.length,
    onTime: 0,
    answeredOnTime: 0,
    undrawn: 0,
    errorsMs: [],
    answerErrorsMs: [],
    drawnMs: [],
  };
  let next = 0;
  for (const input of after) {
    while (next < byTime.length && byTime[next]!.t < input.writeMs - 0.01) next++;
    const draw = byTime[next];
    if (draw === undefined || draw.t > input.echoMs) {
      result.undrawn++;
      continue;
    }
    next++;
    const due = draw.t + draw.seconds * 1000;
    result.errorsMs.push(input.writtenMs - due);
    result.answerErrorsMs.push(input.echoMs - due);
    result.drawnMs.push(draw.seconds * 1000);
    if (Math.abs(input.writtenMs - due) <= toleranceMs) result.onTime++;
    if (Math.abs(input.echoMs - due) <= toleranceMs) result.answeredOnTime++;
  }
  return result;
}

/** How the CPUs are kept busy during a run. */
export interface CpuLoad {
  /** Busy loops started (one per CPU keeps every CPU busy). */
  loops: number;
  /** Their nice level: 0 competes with the bot as an equal, 19 is background work. */
  nice: number;
}

/** Busy loops at `load.nice`, until stopped. */
export function busyLoops(load: CpuLoad): { stop: () => Promise<void> } {
  const loops = Array.from(
    { length: load.loops },
    () =>
      new Deno.Command("nice", {
        args: ["-n", String(load.nice), "sh", "-c", "while :; do :; done"],
        stdout: "null",
      }).spawn(),
  );
  return {
    async stop() {
      for (const loop of loops) loop.kill("SIGKILL");
      await Promise.all(loops.map((loop) => loop.status));
    },
  };
}

/** A running bot: its process, its session, and everything it prints once done. */
export interface RunningBot {
  process: Deno.ChildProcess;
  /** Its pty, e.g. `pts/4`. */
  session: string;
  /** The bot's shell's pid. */
  shellPid: number;
  /** The rest of its output (one JSON line per input), once it exits. */
  output: Promise<string>;
}

/** Starts the bot for `seconds`; resolves once it has opened its pty. */
export async function startFastBot(seconds: number): Promise<RunningBot> {
  const process = new Deno.Command(buildFastBot(), {
    args: [String(seconds)],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = process.stdout.getReader();
  const decoder = new TextDecoder();
  let text = "";
  while (!text.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`fast_bot exited before opening its pty: ${text}`);
    text += decoder.decode(value, { stream: true });
  }
  const first = JSON.parse(text.slice(0, text.indexOf("\n")));
  const output = (async () => {
    let rest = text.slice(text.indexOf("\n") + 1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return rest;
      rest += decoder.decode(value, { stream: true });
    }
  })();
  return { process, session: first.pts, shellPid: first.bash, output };
}

/** What one run of the bot against a live agent gave. */
export interface BotRun {
  session: string;
  precision: HoldPrecision;
  agent: AgentOnPty;
}

/**
 * Starts an agent, runs the bot for `seconds` (under `load`, if any) and
 * measures every input after the agent held the bot's session.
 */
export async function runFastBot(
  options: { seconds: number; load?: CpuLoad; agentArgs?: string[] },
): Promise<BotRun> {
  const agent = await AgentOnPty.start(
    ["--log-level", "debug", ...(options.agentArgs ?? [])],
    "Probe attached",
  );
  const load = busyLoops(options.load ?? { loops: 0, nice: 0 });
  let stdout = "";
  let session = "";
  try {
    await sleep(200);
    const bot = await startFastBot(options.seconds);
    session = bot.session;
    stdout = await bot.output;
    if (!(await bot.process.status).success) {
      throw new Error(`fast_bot failed: ${stdout.slice(-500)}`);
    }
    await sleep(500);
  } finally {
    await load.stop();
    await agent.stop();
  }
  const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
  const inputs: BotInput[] = lines.map((l) => ({
    writeMs: l.write_ms,
    writtenMs: l.written_ms,
    echoMs: l.echo_ms,
  }));
  const logs = agent.jsonLines();
  const held = logs.find((line) =>
    line.message === "Session held for jitter" &&
    (line.properties as { session: string }).session === session
  );
  if (held === undefined) {
    throw new Error(`The agent never held ${session}: ${agent.terminal.output.slice(-2000)}`);
  }
  const drawn = logs.filter((line) => line.message === "Delay drawn")
    .map((line) => line.properties as DrawnDelay & { session: string })
    .filter((p) => p.session === session);
  return {
    session,
    precision: holdPrecision(inputs, drawn, (held.properties as { t_ms: number }).t_ms),
    agent,
  };
}
