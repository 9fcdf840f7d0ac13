/**
 * The TypeScript side of bpf/ghost_hunter.h: offsets, enum values, device
 * numbers and the decoder for events read from the ring buffer. Pure: no
 * FFI, so it tests without privileges. tests/unit/abi_layout_test.ts checks
 * everything here against the BTF of the compiled probe and against a C
 * program built from the header.
 *
 * @module
 */

/** `enum gh_event_kind`. */
export const EventKind = { INPUT: 1, OUTPUT: 2, SESSION_END: 4 } as const;

/** `enum gh_event_flag` bits. */
export const EventFlag = { JITTERED: 1, MASTER_SIDE: 2, WRITER_STOPPED: 4 } as const;

/** `enum gh_jitter_mode`. */
export const JitterMode = { OFF: 0, SIGSTOP: 2 } as const;

/** `enum gh_counter`: indexes into the probe's counters map. */
export const Counter = {
  RINGBUF_DROPS: 0,
  PASSWORD_SKIPS: 1,
  HOLD_SHARED_WRITER: 2,
  HOLD_TABLE_FULL: 3,
  HOLD_JOB_CONTROL: 4,
  MAX: 5,
} as const;

/** The kernel's internal dev_t split (`GH_DEV_MINOR_BITS`, `GH_DEV_MINOR_MASK`). */
export const DEV_T = { MINOR_BITS: 20, MINOR_MASK: 0xfffff } as const;

/** Terminal device majors (`GH_TTY_MAJOR`, `GH_TTYAUX_MAJOR`, `GH_PTS_MAJOR_FIRST`/`_LAST`). */
export const TerminalMajor = { TTY: 4, TTYAUX: 5, PTS_FIRST: 136, PTS_LAST: 143 } as const;

/** `GH_MKDEV`: a kernel dev_t, as in `TtyEvent.sessionKey`, from its major and minor. */
export function mkdev(major: number, minor: number): number {
  return ((major << DEV_T.MINOR_BITS) | minor) >>> 0;
}

/** `GH_DEV_MAJOR`: the major of a kernel dev_t. */
export function devMajor(dev: number): number {
  return dev >>> DEV_T.MINOR_BITS;
}

/** `GH_DEV_MINOR`: the minor of a kernel dev_t. */
export function devMinor(dev: number): number {
  return dev & DEV_T.MINOR_MASK;
}

/** `struct gh_tty_event`: size and field offsets in bytes. */
export const TTY_EVENT_LAYOUT = {
  size: 64,
  timestamp_ns: 0,
  kind: 8,
  flags: 12,
  tgid: 16,
  tid: 20,
  uid: 24,
  session_key: 28,
  bytes: 32,
  comm: 40,
  login_id: 56,
  shape: 60,
  _pad: 61,
} as const;

/** `struct gh_jitter_command`: size and field offsets in bytes. */
export const JITTER_COMMAND_LAYOUT = {
  size: 16,
  lambda_scaled: 0,
  mode: 4,
  expiry_ns: 8,
} as const;

/** `struct gh_stopped_writer`: size and field offsets in bytes. */
export const STOPPED_WRITER_LAYOUT = {
  size: 24,
  stopped_ns: 0,
  start_boottime_ns: 8,
  tgid: 16,
  session_key: 20,
} as const;

/** `struct gh_probe_config`: size and field offsets in bytes. */
export const PROBE_CONFIG_LAYOUT = {
  size: 8,
  agent_tgid: 0,
  _pad: 4,
} as const;

const COMM_LENGTH = 16;
/** The kernel NUL-terminates comm: at most 15 bytes are a name. */
const COMM_MAX_CHARS = COMM_LENGTH - 1;

/** A decoded `struct gh_tty_event`. */
export interface TtyEvent {
  /** CLOCK_MONOTONIC nanoseconds, as a bigint: a double loses sub-µs after 104 days of uptime. */
  timestampNs: bigint;
  /** One of {@link EventKind}. */
  kind: number;
  /** {@link EventFlag} bits. */
  flags: number;
  tgid: number;
  tid: number;
  uid: number;
  /** Kernel dev_t of the session's pty slave or tty: {@link mkdev}(major, minor). */
  sessionKey: number;
  /**
   * Byte count passed to the syscall, capped at Number.MAX_SAFE_INTEGER: a
   * caller can pass any size_t, and the trace keeps integers exact.
   */
  bytes: number;
  /** Command name, at most 15 bytes. */
  comm: string;
  /**
   * Which login on `sessionKey`: the pid of the session leader whose
   * controlling terminal it is, so a reused pty gets a new one; 0 when the
   * terminal is no session's controlling tty.
   */
  loginId: number;
  /**
   * Shape of an input chunk (`enum gh_input_shape`, mirrored by InputShape in
   * src/score/input_shape.ts, where the scorer reads it); 0 where not derived.
   */
  shape: number;
}

