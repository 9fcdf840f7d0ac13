/**
 * libc symbols used by the agent: memory maps for the ring buffer, epoll to
 * wait on it without blocking the event loop, errno, the monotonic clock,
 * signals and priority for the actuator, and mount for the BPF file system.
 * (The pseudo-terminal symbols the tests use are in tests/support/pty_libc.ts.)
 *
 * @module
 */
import { type LibraryCandidates, openFirst } from "./library_path.ts";

/** The libc functions ghost-hunter calls, with their C signatures. */
export const LIBC_SYMBOLS = {
  /** void *mmap(void *addr, size_t length, int prot, int flags, int fd, off_t offset) */
  mmap: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
      "i32", // int prot
      "i32", // int flags
      "i32", // int fd
      "i64", // off_t offset
    ],
    result: "pointer",
  },
  /** int munmap(void *addr, size_t length) */
  munmap: {
    parameters: [
      "pointer", // void *addr
      "usize", // size_t length
    ],
    result: "i32",
  },
  /** int epoll_create1(int flags) */
  epoll_create1: {
    parameters: ["i32"], // int flags
    result: "i32",
  },
  /** int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event) */
  epoll_ctl: {
    parameters: [
      "i32", // int epfd
      "i32", // int op
      "i32", // int fd
      "buffer", // struct epoll_event *event
    ],
    result: "i32",
  },
  /** int epoll_wait(int epfd, struct epoll_event *events, int maxevents, int timeout), on a worker thread */
  epoll_wait: {
    parameters: [
      "i32", // int epfd
      "buffer", // struct epoll_event *events
      "i32", // int maxevents
      "i32", // int timeout
    ],
    result: "i32",
    nonblocking: true,
  },
  /** int close(int fd) */
  close: {
    parameters: ["i32"], // int fd
    result: "i32",
  },
  /** int *__errno_location(void) */
  __errno_location: {
    parameters: [],
    result: "pointer",
  },
  /** char *strerror(int errnum) */
  strerror: {
    parameters: ["i32"], // int errnum
    result: "pointer",
  },
  /** int clock_gettime(clockid_t clockid, struct timespec *tp) */
  clock_gettime: {
    parameters: [
      "i32", // clockid_t clockid
      "buffer", // struct timespec *tp
    ],
    result: "i32",
  },
  /** int kill(pid_t pid, int sig) */
  kill: {
    parameters: [
      "i32", // pid_t pid
      "i32", // int sig
    ],
    result: "i32",
  },
  /** pid_t gettid(void) */
  gettid: {
    parameters: [],
    result: "i32",
  },
  /** int setpriority(int which, id_t who, int prio) */
  setpriority: {
    parameters: [
      "i32", // int which
      "u32", // id_t who
      "i32", // int prio
    ],
    result: "i32",
  },
  /** int mount(const char *source, const char *target, const char *filesystemtype, unsigned long mountflags, const void *data) */
  mount: {
    parameters: [
      "buffer", // const char *source
      "buffer", // const char *target
      "buffer", // const char *filesystemtype
      "u64", // unsigned long mountflags
      "buffer", // const void *data
    ],
    result: "i32",
  },
} as const satisfies Deno.ForeignLibraryInterface;

/** An open libc. */
export type Libc = Deno.DynamicLibrary<typeof LIBC_SYMBOLS>;

/** Where libc is looked for: `$GHOST_HUNTER_LIBC` if set, else `libc.so.6`. */
export const LIBC_CANDIDATES: LibraryCandidates = {
  envVar: "GHOST_HUNTER_LIBC",
  sonames: ["libc.so.6"],
};

/** Opens libc with {@link LIBC_SYMBOLS}. */
export function openLibc(): Libc {
  return openFirst(LIBC_CANDIDATES, LIBC_SYMBOLS);
}
