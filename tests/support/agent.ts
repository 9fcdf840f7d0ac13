/**
 * Runs `./ghost-hunter` for end-to-end tests with its output on a real pty,
 * as an operator's terminal would be, and reads back what it printed.
 *
 * @module
 */
import { Pty } from "./pty.ts";
import type { LiveAgentSummary } from "../../src/pipeline/live_agent.ts";
import type { TraceEvent } from "../../src/trace/trace_event.ts";

/** Absolute path of the built agent. */
export const AGENT_PATH = new URL("../../ghost-hunter", import.meta.url).pathname;

/** An agent process whose stdout and stderr are a pty this test owns. */
export class AgentOnPty {
  readonly terminal: Pty;
  readonly process: Deno.ChildProcess;

  private constructor(terminal: Pty, process: Deno.ChildProcess) {
    this.terminal = terminal;
    this.process = process;
  }

  /**
   * Starts `./ghost-hunter <args>` and waits until it prints `readyMarker`.
   * The live agent keeps no timing profiles unless `--profiles` is given, so
   * that tests neither read nor write the host's profile database.
   */
  static async start(args: string[], readyMarker: string): Promise<AgentOnPty> {
    const live = args.length === 0 || args[0]!.startsWith("-") || args[0] === "run";
    if (live && !args.some((arg) => arg === "--profiles" || arg.startsWith("--profiles="))) {
      args = [...args, "--profiles", "off"];
    }
    const terminal = new Pty();
    const quoted = args.map((arg) => `'${arg.replaceAll("'", "'\\''")}'`).join(
      " ",
    );
    const process = terminal.spawn(`exec ${AGENT_PATH} ${quoted}`);
    const agent = new AgentOnPty(terminal, process);
    try {
      await terminal.waitForOutput(readyMarker, 20_000);
    } catch (error) {
      await agent.stop();
      throw error;
    }
    return agent;
  }

  /** The agent's process id (the launcher execs, so it is Deno's own). */
  get pid(): number {
    return this.process.pid;
  }

  /** The JSON objects the agent printed, one per line. */
  jsonLines(): Record<string, unknown>[] {
    return this.terminal.output.split(/\r?\n/).filter((line) => line.startsWith("{")).map((line) =>
      JSON.parse(line)
    );
  }

  /** Trace events the agent printed (the header line left out). */
  traceEvents(): TraceEvent[] {
    return this.jsonLines().filter((line) => "t" in line) as unknown as TraceEvent[];
  }

  /**
   * The totals of the agent's "Agent stopped" log line (events, alerts,
   * kernelDrops, sessionEvictions, delaysApplied). Throws, with the agent's
   * last output, when it never logged one.
   */
  stopSummary(): LiveAgentSummary {
    const stopped = this.jsonLines().find((line) => line.message === "Agent stopped");
    if (stopped === undefined) {
      throw new Error(
        `The agent logged no stop summary; output: ${this.terminal.output.slice(-2000)}`,
      );
    }
    return stopped.properties as unknown as LiveAgentSummary;
  }

  /** Sends SIGTERM, waits for exit, closes the pty; resolves to the exit status. */
  async stop(): Promise<Deno.CommandStatus> {
    try {
      this.process.kill("SIGTERM");
    } catch {
      // already exited
    }
    const status = await this.process.status;
    await this.terminal.close();
    return status;
  }
}

/** Sleeps `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves once `path` holds a complete first line (record's header); rejects after `timeoutMs`. */
export async function waitForFirstLine(path: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if ((await Deno.readTextFile(path)).includes("\n")) return;
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for the header of ${path}`);
    await sleep(50);
  }
}
