/**
 * The hold-precision measurement shared by the end-to-end test and the
 * benchmark: a live agent, a bot that answers each prompt of a shell at once
 * (tests/support/fast_bot.c, on a bare local pty, or through an `ssh -tt`
 * login it drives over pipes), and optionally busy loops on every CPU.
 * Every input after the hold reached the kernel is paired with the delay the
 * agent drew for it, and counts as delayed by its draw when it landed in the
 * pty within ±5 ms of its kernel timestamp plus the draw. On a bare pty the
 * bot is the writer, and its write() returns when the input landed; through
 * ssh, sshd is the writer, and the landing is its restarted write() in a
 * kernel trace (tests/support/write_trace.ts). When the shell's answer came
 * back to the bot is measured too, and reported: it adds the shell's (and
 * sshd's and the ssh client's) scheduling, which no hold controls.
 *
 * @module
 */
import { AgentOnPty, sleep } from "./agent.ts";
import { REPO_ROOT } from "./gate.ts";
import { ptyWriter, WriteTrace } from "./write_trace.ts";

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
  /** The shell's next prompt was complete: the bot answers it at once. */
  promptMs: number;
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
  /** How long the bot took to answer each prompt (its write() − the prompt before), ms. */
  reactionMs: number[];
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
    reactionMs: [],
  };
  for (const [i, input] of inputs.entries()) {
    const before = inputs[i - 1];
    if (input.writeMs >= fromMs && before !== undefined) {
      result.reactionMs.push(input.writeMs - before.promptMs);
    }
  }
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
  /** The rest of its output (one JSON line per input), once it exits. */
  output: Promise<string>;
}

/** How to start the bot. */
export interface FastBotOptions {
  /** A command (an `ssh -tt` login) to drive over pipes instead of `bash -i` on a new pty. */
  command?: string[];
  /** Runs once the bot's pty is known, before its first answer. */
  beforeStart?: (session: string) => Promise<void>;
}

/**
 * Starts the bot for `seconds`; resolves once it has seen the first prompt
 * and been told to start answering.
 */
export async function startFastBot(
  seconds: number,
  options: FastBotOptions = {},
): Promise<RunningBot> {
  const process = new Deno.Command(buildFastBot(), {
    args: [String(seconds), ...(options.command ?? [])],
    stdin: "piped",
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
  await options.beforeStart?.(first.pts);
  const go = process.stdin.getWriter();
  await go.write(new Uint8Array([0x0a]));
  await go.close();
  const output = (async () => {
    let rest = text.slice(text.indexOf("\n") + 1);
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return rest;
      rest += decoder.decode(value, { stream: true });
    }
  })();
  return { process, session: first.pts, output };
}

/** What one run of the bot against a live agent gave. */
export interface BotRun {
  session: string;
  precision: HoldPrecision;
  agent: AgentOnPty;
}

/**
 * Sets each input's landing time to the last write() its pty writer entered
 * between the bot's write and the shell's answer (the restarted one, when
 * the input was held), from a {@link WriteTrace} of that writer.
 */
export function landedFromTrace(
  inputs: readonly BotInput[],
  entriesMs: readonly number[],
): BotInput[] {
  return inputs.map((input, i) => {
    const entries = entriesMs.filter((t) => t >= input.writeMs && t <= input.echoMs);
    if (entries.length === 0) throw new Error(`The write trace saw no write() for input ${i}`);
    return { ...input, writtenMs: entries[entries.length - 1]! };
  });
}

/**
 * Starts an agent, runs the bot for `seconds` (under `load`, if any) and
 * measures every input after the agent held the bot's session. Given a
 * `command` (an `ssh -tt` login), the bot drives it over pipes, and when
 * each input landed is read from a trace of the remote pty's writer.
 */
export async function runFastBot(
  options: { seconds: number; load?: CpuLoad; agentArgs?: string[]; command?: string[] },
): Promise<BotRun> {
  const agent = await AgentOnPty.start(
    ["--log-level", "debug", ...(options.agentArgs ?? [])],
    "Probe attached",
  );
  const load = busyLoops(options.load ?? { loops: 0, nice: 0 });
  let stdout = "";
  let session = "";
  let trace: WriteTrace | undefined;
  let entriesMs: number[] = [];
  try {
    await sleep(200);
    const bot = await startFastBot(options.seconds, {
      command: options.command,
      beforeStart: options.command === undefined ? undefined : async (name) => {
        const writer = await ptyWriter(name);
        trace = await WriteTrace.start(writer.pid, writer.fds);
      },
    });
    session = bot.session;
    stdout = await bot.output;
    if (!(await bot.process.status).success) {
      throw new Error(`fast_bot failed: ${stdout.slice(-500)}`);
    }
    entriesMs = trace?.entriesMs() ?? [];
    await sleep(500);
  } finally {
    await trace?.close();
    await load.stop();
    await agent.stop();
  }
  const lines = stdout.trim().split("\n").map((line) => JSON.parse(line));
  const sent: BotInput[] = lines.map((l) => ({
    writeMs: l.write_ms,
    writtenMs: l.written_ms,
    echoMs: l.echo_ms,
    promptMs: l.prompt_ms,
  }));
  const inputs = options.command === undefined ? sent : landedFromTrace(sent, entriesMs);
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