const latin1 = new TextDecoder("latin1");
const MAX_SAFE_BYTES = BigInt(Number.MAX_SAFE_INTEGER);

/**
 * Decodes one event at `offset` in `view`. Throws a RangeError when fewer than
 * 64 bytes remain, and an Error naming the field when kind is unknown.
 */
export function decodeTtyEvent(view: DataView, offset: number): TtyEvent {
  if (!Number.isInteger(offset) || offset < 0 || offset + TTY_EVENT_LAYOUT.size > view.byteLength) {
    throw new RangeError(
      `Cannot decode TtyEvent at offset ${offset}: needs ${TTY_EVENT_LAYOUT.size} bytes, ${
        view.byteLength - offset
      } available`,
    );
  }
  const kind = view.getUint32(offset + TTY_EVENT_LAYOUT.kind, true);
  if (kind !== EventKind.INPUT && kind !== EventKind.OUTPUT && kind !== EventKind.SESSION_END) {
    throw new Error(
      `Cannot decode TtyEvent at offset ${offset}: unknown kind ${kind}`,
    );
  }
  const commStart = view.byteOffset + offset + TTY_EVENT_LAYOUT.comm;
  const commBytes = new Uint8Array(view.buffer, commStart, COMM_LENGTH);
  const nul = commBytes.subarray(0, COMM_MAX_CHARS).indexOf(0);
  const bytes = view.getBigUint64(offset + TTY_EVENT_LAYOUT.bytes, true);
  return {
    timestampNs: view.getBigUint64(
      offset + TTY_EVENT_LAYOUT.timestamp_ns,
      true,
    ),
    kind,
    flags: view.getUint32(offset + TTY_EVENT_LAYOUT.flags, true),
    tgid: view.getUint32(offset + TTY_EVENT_LAYOUT.tgid, true),
    tid: view.getUint32(offset + TTY_EVENT_LAYOUT.tid, true),
    uid: view.getUint32(offset + TTY_EVENT_LAYOUT.uid, true),
    sessionKey: view.getUint32(offset + TTY_EVENT_LAYOUT.session_key, true),
    bytes: bytes > MAX_SAFE_BYTES ? Number.MAX_SAFE_INTEGER : Number(bytes),
    comm: latin1.decode(commBytes.subarray(0, nul === -1 ? COMM_MAX_CHARS : nul)),
    loginId: view.getUint32(offset + TTY_EVENT_LAYOUT.login_id, true),
    shape: view.getUint8(offset + TTY_EVENT_LAYOUT.shape),
  };
}

/** A `struct gh_jitter_command` to write into the probe's map. */
export interface JitterCommand {
  /** λ × 1000, an integer that fits in a u32. */
  lambdaScaled: number;
  /** One of {@link JitterMode}. */
  mode: number;
  /** CLOCK_MONOTONIC nanoseconds after which the probe ignores the command. */
  expiryNs: bigint;
}

/** Encodes a JitterCommand into 16 bytes, the map value the probe reads. */
export function encodeJitterCommand(command: JitterCommand): Uint8Array {
  const bytes = new Uint8Array(JITTER_COMMAND_LAYOUT.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(
    JITTER_COMMAND_LAYOUT.lambda_scaled,
    command.lambdaScaled,
    true,
  );
  view.setUint32(JITTER_COMMAND_LAYOUT.mode, command.mode, true);
  view.setBigUint64(JITTER_COMMAND_LAYOUT.expiry_ns, command.expiryNs, true);
  return bytes;
}

/** A decoded `struct gh_stopped_writer`: a writer the probe stopped, keyed by its thread id. */
export interface StoppedWriter {
  /** CLOCK_MONOTONIC nanoseconds of the stop (the held input's timestamp). */
  stoppedNs: bigint;
  /** The process's start in ns since boot; /proc/PID/stat field 22 is this in clock ticks. */
  startBoottimeNs: bigint;
  /** The process to SIGCONT. */
  tgid: number;
  sessionKey: number;
}

/** Decodes a `stopped_writers` map value (24 bytes). */
export function decodeStoppedWriter(bytes: Uint8Array): StoppedWriter {
  if (bytes.length < STOPPED_WRITER_LAYOUT.size) {
    throw new RangeError(
      `Cannot decode StoppedWriter: needs ${STOPPED_WRITER_LAYOUT.size} bytes, got ${bytes.length}`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return {
    stoppedNs: view.getBigUint64(STOPPED_WRITER_LAYOUT.stopped_ns, true),
    startBoottimeNs: view.getBigUint64(STOPPED_WRITER_LAYOUT.start_boottime_ns, true),
    tgid: view.getUint32(STOPPED_WRITER_LAYOUT.tgid, true),
    sessionKey: view.getUint32(STOPPED_WRITER_LAYOUT.session_key, true),
  };
}
