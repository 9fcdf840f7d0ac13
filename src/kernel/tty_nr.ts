/**
 * A session's terminal as /proc names it (`tty_nr`), to tell the agent's own
 * terminal, which is never held, from the sessions it scores.
 *
 * @module
 */
import { devMajor, devMinor } from "./abi.ts";

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
