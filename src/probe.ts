/**
 * The kernel probe: opens the compiled object from memory, configures and
 * loads it, attaches its program, and owns every kernel handle until close.
 *
 * @module
 */
import { type Libbpf, openLibbpf } from "../ffi/libbpf.ts";
import { type Libc, openLibc } from "../ffi/libc.ts";
import { Counter, PROBE_CONFIG_LAYOUT } from "./abi.ts";
import { EnvironmentError } from "./cli/command.ts";
import { osError } from "./os_error.ts";

const BTF_PATH = "/sys/kernel/btf/vmlinux";
const PROGRAM_NAME = "handle_sys_enter";
const EPERM = 1;
const EACCES = 13;

/** What {@link Probe.open} needs. */
export interface ProbeOptions {
  /** The compiled probe object (build/probe.bpf.o). */
  objectBytes: Uint8Array;
  /** The agent's own process id, never traced. */
  agentTgid: number;
  /** Ring buffer size in bytes: a power of two, a multiple of the page size. */
  ringBufferBytes: number;
  /** Entries of the jitter command map: sessions that can be delayed at once. */
  jitterMapEntries: number;
  /** Let libbpf print its diagnostics (verifier log) to stderr. */
  libbpfDiagnostics?: boolean;
}

/** Counts kept by the probe, summed over CPUs. */
export interface ProbeCounters {
  /** Events lost because the ring buffer was full. */
  ringbufDrops: bigint;
  /** Keystrokes at password prompts, deliberately not timed. */
  passwordSkips: bigint;
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

/** Reads the compiled probe embedded next to the program (or in the compiled binary). */
export async function readEmbeddedProbeObject(): Promise<Uint8Array> {
  const url = new URL("../build/probe.bpf.o", import.meta.url);
  try {
    return await Deno.readFile(url);
  } catch (error) {
    throw new EnvironmentError(
      `Cannot read the probe object ${url.pathname}: ${
        error instanceof Error ? error.message : String(error)
      }; run "make" to build it`,
    );
  }
}

function loadFailureHint(errno: number): string {
  if (errno === EPERM || errno === EACCES) {
    return "run as root, or grant CAP_BPF and CAP_PERFMON (see ghost-hunter doctor)";
  }
  return "run ghost-hunter doctor, and set GHOST_HUNTER_LIBBPF_DEBUG=1 for the verifier log";
}

/** A loaded and attached probe. Close it to detach; closing twice is harmless. */
export class Probe {
  #libbpf: Libbpf;
  #libc: Libc;
  #object: Deno.PointerValue;
  #link: Deno.PointerValue = null;
  #eventsFd: number;
  #jitterCommandsFd: number;
  #countersFd: number;
  #possibleCpus: number;
  #ringBufferBytes: number;

