/**
 * Turns a failed libc or libbpf call into an Error that names the action,
 * the system's description of errno and its symbolic name.
 *
 * @module
 */
import type { Libc } from "../../ffi/libc.ts";

/** A library handle that can read errno and describe it: libc, through any symbol table. */
export interface ErrnoLibrary {
  symbols: Pick<Libc["symbols"], "__errno_location" | "strerror">;
}

const ERRNO_NAMES: Record<number, string> = {
  1: "EPERM",
  2: "ENOENT",
  4: "EINTR",
  7: "E2BIG",
  9: "EBADF",
  12: "ENOMEM",
  13: "EACCES",
  14: "EFAULT",
  16: "EBUSY",
  17: "EEXIST",
  22: "EINVAL",
  28: "ENOSPC",
  38: "ENOSYS",
  95: "EOPNOTSUPP",
  524: "ENOTSUPP",
};

/** The calling thread's errno right after a failed call. */
export function lastErrno(libc: ErrnoLibrary): number {
  const location = libc.symbols.__errno_location();
  return location === null ? 0 : new Deno.UnsafePointerView(location).getInt32();
}

/** "Operation not permitted (EPERM)" for 1. */
export function describeErrno(libc: ErrnoLibrary, errno: number): string {
  const text = libc.symbols.strerror(errno);
  const description = text === null ? `error ${errno}` : Deno.UnsafePointerView.getCString(text);
  return `${description} (${ERRNO_NAMES[errno] ?? `errno ${errno}`})`;
}

/** An error carrying the errno of a failed system or library call. */
export class OsError extends Error {
  /** The positive errno value. */
  readonly errno: number;

  /**
   * @param action What failed, e.g. "Cannot load the probe".
   * @param errno The positive errno value.
   * @param detail The errno description from {@link describeErrno}.
   */
  constructor(action: string, errno: number, detail: string) {
    super(`${action}: ${detail}`);
    this.name = "OsError";
    this.errno = errno;
  }
}

/** Builds an {@link OsError} for `action` from errno (or from a negative return code). */
export function osError(
  libc: ErrnoLibrary,
  action: string,
  returnCode?: number,
): OsError {
  const errno = returnCode !== undefined && returnCode < 0 ? -returnCode : lastErrno(libc);
  return new OsError(action, errno, describeErrno(libc, errno));
}
