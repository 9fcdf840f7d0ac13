/**
 * The writer: a dedicated Worker that alone writes the probe's jitter maps
 * and holds and releases sessions with the cgroup freezer. The scoring path
 * posts {@link WriterCommand}s; commands are applied one at a time, in order.
 *
 * A held session is frozen whenever its reader is about to wait for input
 * (the probe's READ_WAIT), and thawed when the latest input's drawn delay has
 * passed, so each input reaches the session its delay after it arrived.
 *
 * @module
 */
/// <reference lib="deno.worker" />
import { type Libbpf, openLibbpf } from "../../ffi/libbpf.ts";
import { encodeJitterCommand, JitterMode } from "../kernel/abi.ts";
import { CgroupFreezer } from "./cgroup_freezer.ts";
import { anyWaitingForInput, sessionProcesses, ttyNrOfSessionKey } from "./session_processes.ts";
import { MonotonicClock } from "../kernel/monotonic_clock.ts";
import type { WriterCommand, WriterReport } from "./writer_protocol.ts";

/** A command lives this long past its last refresh: a dead agent's commands die with it. */
const COMMAND_LIFETIME_MS = 3000;
const REFRESH_INTERVAL_MS = 1000;

interface HeldSession {
  sessionKey: number;
  lambdaScaled: number;
  frozen: boolean;
  releaseAtMs: number;
  inputMs: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

type Init = Extract<WriterCommand, { type: "init" }>;

function report(message: WriterReport): void {
  self.postMessage(message);
}

function log(
  level: "debug" | "info" | "warning" | "error",
  message: string,
  properties: Record<string, unknown> = {},
): void {
  report({ type: "log", level, message, properties });
}

class Writer {
  #init: Init;
  #libbpf: Libbpf | undefined;
  #freezer: CgroupFreezer | undefined;
  #clock = new MonotonicClock();
  #held = new Map<string, HeldSession>();
  #refresh: ReturnType<typeof setInterval>;

  private constructor(init: Init, libbpf: Libbpf | undefined, freezer: CgroupFreezer | undefined) {
    this.#init = init;
    this.#libbpf = libbpf;
    this.#freezer = freezer;
    this.#refresh = setInterval(() => {
      queue = queue.then(() => this.#tick()).catch(reportFailure);
    }, REFRESH_INTERVAL_MS);
  }

  static async create(init: Init): Promise<Writer> {
    if (init.dryRun) return new Writer(init, undefined, undefined);
    const freezer = await CgroupFreezer.open();
    const leftovers = await freezer.releaseAll();
    if (leftovers.length > 0) {
      log("warning", "Released sessions a previous agent left held", { sessions: leftovers });
    }
    return new Writer(init, openLibbpf(), freezer);
  }

  async apply(command: WriterCommand): Promise<void> {
    switch (command.type) {
      case "init":
        return;
      case "hold":
        return await this.#hold(command.session, command.sessionKey, command.lambdaScaled);
      case "lambda": {
        const held = this.#held.get(command.session);
        if (held === undefined) return;
        held.lambdaScaled = command.lambdaScaled;
        return this.#writeCommand(held);
      }
      case "wait":
        return await this.#freeze(command.session);
      case "release-at":
        return this.#scheduleRelease(command.session, command.inputMs, command.atMs);
      case "stop":
        return await this.#stop(command.session);
      case "shutdown":
        return await this.#shutdown();
    }
  }

  async #hold(session: string, sessionKey: number, lambdaScaled: number): Promise<void> {
    if (this.#held.has(session)) return;
    const held: HeldSession = {
      sessionKey,
      lambdaScaled,
      frozen: false,
      releaseAtMs: 0,
      inputMs: 0,
      timer: undefined,
    };
    this.#held.set(session, held);
    if (this.#freezer === undefined) {
      log("info", "Would hold session (dry run)", { session, lambda_scaled: lambdaScaled });
      return;
    }
    const pids = await sessionProcesses(
      ttyNrOfSessionKey(sessionKey),
      new Set(this.#init.excludePids),
    );
    // Already waiting for input (it read before the probe knew to tell us):
    // hold it now, or the next input would pass undelayed.
    held.frozen = await anyWaitingForInput(pids);
    const moved = await this.#freezer.hold(session, pids, held.frozen);
    this.#writeCommand(held);
    this.#writeLiveCount();
    log("info", "Session held for jitter", {
      session,
      processes: moved,
      waiting: held.frozen,
      t_ms: this.#clock.nowMs(),
    });
  }

  async #freeze(session: string): Promise<void> {
    const held = this.#held.get(session);
    if (held === undefined || held.frozen) return;
    held.frozen = true;
    await this.#freezer?.freeze(session);
  }

