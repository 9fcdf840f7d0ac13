/**
 * Messages between the scoring path and the writer Worker. The scoring path
 * only posts these; the Worker alone writes the kernel map and the cgroups.
 *
 * @module
 */

/** Scoring path → writer. Times are CLOCK_MONOTONIC milliseconds. */
export type WriterCommand =
  | {
    type: "init";
    jitterCommandsFd: number;
    jitterStateFd: number;
    dryRun: boolean;
    /** Never held: the agent and its guardian. */
    excludePids: number[];
  }
  | { type: "hold"; session: string; sessionKey: number; lambdaScaled: number }
  | { type: "lambda"; session: string; lambdaScaled: number }
  | { type: "wait"; session: string; tMs: number }
  | { type: "release-at"; session: string; inputMs: number; atMs: number }
  | { type: "stop"; session: string }
  | { type: "shutdown" };

/** Writer → scoring path. */
export type WriterReport =
  | {
    type: "log";
    level: "debug" | "info" | "warning" | "error";
    message: string;
    properties: Record<string, unknown>;
  }
  | {
    /** A held session ran again: `atMs` was due, `appliedMs` is when it happened. */
    type: "released";
    session: string;
    inputMs: number;
    atMs: number;
    appliedMs: number;
  }
  | {
    /** Every process of a held session exited: it was released; the terminal may be reused. */
    type: "ended";
    session: string;
    tMs: number;
  }
  | { type: "closed" };
