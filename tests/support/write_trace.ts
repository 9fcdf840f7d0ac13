/**
 * A witness independent of the probe for when an input really entered a
 * session: an ftrace instance (tracefs) that records each write() a pty's
 * writer starts on the pty master, on CLOCK_MONOTONIC (trace clock `mono`,
 * the probe's clock). An input the probe held enters write() twice: once
 * when it was stopped, and again when the SIGCONT let it restart; the last
 * entry is when it landed. Used where the bot cannot see the landing itself
 * (over ssh, sshd is the writer and the bot writes into a pipe).
 *
 * @module
 */
import { runToEnd } from "./run_to_end.ts";

const TRACEFS = "/sys/kernel/tracing";
const EVENT = "events/syscalls/sys_enter_write";

/** The process writing `session`'s pty master (its session leader's parent) and its fds on /dev/ptmx. */
export async function ptyWriter(session: string): Promise<{ pid: number; fds: number[] }> {
  const ps = await runToEnd("ps", ["-t", session, "-o", "pid=,ppid=,sid="]);
  const leader = ps.stdout.trim().split("\n").map((line) => line.trim().split(/\s+/).map(Number))
    .find(([pid, , sid]) => pid === sid);
  if (leader === undefined) throw new Error(`Cannot find the session leader of ${session}`);
  const pid = leader[1]!;
  const fds = [...Deno.readDirSync(`/proc/${pid}/fd`)]
    .filter((entry) => Deno.readLinkSync(`/proc/${pid}/fd/${entry.name}`) === "/dev/ptmx")
    .map((entry) => Number(entry.name));
  if (fds.length === 0) throw new Error(`Cannot find the pty master among the fds of pid ${pid}`);
  return { pid, fds };
}

/** The CLOCK_MONOTONIC ms of each traced write() entry in the text of a trace file. */
export function writeEntriesMs(trace: string): number[] {
  return [...trace.matchAll(/\s(\d+\.\d+): sys_write\(/g)].map((match) => Number(match[1]) * 1000);
}

/** One ftrace instance recording write() entries of one process on some fds. Close it to remove it. */
export class WriteTrace {
  #dir: string;
  #mounted: boolean;
  #closed = false;

  private constructor(dir: string, mounted: boolean) {
    this.#dir = dir;
    this.#mounted = mounted;
  }

  /** Starts recording the write() entries of `pid` on `fds` (mounts tracefs if it is not). */
  static async start(pid: number, fds: readonly number[]): Promise<WriteTrace> {
    let mounted = false;
    try {
      Deno.statSync(`${TRACEFS}/instances`);
    } catch {
      const mount = await runToEnd("mount", ["-t", "tracefs", "nodev", TRACEFS]);
      if (mount.code !== 0) throw new Error(`Cannot mount tracefs: ${mount.stderr.trim()}`);
      mounted = true;
    }
    const dir = `${TRACEFS}/instances/gh-write-trace-${Deno.pid}-${pid}`;
    Deno.mkdirSync(dir);
    const trace = new WriteTrace(dir, mounted);
    try {
      Deno.writeTextFileSync(`${dir}/trace_clock`, "mono");
      Deno.writeTextFileSync(
        `${dir}/${EVENT}/filter`,
        `common_pid == ${pid} && (${fds.map((fd) => `fd == ${fd}`).join(" || ")})`,
      );
      Deno.writeTextFileSync(`${dir}/${EVENT}/enable`, "1");
    } catch (error) {
      await trace.close();
      throw error;
    }
    return trace;
  }

  /** The CLOCK_MONOTONIC ms of every write() entry recorded so far. */
  entriesMs(): number[] {
    return writeEntriesMs(Deno.readTextFileSync(`${this.#dir}/trace`));
  }

  /** Stops recording and removes the instance (and tracefs, if it mounted it). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      Deno.writeTextFileSync(`${this.#dir}/${EVENT}/enable`, "0");
    } finally {
      Deno.removeSync(this.#dir);
      if (this.#mounted) await runToEnd("umount", [TRACEFS]);
    }
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
