/**
 * A BPF object file opened from memory through libbpf: configure before
 * load, then load, attach programs and look up maps. Owns every handle.
 *
 * @module
 */
import { type Libbpf, openLibbpf } from "../../ffi/libbpf.ts";
import { type Libc, openLibc } from "../../ffi/libc.ts";
import { EnvironmentError } from "../errors.ts";
import { type OsError, osError } from "./os_error.ts";

const EPERM = 1;
const EACCES = 13;

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

const REBUILD = 'rebuild it with "make"';

function loadFailure(error: OsError): EnvironmentError {
  const fix = error.errno === EPERM || error.errno === EACCES
    ? "run as root, or grant CAP_BPF and CAP_PERFMON (see ghost-hunter doctor)"
    : "run ghost-hunter doctor, and set GHOST_HUNTER_LIBBPF_DEBUG=1 for libbpf's log";
  return new EnvironmentError(error.message, { fix });
}

/** An open BPF object. Close it to detach and unload; closing twice is harmless. */
export class BpfObject {
  #libbpf: Libbpf;
  #libc: Libc;
  #object: Deno.PointerValue;
  #links: Deno.PointerObject[] = [];
  // libbpf reads the ELF from this buffer until load: keep it alive.
  #bytes: Uint8Array;

  private constructor(libbpf: Libbpf, libc: Libc, object: Deno.PointerObject, bytes: Uint8Array) {
    this.#libbpf = libbpf;
    this.#libc = libc;
    this.#object = object;
    this.#bytes = bytes;
  }

  /**
   * Opens `bytes` (an ELF BPF object). libbpf's own messages go to stderr
   * only when `diagnostics` is set or GHOST_HUNTER_LIBBPF_DEBUG=1.
   */
  static open(bytes: Uint8Array, diagnostics = false): BpfObject {
    let libbpf: Libbpf;
    let libc: Libc;
    try {
      libbpf = openLibbpf();
      libc = openLibc();
    } catch (error) {
      throw new EnvironmentError(error instanceof Error ? error.message : String(error));
    }
    if (!diagnostics && Deno.env.get("GHOST_HUNTER_LIBBPF_DEBUG") !== "1") {
      libbpf.symbols.libbpf_set_print(null);
    }
    const object = libbpf.symbols.bpf_object__open_mem(bytes, BigInt(bytes.byteLength), null);
    if (object === null) {
      const error = osError(libc, "Cannot open the BPF object");
      libc.close();
      libbpf.close();
      throw new EnvironmentError(error.message, { fix: REBUILD });
    }
    return new BpfObject(libbpf, libc, object, bytes);
  }

  #handle(): Deno.PointerObject {
    if (this.#object === null) throw new Error("Cannot use the BPF object: it is closed");
    return this.#object;
  }

  #map(name: string): Deno.PointerObject {
    const map = this.#libbpf.symbols.bpf_object__find_map_by_name(this.#handle(), cString(name));
    if (map === null) {
      throw new EnvironmentError(`Cannot find map "${name}" in the BPF object`, {
        fix: REBUILD,
      });
    }
    return map;
  }

  /** Before load: sets a map's max_entries. */
  setMaxEntries(mapName: string, entries: number): void {
    const rc = this.#libbpf.symbols.bpf_map__set_max_entries(this.#map(mapName), entries);
    if (rc < 0) throw osError(this.#libc, `Cannot size map "${mapName}" to ${entries}`, rc);
  }

  /**
   * Before load: the writable initial contents of a global data map such as
   * `.rodata`, which must be exactly `size` bytes.
   */
  initialValue(mapName: string, size: number): DataView {
    const sizeOut = new BigUint64Array(1);
    const data = this.#libbpf.symbols.bpf_map__initial_value(
      this.#map(mapName),
      new Uint8Array(sizeOut.buffer),
    );
    if (data === null || sizeOut[0] !== BigInt(size)) {
      throw new EnvironmentError(
        `Cannot configure the probe: its ${mapName} is ${sizeOut[0]} bytes, expected ${size}`,
        { fix: REBUILD },
      );
    }
    return new DataView(Deno.UnsafePointerView.getArrayBuffer(data, size));
  }

  /** Loads every program and map into the kernel. */
  load(): void {
    const rc = this.#libbpf.symbols.bpf_object__load(this.#handle());
    if (rc < 0) throw loadFailure(osError(this.#libc, "Cannot load the probe into the kernel", rc));
  }

  /** Attaches program `name` to the hook its section names. */
  attach(name: string): void {
    const program = this.#libbpf.symbols.bpf_object__find_program_by_name(
      this.#handle(),
      cString(name),
    );
    if (program === null) {
      throw new EnvironmentError(`Cannot find program ${name} in the BPF object`, {
        fix: REBUILD,
      });
    }
    const link = this.#libbpf.symbols.bpf_program__attach(program);
    if (link === null) throw loadFailure(osError(this.#libc, `Cannot attach program ${name}`));
    this.#links.push(link);
  }

  /** After load: the file descriptor of map `name`. */
  mapFd(name: string): number {
    return this.#libbpf.symbols.bpf_map__fd(this.#map(name));
  }

  /** Number of possible CPUs: the value count of a per-CPU map. */
  possibleCpus(): number {
    return this.#libbpf.symbols.libbpf_num_possible_cpus();
  }

  /** Looks `key` up in map `fd` into `value`; throws naming `action` on failure. */
  lookup(fd: number, key: Uint8Array, value: Uint8Array, action: string): void {
    const rc = this.#libbpf.symbols.bpf_map_lookup_elem(fd, key, value);
    if (rc < 0) throw osError(this.#libc, action, rc);
  }

  /** Detaches every program and unloads the object. Idempotent. */
  close(): void {
    if (this.#object === null) return;
    for (const link of this.#links) this.#libbpf.symbols.bpf_link__destroy(link);
    this.#libbpf.symbols.bpf_object__close(this.#object);
    this.#links = [];
    this.#object = null;
    this.#bytes = new Uint8Array();
    this.#libc.close();
    this.#libbpf.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}
