/**
 * What end-to-end tests of the active response look at: the pty writers the
 * probe stopped (its pinned map), process states, the alerts per session,
 * and a shell to type into.
 *
 * @module
 */
import { AgentOnPty, sleep } from "./agent.ts";
import { type RunningBot, startFastBot } from "./fast_bot.ts";
import { Pty } from "./pty.ts";
import { STOPPED_WRITERS_PIN, StoppedWriterTable } from "../../src/actuation/stopped_writers.ts";
import { parseProcStat } from "../../src/actuation/stopped_writers.ts";

/** Whether an agent's stopped-writer map is pinned now (it is while an agent runs). */
export function stoppedWritersPinned(): boolean {
  try {
    Deno.statSync(STOPPED_WRITERS_PIN);
    return true;
  } catch {
    return false;
  }
}

/** Pids recorded in the pinned stopped-writer map now ([] when none is pinned). */
export function recordedWriters(): number[] {
  using table = StoppedWriterTable.openPinned();
  return table === undefined ? [] : table.entries().map((entry) => entry.writer.tgid);
}

/** The state letter of `pid` (R, S, T…), or undefined once it is gone. */
export function processState(pid: number): string | undefined {
  try {
    return parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`))?.state;
  } catch {
    return undefined;
  }
}

/** Whether the agent logged that it holds `session` (its JitterCommand is in the kernel). */
export function agentHolds(agent: AgentOnPty, session: string): boolean {
  return agent.jsonLines().some((line) =>
    line.message === "Session held for jitter" &&
    (line.properties as { session: string }).session === session
  );
}

/** Polls `check` until it holds; resolves to the ms it took, rejects after `timeoutMs`. */
export async function waitUntil(
  what: string,
  check: () => boolean,
  timeoutMs: number,
): Promise<number> {
  const start = performance.now();
  while (!check()) {
    if (performance.now() - start > timeoutMs) throw new Error(`Timed out waiting until ${what}`);
    await sleep(5);
  }
  return performance.now() - start;
}

/** The `event.action` of every alert the agent printed for `session`, in order. */
export function alertActions(agent: AgentOnPty, session: string): string[] {
  return agent.jsonLines()
    .filter((line) => (line.ghost_hunter as { session?: string } | undefined)?.session === session)
    .map((line) => (line.event as { action: string }).action);
}

/** An interactive bash with prompt `$ ` on `pty` (a new one by default), ready for input. */
export async function startScriptedShell(pty = new Pty()): Promise<Pty> {
  pty.spawn("PS1='$ ' exec bash --norc --noprofile -i");
  await pty.waitForOutput("$ ");
  return pty;
}

/** An acting agent and a bot its probe has stopped; disposing kills the bot and stops the agent. */
export interface HeldBot extends AsyncDisposable {
  agent: AgentOnPty;
  bot: RunningBot;
}

/**
 * Starts an acting agent whose delays last seconds (λ kept at most 0.5/s,
 * delays up to 30 s) with `args` added, and a fast bot; resolves once the
 * probe has stopped the bot, so it is stopped whenever the test acts next.
 */
export async function startAgentHoldingBot(args: string[] = []): Promise<HeldBot> {
  const config = await Deno.makeTempFile({ suffix: ".json" });
  await Deno.writeTextFile(
    config,
    JSON.stringify({ lambda: { prior_alpha: 2, prior_beta: 10, min: 0.1, max: 0.5 } }),
  );
  const agent = await AgentOnPty.start(
    ["--config", config, "--max-delay-ms", "30000", ...args],
    "Probe attached",
  );
  const bot = await startFastBot(60);
  const held: HeldBot = {
    agent,
    bot,
    async [Symbol.asyncDispose]() {
      bot.process.kill("SIGKILL");
      await bot.process.status;
      await agent.stop();
      await Deno.remove(config);
    },
  };
  try {
    await waitUntil(
      "the probe stopped the bot",
      () => processState(bot.process.pid) === "T",
      20_000,
    );
  } catch (error) {
    await held[Symbol.asyncDispose]();
    throw error;
  }
  return held;
}
