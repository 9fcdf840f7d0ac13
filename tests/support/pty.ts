/**
 * A real pseudo-terminal for end-to-end tests: the test holds the master
 * side (like sshd or tmux) and runs a program on the slave side.
 *
 * @module
 */
import { openPtyLibc, type PtyLibc } from "./pty_libc.ts";
import { MonotonicClock } from "../../src/kernel/monotonic_clock.ts";
import { osError } from "../../src/kernel/os_error.ts";

const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;

/** A pty pair whose master this process owns. Close it when done; closing twice is harmless. */
export class Pty {
  #libc: PtyLibc;
  #masterFd: number;
  #clock = new MonotonicClock();
  #output = "";
  // When each read from the master ended, and how long the output was then.
  #arrivals: { end: number; t: number }[] = [];
  #draining: Promise<void>;
  #child: Deno.ChildProcess | undefined;
  // Held open so the master never reads EIO before the child opens the slave.
  #slave: Deno.FsFile;
  /** Path of the slave side, e.g. /dev/pts/7. */
  readonly slavePath: string;

  constructor() {
    this.#libc = openPtyLibc();
    const libc = this.#libc.symbols;
    this.#masterFd = libc.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    const name = new Uint8Array(128);
    if (
      this.#masterFd < 0 || libc.grantpt(this.#masterFd) !== 0 ||
      libc.unlockpt(this.#masterFd) !== 0 ||
      libc.ptsname_r(this.#masterFd, name, BigInt(name.length)) !== 0
    ) {
      throw osError(this.#libc, "Cannot open a pseudo-terminal");
    }
    this.slavePath = new TextDecoder().decode(
      name.subarray(0, name.indexOf(0)),
    );
    this.#slave = Deno.openSync(this.slavePath, { read: true, write: true });
    this.#draining = this.#drain();
  }

  /** The session name the probe reports for this pty, e.g. `pts/7`. */
  get sessionName(): string {
    return this.slavePath.replace("/dev/", "");
  }

  /** Everything the slave side has written so far (after tty output processing). */
  get output(): string {
    return this.#output;
  }

  /**
   * Runs `script` with `sh -c` as a new session whose stdin, stdout, stderr
   * and controlling terminal are the slave side.
   */
  spawn(script: string): Deno.ChildProcess {
    const command = new Deno.Command("setsid", {
      args: [
        "sh",
        "-c",
        `exec <${this.slavePath} >${this.slavePath} 2>&1; ${script}`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    });
    this.#child = command.spawn();
    return this.#child;
  }

  /** Writes `text` into the master side now; returns CLOCK_MONOTONIC ms taken just before the write. */
  type(text: string | Uint8Array): number {
    const bytes = typeof text === "string" ? new TextEncoder().encode(text) : text;
    const t = this.#clock.nowMs();
    const written = this.#libc.symbols.write(
      this.#masterFd,
      bytes,
      BigInt(bytes.length),
    );
    if (Number(written) !== bytes.length) {
      throw osError(this.#libc, "Cannot write to the pty master");
    }
    return t;
  }

  /** Resolves once the slave side has written `marker`; rejects after `timeoutMs`. */
  async waitForOutput(marker: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.#output.includes(marker)) {
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out waiting for "${marker}" on ${this.slavePath}; saw ${
            JSON.stringify(this.#output)
          }`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /**
   * Resolves to the CLOCK_MONOTONIC ms at which the output first grew past
   * `length` characters; rejects after `timeoutMs`.
   */
  async waitForOutputPast(length: number, timeoutMs = 5000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const arrival = this.#arrivals.find((a) => a.end > length);
      if (arrival !== undefined) return arrival.t;
      if (Date.now() > deadline) {
        throw new Error(
          `Timed out waiting for output on ${this.slavePath} past ${length} characters`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  async #drain(): Promise<void> {
    const buffer = new Uint8Array(4096);
    const decoder = new TextDecoder();
    for (;;) {
      const n = Number(
        await this.#libc.symbols.read(
          this.#masterFd,
          buffer,
          BigInt(buffer.length),
        ),
      );
      if (n <= 0) return; // EIO: every slave descriptor is closed
      this.#output += decoder.decode(buffer.subarray(0, n), { stream: true });
      this.#arrivals.push({ end: this.#output.length, t: this.#clock.nowMs() });
    }
  }

  /** Kills the program on the slave side, waits for the master to see it go, and closes the master. */
  async close(): Promise<void> {
    if (this.#masterFd < 0) return;
    if (this.#child !== undefined) {
      try {
        this.#child.kill("SIGKILL");
      } catch {
        // already exited
      }
      await this.#child.status;
    }
    this.#slave.close();
    await this.#draining;
    this.#libc.symbols.close(this.#masterFd);
    this.#masterFd = -1;
    this.#clock.close();
    this.#libc.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