  private constructor(
    libbpf: Libbpf,
    libc: Libc,
    object: Deno.PointerValue,
    ringBufferBytes: number,
  ) {
    this.#libbpf = libbpf;
    this.#libc = libc;
    this.#object = object;
    this.#ringBufferBytes = ringBufferBytes;
    this.#eventsFd = -1;
    this.#jitterCommandsFd = -1;
    this.#countersFd = -1;
    this.#possibleCpus = libbpf.symbols.libbpf_num_possible_cpus();
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
        `Cannot load the probe: ${BTF_PATH} is missing; boot a kernel built with CONFIG_DEBUG_INFO_BTF=y`,
      );
    }
    let libbpf: Libbpf;
    let libc: Libc;
    try {
      libbpf = openLibbpf();
      libc = openLibc();
    } catch (error) {
      throw new EnvironmentError(
        error instanceof Error ? error.message : String(error),
      );
    }
    const diagnostics = options.libbpfDiagnostics ??
      Deno.env.get("GHOST_HUNTER_LIBBPF_DEBUG") === "1";
    if (!diagnostics) libbpf.symbols.libbpf_set_print(null);
    const object = libbpf.symbols.bpf_object__open_mem(
      options.objectBytes,
      BigInt(options.objectBytes.byteLength),
      null,
    );
    if (object === null) {
      const error = osError(libc, "Cannot open the probe object");
      libc.close();
      libbpf.close();
      throw new EnvironmentError(`${error.message}; rebuild it with "make"`);
    }
    const probe = new Probe(libbpf, libc, object, options.ringBufferBytes);
    try {
      probe.#configure(options);
      probe.#loadAndAttach();
    } catch (error) {
      probe.close();
      throw error;
    }
    return probe;
  }

  #map(name: string): Deno.PointerObject {
    const map = this.#libbpf.symbols.bpf_object__find_map_by_name(
      this.#object,
      cString(name),
    );
    if (map === null) {
      throw new EnvironmentError(
        `Cannot find map "${name}" in the probe object; rebuild it with "make"`,
      );
    }
    return map;
  }

  #configure(options: ProbeOptions): void {
    const sizeOut = new BigUint64Array(1);
    const rodata = this.#libbpf.symbols.bpf_map__initial_value(
      this.#map(".rodata"),
      new Uint8Array(sizeOut.buffer),
    );
    if (rodata === null || sizeOut[0] !== BigInt(PROBE_CONFIG_LAYOUT.size)) {
      throw new EnvironmentError(
        `Cannot configure the probe: its .rodata is ${
          sizeOut[0]
        } bytes, expected ${PROBE_CONFIG_LAYOUT.size}; rebuild it with "make"`,
      );
    }
    const config = new DataView(
      Deno.UnsafePointerView.getArrayBuffer(rodata, PROBE_CONFIG_LAYOUT.size),
    );
    config.setUint32(PROBE_CONFIG_LAYOUT.agent_tgid, options.agentTgid, true);
    for (
      const [name, entries] of [["events", options.ringBufferBytes], [
        "jitter_commands",
        options.jitterMapEntries,
      ]] as const
    ) {
      const rc = this.#libbpf.symbols.bpf_map__set_max_entries(
        this.#map(name),
        entries,
      );
      if (rc < 0) {
        throw osError(
          this.#libc,
          `Cannot size map "${name}" to ${entries}`,
          rc,
        );
      }
    }
  }

  #loadAndAttach(): void {
    const rc = this.#libbpf.symbols.bpf_object__load(this.#object);
    if (rc < 0) {
      const error = osError(
        this.#libc,
        "Cannot load the probe into the kernel",
        rc,
      );
      throw new EnvironmentError(
        `${error.message}; ${loadFailureHint(error.errno)}`,
      );
    }
    const program = this.#libbpf.symbols.bpf_object__find_program_by_name(
      this.#object,
      cString(PROGRAM_NAME),
    );
    if (program === null) {
      throw new EnvironmentError(
        `Cannot find program ${PROGRAM_NAME} in the probe object; rebuild it with "make"`,
      );
    }
    const link = this.#libbpf.symbols.bpf_program__attach(program);
    if (link === null) {
      const error = osError(
        this.#libc,
        "Cannot attach the probe to tp_btf/sys_enter",
      );
      throw new EnvironmentError(
        `${error.message}; ${loadFailureHint(error.errno)}`,
      );
    }
    this.#link = link;
    this.#eventsFd = this.#libbpf.symbols.bpf_map__fd(this.#map("events"));
    this.#jitterCommandsFd = this.#libbpf.symbols.bpf_map__fd(
      this.#map("jitter_commands"),
    );
    this.#countersFd = this.#libbpf.symbols.bpf_map__fd(this.#map("counters"));
  }

  /** File descriptor of the ring buffer map. */
  get eventsFd(): number {
    return this.#eventsFd;
  }

  /** File descriptor of the jitter command map, for the writer. */
  get jitterCommandsFd(): number {
    return this.#jitterCommandsFd;
  }

  /** Ring buffer size in bytes, as loaded. */
  get ringBufferBytes(): number {
    return this.#ringBufferBytes;
  }

  /** Reads the probe's counters, summed over every possible CPU. */
  readCounters(): ProbeCounters {
    const read = (index: number): bigint => {
      const key = new Uint32Array([index]);
      const values = new BigUint64Array(this.#possibleCpus);
      const rc = this.#libbpf.symbols.bpf_map_lookup_elem(
        this.#countersFd,
        new Uint8Array(key.buffer),
        new Uint8Array(values.buffer),
      );
      if (rc < 0) {
        throw osError(this.#libc, "Cannot read the probe counters", rc);
      }
      return values.reduce((sum, value) => sum + value, 0n);
    };
    return {
      ringbufDrops: read(Counter.RINGBUF_DROPS),
      passwordSkips: read(Counter.PASSWORD_SKIPS),
    };
  }

  /** Detaches and unloads the probe. Idempotent. */
  close(): void {
    if (this.#object === null) return;
    if (this.#link !== null) this.#libbpf.symbols.bpf_link__destroy(this.#link);
    this.#libbpf.symbols.bpf_object__close(this.#object);
    this.#link = null;
    this.#object = null;
    this.#libc.close();
    this.#libbpf.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
