/**
 * The libc symbols only the tests and benchmarks use, to drive real
 * pseudo-terminals as sshd or tmux would: kept out of ffi/libc.ts so the
 * agent's symbol table holds only what the agent calls. close and errno
 * reuse the agent's definitions.
 *
 * @module
 */
import { openFirst } from "../../ffi/library_path.ts";
import { LIBC_CANDIDATES, LIBC_SYMBOLS } from "../../ffi/libc.ts";

/** libc functions for pseudo-terminals, with their C signatures. */
export const PTY_LIBC_SYMBOLS = {
  /** int posix_openpt(int flags) */
  posix_openpt: {
    parameters: ["i32"], // int flags
    result: "i32",
  },
  /** int grantpt(int fd) */
  grantpt: {
    parameters: ["i32"], // int fd
    result: "i32",
  },
  /** int unlockpt(int fd) */
  unlockpt: {
    parameters: ["i32"], // int fd
    result: "i32",
  },
  /** int ptsname_r(int fd, char *buf, size_t buflen) */
  ptsname_r: {
    parameters: [
      "i32", // int fd
      "buffer", // char *buf
      "usize", // size_t buflen
    ],
    result: "i32",
  },
  /** ssize_t write(int fd, const void *buf, size_t count) */
  write: {
    parameters: [
      "i32", // int fd
      "buffer", // const void *buf
      "usize", // size_t count
    ],
    result: "isize",
  },
  /** ssize_t read(int fd, void *buf, size_t count), on a worker thread */
  read: {
    parameters: [
      "i32", // int fd
      "buffer", // void *buf
      "usize", // size_t count
    ],
    result: "isize",
    nonblocking: true,
  },
  close: LIBC_SYMBOLS.close,
  __errno_location: LIBC_SYMBOLS.__errno_location,
  strerror: LIBC_SYMBOLS.strerror,
} as const satisfies Deno.ForeignLibraryInterface;

/** An open libc with {@link PTY_LIBC_SYMBOLS}. */
export type PtyLibc = Deno.DynamicLibrary<typeof PTY_LIBC_SYMBOLS>;

/** Opens libc with {@link PTY_LIBC_SYMBOLS}, from where the agent opens it. */
export function openPtyLibc(): PtyLibc {
  return openFirst(LIBC_CANDIDATES, PTY_LIBC_SYMBOLS);
}
