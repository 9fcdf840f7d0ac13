/**
 * The live data path in one handle: the probe loaded and attached, and its
 * ring buffer read until the caller aborts.
 *
 * @module
 */
import type { TtyEvent } from "./abi.ts";
import { Probe, type ProbeCounters, readBuiltObject } from "./probe.ts";
import { RingBufferReader } from "./ring_buffer_reader.ts";

/** What {@link TerminalEventSource.open} needs. */
export interface TerminalEventSourceOptions {
  /** Ring buffer size in bytes: a power of two, at least 4096. */
  ringBufferBytes: number;
  /** Sessions the jitter command map can hold. */
  jitterMapEntries: number;
  /** How long one wait for events may last, in ms; bounds shutdown latency. */
  pollTimeoutMs?: number;
}

/** Terminal events from the kernel. Close it to detach the probe; closing twice is harmless. */
export class TerminalEventSource {
  #probe: Probe;
  #reader: RingBufferReader;
  #pollTimeoutMs: number;
  #closed = false;

  private constructor(
    probe: Probe,
    reader: RingBufferReader,
    pollTimeoutMs: number,
  ) {
    this.#probe = probe;
    this.#reader = reader;
    this.#pollTimeoutMs = pollTimeoutMs;
  }

  /** Loads and attaches the probe and maps its ring buffer. */
  static async open(
    options: TerminalEventSourceOptions,
  ): Promise<TerminalEventSource> {
    const probe = Probe.open({
      objectBytes: await readBuiltObject("probe.bpf.o"),
      agentTgid: Deno.pid,
      ringBufferBytes: options.ringBufferBytes,
      jitterMapEntries: options.jitterMapEntries,
    });
    try {
      const reader = new RingBufferReader(
        probe.eventsFd,
        probe.ringBufferBytes,
      );
      return new TerminalEventSource(
        probe,
        reader,
        options.pollTimeoutMs ?? 100,
      );
    } catch (error) {
      probe.close();
      throw error;
    }
  }

  /** The loaded probe: map descriptors and counters. */
  get probe(): Probe {
    return this.#probe;
  }

  /**
   * Hands every event to `onBatch`, a batch per wake-up, until `signal`
   * aborts; then reads what is left and returns.
   */
  async pump(
    onBatch: (events: TtyEvent[]) => void | Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    while (!signal.aborted) {
      await this.#reader.wait(this.#pollTimeoutMs);
      await this.#deliver(onBatch);
    }
    await this.#deliver(onBatch);
  }

  async #deliver(
    onBatch: (events: TtyEvent[]) => void | Promise<void>,
  ): Promise<void> {
    const batch: TtyEvent[] = [];
    this.#reader.drain((event) => batch.push(event));
    if (batch.length > 0) await onBatch(batch);
  }

  /** The probe's counters (drops, skipped password input). */
  counters(): ProbeCounters {
    return this.#probe.readCounters();
  }

  /** Unmaps the ring and detaches the probe. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#reader.close();
    this.#probe.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
