/**
 * The actuator: a dedicated Worker that alone writes the probe's jitter map
 * and sends SIGCONT to the pty writers the probe stopped. The scoring path
 * posts {@link ActuatorCommand}s; they are applied synchronously, one at a
 * time, in order, by the {@link HoldController}, with this file's ports.
 *
 * The thread runs at nice -20: a release is due at the input's kernel
 * timestamp plus its delay, and must land within a few ms of it with every
 * CPU busy.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { openLibbpf } from "../../ffi/libbpf.ts";
import { openLibc } from "../../ffi/libc.ts";
import { encodeJitterCommand, JitterMode } from "../kernel/abi.ts";
import { MonotonicClock } from "../kernel/monotonic_clock.ts";
import { nsToTraceMs } from "../trace/trace_event.ts";
import type { ActuatorCommand, ActuatorReport } from "./actuator_protocol.ts";
import { HoldController, type HoldPorts } from "./hold_controller.ts";
import { releaseLeftovers, StoppedWriterTable } from "./stopped_writers.ts";

/** A command lives this long past its last refresh: a dead agent's commands die with it. */
const COMMAND_LIFETIME_MS = 3000;
const TICK_INTERVAL_MS = 1000;
const PRIO_PROCESS = 0;
const RELEASE_NICE = -20;
/**
 * A release timer wakes this much early and sleeps the rest in a futex wait
 * (Atomics.wait, sub-millisecond), since setTimeout fires on whole
 * milliseconds and often one late. The thread is blocked at most this long.
 */
const PRECISE_WINDOW_MS = 2;
const futex = new Int32Array(new SharedArrayBuffer(4));

type Init = Extract<ActuatorCommand, { type: "init" }>;

function report(message: ActuatorReport): void {
  self.postMessage(message);
}

function log(
  level: "debug" | "info" | "warning" | "error",
  message: string,
  properties: Record<string, unknown> = {},
): void {
  report({ type: "log", level, message, properties });
}

function keyBytes(sessionKey: number): Uint8Array {
  return new Uint8Array(new Uint32Array([sessionKey]).buffer);
}

/** Ports that touch nothing: a dry run decides and logs only. */
function dryRunPorts(clock: MonotonicClock): HoldPorts {
  return {
    nowMs: () => clock.nowMs(),
    at: timerAt(clock),
    writeCommand: () => {},
    deleteCommand: () => {},
    stoppedWriters: () => [],
    continueWriter: () => false,
    report,
  };
}

function timerAt(clock: MonotonicClock): HoldPorts["at"] {
  return (atMs, fire) => {
    const timer = setTimeout(() => {
      const remaining = atMs - clock.nowMs();
      if (remaining > 0) Atomics.wait(futex, 0, 0, remaining);
      fire();
    }, Math.max(0, atMs - clock.nowMs() - PRECISE_WINDOW_MS));
    return () => clearTimeout(timer);
  };
}

/** Ports onto the kernel: the probe's maps, SIGCONT, /proc. */
function kernelPorts(init: Init, clock: MonotonicClock): {
  ports: HoldPorts;
  close: () => void;
} {
  const libbpf = openLibbpf();
  const table = StoppedWriterTable.fromFd(init.stoppedWritersFd);
  const leftovers = releaseLeftovers();
  if (leftovers.pids.length > 0) {
    log("warning", "Released sessions a previous agent left held", {
      sessions: leftovers.sessions,
      pids: leftovers.pids,
    });
  }
  table.pin();
  const ports: HoldPorts = {
    nowMs: () => clock.nowMs(),
    at: timerAt(clock),
    writeCommand(sessionKey, lambdaScaled) {
      const value = encodeJitterCommand({
        lambdaScaled,
        mode: JitterMode.SIGSTOP,
        expiryNs: clock.nowNs() + BigInt(COMMAND_LIFETIME_MS) * 1_000_000n,
      });
      const rc = libbpf.symbols.bpf_map_update_elem(
        init.jitterCommandsFd,
        keyBytes(sessionKey),
        value,
        0n,
      );
      if (rc < 0) log("error", "Cannot write a jitter command", { errno: -rc });
    },
    deleteCommand(sessionKey) {
      libbpf.symbols.bpf_map_delete_elem(init.jitterCommandsFd, keyBytes(sessionKey));
    },
    stoppedWriters: () =>
      table.entries().map(({ tid, writer }) => ({
        tid,
        sessionKey: writer.sessionKey,
        stoppedMs: nsToTraceMs(writer.stoppedNs),
      })),
    continueWriter: (tid, overdue) => table.continueWriter(tid, overdue),
    report,
  };
  return {
    ports,
    close() {
      // Whatever is still recorded is let go, and the pin goes.
      releaseLeftovers();
      table.close();
      libbpf.close();
    },
  };
}

/** Raises this thread's priority so releases land on time under load; logs if it cannot. */
function raisePriority(): void {
  const libc = openLibc();
  try {
    const tid = libc.symbols.gettid();
    if (libc.symbols.setpriority(PRIO_PROCESS, tid, RELEASE_NICE) !== 0) {
      log(
        "warning",
        "Cannot raise the actuator thread's priority: releases may be late under load",
      );
    }
  } finally {
    libc.close();
  }
}

class Actuator {
  #controller: HoldController;
  #clock: MonotonicClock;
  #close: () => void;
  #tick: ReturnType<typeof setInterval>;

  constructor(init: Init) {
    this.#clock = new MonotonicClock();
    if (init.dryRun) {
      this.#controller = new HoldController(dryRunPorts(this.#clock), {
        dryRun: true,
        maxHoldMs: init.maxHoldMs,
      });
      this.#close = () => {};
    } else {
      raisePriority();
      const { ports, close } = kernelPorts(init, this.#clock);
      this.#controller = new HoldController(ports, { dryRun: false, maxHoldMs: init.maxHoldMs });
      this.#close = close;
    }
    this.#tick = setInterval(() => this.#guard(() => this.#controller.tick()), TICK_INTERVAL_MS);
  }

  apply(command: ActuatorCommand): void {
    this.#guard(() => this.#controller.apply(command));
    if (command.type !== "shutdown") return;
    clearInterval(this.#tick);
    this.#close();
    this.#clock.close();
    report({ type: "closed" });
  }

  #guard(action: () => void): void {
    try {
      action();
    } catch (error) {
      log("error", "Actuator command failed", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

let actuator: Actuator | undefined;

self.onmessage = (message: MessageEvent<ActuatorCommand>) => {
  const command = message.data;
  if (command.type === "init") {
    try {
      actuator = new Actuator(command);
    } catch (error) {
      // No command reaches the kernel, so the probe stops nothing: detection goes on.
      log("error", "Cannot start the actuator: no session will be delayed", {
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  if (actuator !== undefined) actuator.apply(command);
  else if (command.type === "shutdown") report({ type: "closed" });
};
