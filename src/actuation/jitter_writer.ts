/**
 * The scoring path's handle on the writer Worker, and the guardian that
 * releases every held session if this process dies in any way (SIGKILL
 * included): a shell waiting on a pipe only this process holds, which runs
 * `ghost-hunter release` when the pipe closes.
 *
 * @module
 */
import type { WriterCommand, WriterReport } from "./writer_protocol.ts";

/** What {@link JitterWriter.start} needs. */
export interface JitterWriterOptions {
  jitterCommandsFd: number;
  jitterStateFd: number;
  /** Log every action, perform none. */
  dryRun: boolean;
  /** Receives the writer's reports (logs, releases). */
  onReport: (report: WriterReport) => void;
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

/** Posts commands to the writer Worker. Close it to release every session and stop the Worker. */
export class JitterWriter {
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
  static start(options: JitterWriterOptions): JitterWriter {
    const guardian = options.dryRun ? undefined : spawnGuardian();
    const worker = new Worker(new URL("./writer_worker.ts", import.meta.url), { type: "module" });
    const writer = new JitterWriter(worker, guardian);
    worker.onmessage = (message: MessageEvent<WriterReport>) => {
      if (message.data.type === "closed") writer.#resolveClosed();
      else options.onReport(message.data);
    };
    writer.post({
      type: "init",
      jitterCommandsFd: options.jitterCommandsFd,
      jitterStateFd: options.jitterStateFd,
      dryRun: options.dryRun,
      excludePids: guardian === undefined ? [Deno.pid] : [Deno.pid, guardian.pid],
    });
    return writer;
  }

  /** Posts one command; never blocks, never writes anything itself. */
  post(command: WriterCommand): void {
    if (!this.#closing) this.#worker.postMessage(command);
  }

  /** Releases every session, stops the Worker, then lets the guardian go. Idempotent. */
  async close(): Promise<void> {
    if (!this.#closing) {
      this.#closing = true;
      this.#worker.postMessage({ type: "shutdown" } satisfies WriterCommand);
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
