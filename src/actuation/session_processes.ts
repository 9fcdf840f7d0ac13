/**
 * Finds whether a terminal session still has processes: those whose
 * controlling terminal is the session's tty, from /proc/<pid>/stat.
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

/**
 * Of `ttyNrs`, those some process has as its controlling terminal now (one
 * pass over /proc): a session whose terminal nobody has any more has ended.
 */
export function ttysInUse(ttyNrs: readonly number[]): Set<number> {
  const wanted = new Set(ttyNrs);
  const found = new Set<number>();
  if (wanted.size === 0) return found;
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const ttyNr = ttyNrOfStat(Deno.readTextFileSync(`/proc/${entry.name}/stat`));
      if (ttyNr !== undefined && wanted.has(ttyNr)) found.add(ttyNr);
    } catch {
      // exited while we looked
    }
    if (found.size === wanted.size) break;
  }
  return found;
}
