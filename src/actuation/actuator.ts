/**
 * The scoring path's handle on the actuator Worker, and the guardian that
 * releases every held session if this process dies in any way (SIGKILL
 * included): a shell waiting on a pipe only this process holds, which runs
 * `ghost-hunter release` when the pipe closes. The kernel releases nothing
 * by itself: a writer the probe stopped stays stopped until someone sends
 * SIGCONT, and `release` finds every one in the pinned stopped-writer map.
 *
 * @module
 */
import { openLibc } from "../../ffi/libc.ts";
import type { ActuatorCommand, ActuatorReport } from "./actuator_protocol.ts";

const PRIO_PROCESS = 0;
/**
 * Every thread of the agent runs at this nice level while it delays
 * sessions: a release is due at a drawn instant, and the event that carries
 * its input must reach the actuator in time with every CPU busy. Not -20:
 * the scoring thread must not starve the host under an event flood.
 */
const AGENT_NICE = -10;

/** What {@link Actuator.start} needs. */
export interface ActuatorOptions {
  jitterCommandsFd: number;
  stoppedWritersFd: number;
  /** Log every action, perform none. */
  dryRun: boolean;
  /** The cap on one delay: a writer stopped longer than this (plus a second) is let go. */
  maxDelayMs: number;
  /** Receives the actuator's reports (logs, releases, ended sessions). */
  onReport: (report: ActuatorReport) => void;
}

/** The command line that runs `ghost-hunter release` with this same program. */
function releaseCommandLine(): string[] {
  const launcherMode = Deno.execPath().endsWith("/deno");
  return launcherMode
    ? [
      Deno.execPath(),
      "run",
      "--quiet",
      "--no-prompt",
      "--allow-all",
      new URL(Deno.mainModule).pathname,
      "release",
    ]
    : [Deno.execPath(), "release"];
}

function spawnGuardian(): Deno.ChildProcess {
  const guardian = new Deno.Command("sh", {
    args: [
      "-c",
      'trap "" INT TERM HUP; read _; exec "$@" >/dev/null',
      "ghost-hunter-guardian",
      ...releaseCommandLine(),
    ],
    stdin: "piped",
    stdout: "null",
    stderr: "inherit",
  }).spawn();
  guardian.unref();
  return guardian;
}

/** Renices every thread of this process (threads made later inherit it from their creator). */
function raiseAgentPriority(): void {
  const libc = openLibc();
  try {
    for (const task of Deno.readDirSync("/proc/self/task")) {
      libc.symbols.setpriority(PRIO_PROCESS, Number(task.name), AGENT_NICE);
    }
  } finally {
    libc.close();
  }
}

/** Posts commands to the actuator Worker. Close it to release every session and stop the Worker. */
export class Actuator {
  #worker: Worker;
  #guardian: Deno.ChildProcess | undefined;
  #closed: Promise<void>;
  #resolveClosed: () => void = () => {};
  #closing = false;

  private constructor(worker: Worker, guardian: Deno.ChildProcess | undefined) {
    this.#worker = worker;
    this.#guardian = guardian;
    this.#closed = new Promise((resolve) => this.#resolveClosed = resolve);
  }

  /** Starts the guardian (not in dry run) and the Worker. */
  static start(options: ActuatorOptions): Actuator {
    const guardian = options.dryRun ? undefined : spawnGuardian();
    if (!options.dryRun) raiseAgentPriority();
    const worker = new Worker(new URL("./actuator_worker.ts", import.meta.url), {
      type: "module",
    });
    const actuator = new Actuator(worker, guardian);
    worker.onmessage = (message: MessageEvent<ActuatorReport>) => {
      if (message.data.type === "closed") actuator.#resolveClosed();
      else options.onReport(message.data);
    };
    actuator.post({
      type: "init",
      jitterCommandsFd: options.jitterCommandsFd,
      stoppedWritersFd: options.stoppedWritersFd,
      dryRun: options.dryRun,
      maxHoldMs: options.maxDelayMs + 1000,
    });
    return actuator;
  }

  /** Posts one command; never blocks, never writes anything itself. */
  post(command: ActuatorCommand): void {
    if (!this.#closing) this.#worker.postMessage(command);
  }

  /** Releases every session, stops the Worker, then lets the guardian go. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#worker.postMessage({ type: "shutdown" } satisfies ActuatorCommand);
    }
    await this.#closed;
    this.#worker.terminate();
    if (this.#guardian !== undefined) {
      await this.#guardian.stdin.close().catch(() => {});
      this.#guardian = undefined;
    }
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
