/**
 * Trace format version 1: one JSON object per terminal event, one per line.
 * Timing only, never content. `record` writes it, `replay` reads it.
 * Readers ignore fields they do not know; optional fields (such as `shape`)
 * were added without a new version, so every v1 trace stays replayable.
 *
 * @module
 */

/** Which way the bytes went: into the session (keystrokes) or out of it. */
export type Direction = "in" | "out";

/** One terminal event as it appears in a trace. */
export interface TraceEvent {
  /** Milliseconds on CLOCK_MONOTONIC, microsecond precision. */
  t: number;
  /** The terminal naming the session, e.g. `pts/3`. */
  session: string;
  /** `in` for input arriving into the session, `out` for its output. */
  dir: Direction;
  /** Byte count, an integer ≥ 0. */
  bytes: number;
  /** Optional: the process that performed the read or write. */
  pid?: number;
  /** Optional: its user id. */
  uid?: number;
  /** Optional: its command name. */
  comm?: string;
  /** Optional: probe flags (jittered, master side). */
  flags?: number;
  /**
   * Optional, inputs only: the probe's shape of the chunk (InputShape, 0–5:
   * unknown, single byte, escape sequence, UTF-8 character, ends with
   * Enter, other), derived in the kernel from its first and last byte.
   * Traces without it (older v1 traces) replay as shape unknown.
   */
  shape?: number;
}

/** The trace format version this code writes and reads. */
export const TRACE_FORMAT_VERSION = 1;

/** The optional first line of a trace. */
export interface TraceHeader {
  ghost_hunter_trace: typeof TRACE_FORMAT_VERSION;
  [key: string]: unknown;
}

/** Serialises an event as one trace line (without the newline). */
export function formatTraceEvent(event: TraceEvent): string {
  return JSON.stringify({ ...event, t: Math.round(event.t * 1000) / 1000 });
}

/** Nanoseconds to trace milliseconds, exact to the microsecond. */
export function nsToTraceMs(ns: bigint): number {
  return Number(ns / 1000n) / 1000;
}