  #scheduleRelease(session: string, inputMs: number, atMs: number): void {
    const held = this.#held.get(session);
    if (held === undefined) return;
    if (atMs <= held.releaseAtMs) return;
    held.releaseAtMs = atMs;
    held.inputMs = inputMs;
    clearTimeout(held.timer);
    held.timer = setTimeout(
      () => this.#enqueueRelease(session),
      Math.max(0, atMs - this.#clock.nowMs()),
    );
  }

  #enqueueRelease(session: string): void {
    queue = queue.then(() => this.#release(session)).catch(reportFailure);
  }

  async #release(session: string): Promise<void> {
    const held = this.#held.get(session);
    if (held === undefined || !held.frozen) return;
    held.frozen = false;
    held.timer = undefined;
    await this.#freezer?.thaw(session);
    report({
      type: "released",
      session,
      inputMs: held.inputMs,
      atMs: held.releaseAtMs,
      appliedMs: this.#clock.nowMs(),
    });
  }

  async #stop(session: string): Promise<void> {
    const held = this.#held.get(session);
    if (held === undefined) return;
    clearTimeout(held.timer);
    this.#held.delete(session);
    if (this.#libbpf !== undefined) {
      this.#libbpf.symbols.bpf_map_delete_elem(this.#init.jitterCommandsFd, this.#key(held));
      this.#writeLiveCount();
    }
    await this.#freezer?.release(session);
    log("info", this.#freezer ? "Session released" : "Would release session (dry run)", {
      session,
    });
  }

  async #shutdown(): Promise<void> {
    clearInterval(this.#refresh);
    for (const session of [...this.#held.keys()]) await this.#stop(session);
    await this.#freezer?.releaseAll();
    this.#libbpf?.close();
    this.#clock.close();
    report({ type: "closed" });
  }

  #key(held: HeldSession): Uint8Array {
    return new Uint8Array(new Uint32Array([held.sessionKey]).buffer);
  }

  #writeCommand(held: HeldSession): void {
    if (this.#libbpf === undefined) return;
    const value = encodeJitterCommand({
      lambdaScaled: held.lambdaScaled,
      mode: JitterMode.FREEZE,
      expiryNs: this.#clock.nowNs() + BigInt(COMMAND_LIFETIME_MS) * 1_000_000n,
    });
    const rc = this.#libbpf.symbols.bpf_map_update_elem(
      this.#init.jitterCommandsFd,
      this.#key(held),
      value,
      0n,
    );
    if (rc < 0) log("error", "Cannot write a jitter command", { errno: -rc });
  }

  #writeLiveCount(): void {
    const value = new Uint8Array(new Uint32Array([this.#held.size]).buffer);
    const zero = new Uint8Array(4);
    this.#libbpf?.symbols.bpf_map_update_elem(this.#init.jitterStateFd, zero, value, 0n);
  }

  /** Once a second: keep live commands from expiring, and release sessions whose processes all exited. */
  async #tick(): Promise<void> {
    for (const [session, held] of [...this.#held]) {
      if (this.#freezer !== undefined && !(await this.#freezer.populated(session))) {
        await this.#stop(session);
        report({ type: "ended", session, tMs: this.#clock.nowMs() });
      } else {
        this.#writeCommand(held);
      }
    }
  }
}

function reportFailure(error: unknown): void {
  log("error", "Writer command failed", {
    error: error instanceof Error ? error.message : String(error),
  });
}

let writer: Promise<Writer> | undefined;
let queue: Promise<void> = Promise.resolve();

self.onmessage = (message: MessageEvent<WriterCommand>) => {
  const command = message.data;
  if (command.type === "init") writer = Writer.create(command);
  const current = writer;
  if (current === undefined) return reportFailure(new Error("Writer used before init"));
  queue = queue.then(async () => await (await current).apply(command)).catch(reportFailure);
};
