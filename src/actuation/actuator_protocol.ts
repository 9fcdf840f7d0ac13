/**
 * Messages between the scoring path and the actuator Worker. The scoring
 * path only posts these; the Worker alone writes the kernel's jitter map and
 * sends SIGCONT to the pty writers the probe stopped.
 *
 * Names: the *actuator* is the Worker that delays sessions; a *writer* is
 * the process writing a session's pty master (sshd, tmux, script, a bot),
 * which the probe stops at each input of a jittered session.
 *
 * @module
 */

/** Scoring path → actuator. Times are CLOCK_MONOTONIC milliseconds. */
export type ActuatorCommand =
  | {
    type: "init";
    jitterCommandsFd: number;
    stoppedWritersFd: number;
    dryRun: boolean;
    /** A writer stopped longer than this (the delay cap plus a margin) is released regardless. */
    maxHoldMs: number;
  }
  | { type: "hold"; session: string; sessionKey: number; lambdaScaled: number }
  | { type: "lambda"; session: string; lambdaScaled: number }
  | {
    type: "release-at";
    session: string;
    /** The input's kernel timestamp. */
    inputMs: number;
    /** When to let it through: `inputMs` plus its drawn delay. */
    atMs: number;
    /** Thread the probe stopped for this input, or null where it stopped none. */
    writerTid: number | null;
  }
  | { type: "stop"; session: string }
  | { type: "shutdown" };

/** Actuator → scoring path. */
export type ActuatorReport =
  | {
    type: "log";
    level: "debug" | "info" | "warning" | "error";
    message: string;
    properties: Record<string, unknown>;
  }
  | {
    /** A held input was let through: `atMs` was due, `appliedMs` is when it happened. */
    type: "released";
    session: string;
    inputMs: number;
    atMs: number;
    appliedMs: number;
  }
  | { type: "closed" };

/** A drawn delay for one input, as the jitter policy decides it. */
export interface DrawnDelay {
  session: string;
  /** The input's kernel timestamp, CLOCK_MONOTONIC ms. */
  t: number;
  /** The drawn delay. */
  seconds: number;
}

/** The release-at command for `delay`: the input goes through at its timestamp plus the delay. */
export function releaseAtCommand(
  delay: DrawnDelay,
  writerTid: number | null,
): Extract<ActuatorCommand, { type: "release-at" }> {
  return {
    type: "release-at",
    session: delay.session,
    inputMs: delay.t,
    atMs: delay.t + delay.seconds * 1000,
    writerTid,
  };
}
