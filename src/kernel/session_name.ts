/**
 * Names a session the way people name terminals: `pts/3`, `tty1`, `ttyS0`.
 *
 * @module
 */

const PTS_MAJOR_FIRST = 136;
const PTS_MAJOR_LAST = 143;
const TTY_MAJOR = 4;
const SERIAL_MINOR_FIRST = 64;

/** The terminal name for a probe session key (kernel dev_t `major << 20 | minor`). */
export function sessionName(sessionKey: number): string {
  const major = sessionKey >>> 20;
  const minor = sessionKey & 0xfffff;
  if (major >= PTS_MAJOR_FIRST && major <= PTS_MAJOR_LAST) {
    return `pts/${(major - PTS_MAJOR_FIRST) * 256 + minor}`;
  }
  if (major === TTY_MAJOR) {
    return minor < SERIAL_MINOR_FIRST ? `tty${minor}` : `ttyS${minor - SERIAL_MINOR_FIRST}`;
  }
  return `tty:${major}:${minor}`;
}
