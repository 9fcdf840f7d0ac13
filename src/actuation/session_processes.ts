/**
 * Finds the processes of a terminal session: those whose controlling
 * terminal is the session's tty, from /proc/<pid>/stat.
 *
 * @module
 */
import { devMajor, devMinor } from "../kernel/abi.ts";

/**
 * The `tty_nr` /proc reports for a probe session key (a kernel dev_t, see
 * {@linkcode devMajor}), in the kernel's user-space encoding.
 */
export function ttyNrOfSessionKey(sessionKey: number): number {
  const major = devMajor(sessionKey);
  const minor = devMinor(sessionKey);
  return ((minor & 0xff) | (major << 8) | ((minor & ~0xff) << 12)) >>> 0;
}

/** The controlling tty (`tty_nr`, field 7) in the text of /proc/<pid>/stat, or undefined. */
export function ttyNrOfStat(stat: string): number | undefined {
  // comm (field 2) may hold spaces and parentheses: fields restart after the last ")".
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ttyNr = Number(fields[4]);
  return Number.isInteger(ttyNr) ? ttyNr >>> 0 : undefined;
}

/** Pids whose controlling terminal is `ttyNr`, leaving out `exclude`. */
export async function sessionProcesses(
  ttyNr: number,
  exclude: ReadonlySet<number>,
): Promise<number[]> {
  const pids: number[] = [];
  for await (const entry of Deno.readDir("/proc")) {
    const pid = Number(entry.name);
    if (!Number.isInteger(pid) || exclude.has(pid)) continue;
    try {
      if (ttyNrOfStat(await Deno.readTextFile(`/proc/${pid}/stat`)) === ttyNr) pids.push(pid);
    } catch {
      // exited while we looked
    }
  }
  return pids;
}

/** read, and the select/poll family readline waits in, on this architecture. */
const WAIT_SYSCALLS = Deno.build.arch === "aarch64" ? [63, 72, 73] : [0, 7, 23, 270, 271];

/**
 * Whether any of `pids` is blocked in read(2) or a select/poll-family wait
 * right now (/proc/<pid>/syscall): a session held at that moment is waiting
 * for its next input.
 */
export async function anyWaitingForInput(pids: readonly number[]): Promise<boolean> {
  for (const pid of pids) {
    try {
      const syscall = await Deno.readTextFile(`/proc/${pid}/syscall`);
      if (WAIT_SYSCALLS.includes(Number(syscall.split(" ")[0]))) return true;
    } catch {
      // exited while we looked
    }
  }
  return false;
}
