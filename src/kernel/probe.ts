/**
 * The ghost-hunter probe: its object configured (own pid excluded, map
 * sizes), loaded and attached to tp_btf/sys_enter and tp_btf/sched_process_exit.
 *
 * @module
 */
import { Counter, PROBE_CONFIG_LAYOUT } from "./abi.ts";
import { BpfObject } from "./bpf_object.ts";
import { EnvironmentError } from "../errors.ts";

const BTF_PATH = "/sys/kernel/btf/vmlinux";
/** Terminal writes and waits; session leaders' exits (the end of a login). */
const PROGRAM_NAMES = ["handle_sys_enter", "handle_process_exit"] as const;

/** What {@link Probe.open} needs. */
export interface ProbeOptions {
  /** The compiled probe object (build/probe.bpf.o). */
  objectBytes: Uint8Array;
  /** The agent's own process id, never traced. */
  agentTgid: number;
  /** Ring buffer size in bytes: a power of two, a multiple of the page size. */
  ringBufferBytes: number;
  /** Entries of the jitter command map (sessions that can be delayed at once) and of the stopped-writer map. */
  jitterMapEntries: number;
}

/** Counts kept by the probe, summed over CPUs. */
export interface ProbeCounters {
  /** Events lost because the ring buffer was full. */
  ringbufDrops: bigint;
  /** Keystrokes at password prompts, deliberately not timed. */
  passwordSkips: bigint;
  /** Inputs of jittered sessions not held: their writer serves several ptys. */
  holdSharedWriter: bigint;
  /** Inputs of jittered sessions not held: the stopped-writer map was full. */
  holdTableFull: bigint;
  /** Inputs of jittered sessions not held: the writer's job-control shell would see it stop. */
  holdJobControl: bigint;
}

/** Reads a BPF object built next to the program (embedded in the compiled binary). */
export async function readBuiltObject(name: string): Promise<Uint8Array> {
  const url = new URL(`../../build/${name}`, import.meta.url);
  try {
    return await Deno.readFile(url);
  } catch (error) {
    throw new EnvironmentError(
      `Cannot read the BPF object ${url.pathname}: ${
        error instanceof Error ? error.message : String(error)
      }`,
      { fix: 'run "make" to build it' },
    );
  }
}

/** A loaded and attached probe. Close it to detach; closing twice is harmless. */
export class Probe {
  #object: BpfObject;
  #ringBufferBytes: number;
  #eventsFd: number;
  #jitterCommandsFd: number;
  #stoppedWritersFd: number;
  #countersFd: number;

  private constructor(object: BpfObject, ringBufferBytes: number) {
    this.#object = object;
    this.#ringBufferBytes = ringBufferBytes;
    this.#eventsFd = object.mapFd("events");
    this.#jitterCommandsFd = object.mapFd("jitter_commands");
    this.#stoppedWritersFd = object.mapFd("stopped_writers");
    this.#countersFd = object.mapFd("counters");
  }

  /**
   * Opens, loads and attaches the probe. Throws an {@link EnvironmentError}
   * naming the cause and the fix when the kernel refuses it; nothing stays
   * loaded after a failure.
   */
  static open(options: ProbeOptions): Probe {
    try {
      Deno.statSync(BTF_PATH);
    } catch {
      throw new EnvironmentError(
        `Cannot load the probe: ${BTF_PATH} is missing`,
        { fix: "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y" },
      );
    }
    const object = BpfObject.open(options.objectBytes);
    try {
      object.initialValue(".rodata", PROBE_CONFIG_LAYOUT.size)
        .setUint32(PROBE_CONFIG_LAYOUT.agent_tgid, options.agentTgid, true);
      object.setMaxEntries("events", options.ringBufferBytes);
      object.setMaxEntries("jitter_commands", options.jitterMapEntries);
      object.setMaxEntries("stopped_writers", options.jitterMapEntries);
      object.load();
      for (const name of PROGRAM_NAMES) object.attach(name);
      return new Probe(object, options.ringBufferBytes);
    } catch (error) {
      object.close();
      throw error;
    }
  }

  /** File descriptor of the ring buffer map. */
  get eventsFd(): number {
    return this.#eventsFd;
  }

  /** File descriptor of the jitter command map, for the actuator. */
  get jitterCommandsFd(): number {
    return this.#jitterCommandsFd;
  }

  /** File descriptor of the map of writers the probe stopped, for the actuator. */
  get stoppedWritersFd(): number {
    return this.#stoppedWritersFd;
  }

  /** Ring buffer size in bytes, as loaded. */
  get ringBufferBytes(): number {
    return this.#ringBufferBytes;
  }

  /** Reads the probe's counters, summed over every possible CPU. */
  readCounters(): ProbeCounters {
    const read = (index: number): bigint => {
      const values = new BigUint64Array(this.#object.possibleCpus());
      this.#object.lookup(
        this.#countersFd,
        new Uint8Array(new Uint32Array([index]).buffer),
        new Uint8Array(values.buffer),
        "Cannot read the probe counters",
      );
      return values.reduce((sum, value) => sum + value, 0n);
    };
    return {
      ringbufDrops: read(Counter.RINGBUF_DROPS),
      passwordSkips: read(Counter.PASSWORD_SKIPS),
      holdSharedWriter: read(Counter.HOLD_SHARED_WRITER),
      holdTableFull: read(Counter.HOLD_TABLE_FULL),
      holdJobControl: read(Counter.HOLD_JOB_CONTROL),
    };
  }

  /** Detaches and unloads the probe. Idempotent. */
  close(): void {
    this.#object.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
