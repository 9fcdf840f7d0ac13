/**
 * Names a session the way people name terminals: `pts/3`, `tty1`, `ttyS0`.
 *
 * @module
 */

import { devMajor, devMinor, TerminalMajor } from "./abi.ts";

/** Minors of the tty major from here on are serial ports, ttyS0 onwards. */
const SERIAL_MINOR_FIRST = 64;

/** The terminal name for a probe session key (a kernel dev_t, see {@linkcode devMajor}). */
export function sessionName(sessionKey: number): string {
  const major = devMajor(sessionKey);
  const minor = devMinor(sessionKey);
  if (major >= TerminalMajor.PTS_FIRST && major <= TerminalMajor.PTS_LAST) {
    return `pts/${(major - TerminalMajor.PTS_FIRST) * 256 + minor}`;
  }
  if (major === TerminalMajor.TTY) {
    return minor < SERIAL_MINOR_FIRST ? `tty${minor}` : `ttyS${minor - SERIAL_MINOR_FIRST}`;
  }
  return `tty:${major}:${minor}`;
}
