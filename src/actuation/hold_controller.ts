/**
 * The actuator's state machine, pure: which sessions are held, when each
 * stopped writer is let through, and in what order. Everything it acts on
 * (clock, timer, kernel map, signals, the process table) is an injected
 * port, so hold → release → stop ordering is unit-tested without a kernel.
 *
 * How a hold works: while a session has a JitterCommand in the kernel, the
 * probe stops (SIGSTOP) the process writing each input into its pty master
 * before a byte lands, and records it. The scoring path draws the input's
 * delay d and posts `release-at` (input timestamp + d); the controller sends
 * SIGCONT then, and the write restarts and lands.
 *
 * @module
 */
import type { ActuatorCommand, ActuatorReport } from "./actuator_protocol.ts";

/** A writer the probe stopped and has not seen run since (a `stopped_writers` entry). */
export interface StoppedWriterEntry {
  tid: number;
  sessionKey: number;
  /** When it was stopped, CLOCK_MONOTONIC ms. */
  stoppedMs: number;
}

/** What the controller drives. */
export interface HoldPorts {
  /** CLOCK_MONOTONIC milliseconds, the clock of the probe's timestamps. */
  nowMs(): number;
  /** Calls `fire` at CLOCK_MONOTONIC `atMs` (at once if past); the result cancels it. */
  at(atMs: number, fire: () => void): () => void;
  /** Writes or refreshes the session's JitterCommand in the kernel map. */
  writeCommand(sessionKey: number, lambdaScaled: number): void;
  /** Removes the session's JitterCommand: the probe stops no more of its writers. */
  deleteCommand(sessionKey: number): void;
  /** The probe's record of writers it stopped. */
  stoppedWriters(): StoppedWriterEntry[];
  /**
   * Sends SIGCONT to the process of the writer the probe recorded for `tid`,
   * after checking it is the process that was stopped. `overdue` also
   * requires it to be stopped now, and drops the record otherwise. Resolves
   * to whether a signal was sent.
   */
  continueWriter(tid: number, overdue: boolean): boolean;
  report(report: ActuatorReport): void;
}

/** What {@link HoldController} needs besides its ports. */
export interface HoldControllerOptions {
  /** Log what would be done, do nothing. */
  dryRun: boolean;
  /** A stopped writer with no release scheduled is let go after this long. */
  maxHoldMs: number;
}

interface PendingRelease {
  inputMs: number;
  /** The drawn release time. */
  atMs: number;
  cancel: () => void;
}

/** A session the actuator delays. */
interface HeldSession {
  session: string;
  sessionKey: number;
  lambdaScaled: number;
  /** When the latest input was (or will be) let through: later inputs never go before it. */
  lastReleaseMs: number;
  /** Stopped writers waiting for their release, by thread id. */
  pending: Map<number, PendingRelease>;
}

/** Applies {@link ActuatorCommand}s in the order they arrive; {@link tick} once a second. */
export class HoldController {
  #ports: HoldPorts;
  #options: HoldControllerOptions;
  #held = new Map<string, HeldSession>();

  constructor(ports: HoldPorts, options: HoldControllerOptions) {
    this.#ports = ports;
    this.#options = options;
  }

  /** Sessions currently held. */
  get sessions(): string[] {
    return [...this.#held.keys()];
  }

  /** Applies one command. */
  apply(command: ActuatorCommand): void {
    switch (command.type) {
      case "init":
        return;
      case "hold":
        return this.#hold(command.session, command.sessionKey, command.lambdaScaled);
      case "lambda": {
        const held = this.#held.get(command.session);
        if (held === undefined) return;
        held.lambdaScaled = command.lambdaScaled;
        return this.#writeCommand(held);
      }
      case "release-at":
        return this.#releaseAt(command);
      case "stop":
        return this.#stop(command.session);
      case "shutdown":
        for (const session of this.sessions) this.#stop(session);
        return;
    }
  }

  /**
   * Keeps live commands from expiring, and lets go any stopped writer whose
   * release never came (its event was lost, or the scoring path fell behind)
   * once it is older than maxHoldMs. Sessions end only when the agent says
   * so (a `stop`): the kernel reports a login's end to it.
   */
  tick(): void {
    for (const held of this.#held.values()) this.#writeCommand(held);
    if (this.#options.dryRun) return;
    const pending = new Set([...this.#held.values()].flatMap((h) => [...h.pending.keys()]));
    const now = this.#ports.nowMs();
    for (const entry of this.#ports.stoppedWriters()) {
      if (pending.has(entry.tid) || now - entry.stoppedMs < this.#options.maxHoldMs) continue;
      if (this.#ports.continueWriter(entry.tid, true)) {
        this.#log("warning", "Released a writer whose delay never came", {
          tid: entry.tid,
          held_ms: now - entry.stoppedMs,
        });
      }
    }
  }

  #hold(session: string, sessionKey: number, lambdaScaled: number): void {
    if (this.#held.has(session)) return;
    const held: HeldSession = {
      session,
      sessionKey,
      lambdaScaled,
      lastReleaseMs: -Infinity,
      pending: new Map(),
    };
    this.#held.set(session, held);
    this.#writeCommand(held);
    this.#log(
      "info",
      this.#options.dryRun ? "Would hold session (dry run)" : "Session held for jitter",
      { session, lambda_scaled: lambdaScaled, t_ms: this.#ports.nowMs() },
    );
  }

  #releaseAt(command: Extract<ActuatorCommand, { type: "release-at" }>): void {
    const { session, inputMs, atMs, writerTid } = command;
    if (writerTid === null) return;
    const held = this.#held.get(session);
    if (held === undefined) {
      // Stopped just before its session's hold ended: nothing delays it any more.
      this.#ports.continueWriter(writerTid, false);
      return;
    }
    // Inputs reach the session in the order they were typed, whatever their draws.
    const releaseMs = Math.max(atMs, held.lastReleaseMs);
    held.lastReleaseMs = releaseMs;
    held.pending.get(writerTid)?.cancel();
    held.pending.set(writerTid, {
      inputMs,
      atMs,
      cancel: this.#ports.at(releaseMs, () => this.#release(held, writerTid)),
    });
  }

  #release(held: HeldSession, tid: number): void {
    const pending = held.pending.get(tid);
    if (pending === undefined) return;
    held.pending.delete(tid);
    if (!this.#ports.continueWriter(tid, false)) return;
    this.#ports.report({
      type: "released",
      session: held.session,
      inputMs: pending.inputMs,
      atMs: pending.atMs,
      appliedMs: this.#ports.nowMs(),
    });
  }

  #stop(session: string): void {
    const held = this.#held.get(session);
    if (held === undefined) return;
    this.#held.delete(session);
    this.#ports.deleteCommand(held.sessionKey);
    for (const [tid, pending] of held.pending) {
      pending.cancel();
      this.#ports.continueWriter(tid, false);
    }
    held.pending.clear();
    this.#log(
      "info",
      this.#options.dryRun ? "Would release session (dry run)" : "Session released",
      { session },
    );
  }

  #writeCommand(held: HeldSession): void {
    this.#ports.writeCommand(held.sessionKey, held.lambdaScaled);
  }

  #log(
    level: "info" | "warning",
    message: string,
    properties: Record<string, unknown>,
  ): void {
    this.#ports.report({ type: "log", level, message, properties });
  }
}
