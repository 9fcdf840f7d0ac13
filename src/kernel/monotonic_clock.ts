/**
 * CLOCK_MONOTONIC, the clock of bpf_ktime_get_ns, read through libc:
 * `performance.now()` counts from process start and cannot be compared with
 * probe timestamps.
 *
 * @module
 */
import { type Libc, openLibc } from "../../ffi/libc.ts";
import { nsToTraceMs } from "../trace/trace_event.ts";

const CLOCK_MONOTONIC = 1;

/** Reads CLOCK_MONOTONIC. Close it when done; closing twice is harmless. */
export class MonotonicClock {
  #libc: Libc | null = openLibc();
  #timespec = new BigInt64Array(2);
  #bytes = new Uint8Array(this.#timespec.buffer);

  /** Nanoseconds since boot (excluding suspend). */
  nowNs(): bigint {
    if (this.#libc === null) {
      throw new Error("Cannot read the monotonic clock: it is closed");
    }
    this.#libc.symbols.clock_gettime(CLOCK_MONOTONIC, this.#bytes);
    return this.#timespec[0]! * 1_000_000_000n + this.#timespec[1]!;
  }

  /** Milliseconds since boot, with microsecond precision: the trace format's `t`. */
  nowMs(): number {
    return nsToTraceMs(this.nowNs());
  }

  /** Releases libc. Idempotent. */
  close(): void {
    this.#libc?.close();
    this.#libc = null;
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
