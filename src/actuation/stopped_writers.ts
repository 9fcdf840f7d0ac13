/**
 * The probe's record of the pty writers it stopped (the `stopped_writers`
 * map), and the one way to let them go: SIGCONT to a process only after
 * checking it is the very process that was stopped (same pid, same start
 * time), so a reused pid is never signalled.
 *
 * The agent pins the map in the BPF file system. When the agent dies, its
 * guardian (or the next agent) opens the pin and continues every writer
 * recorded there: the record is written by the probe before the stop, so
 * it holds even a writer whose event the agent never read.
 *
 * @module
 */
import { type Libbpf, openLibbpf } from "../../ffi/libbpf.ts";
import { type Libc, openLibc } from "../../ffi/libc.ts";
import { decodeStoppedWriter, STOPPED_WRITER_LAYOUT, type StoppedWriter } from "../kernel/abi.ts";
import { osError } from "../kernel/os_error.ts";
import { sessionName } from "../kernel/session_name.ts";
import { findMounts } from "./mounts.ts";

/** Where the BPF file system is mounted (and mounted by the agent if it is not). */
export const BPF_FS = "/sys/fs/bpf";
/** Where the agent pins its `stopped_writers` map. */
export const STOPPED_WRITERS_PIN = `${BPF_FS}/ghost-hunter/stopped_writers`;

const SIGCONT = 18;
/** USER_HZ: /proc reports process start times in these ticks on every Linux architecture. */
const NS_PER_CLOCK_TICK = 10_000_000n;

/** The fields of /proc/PID/stat the release checks. */
export interface ProcStat {
  /** R, S, D, T, t, Z... */
  state: string;
  /** Start time in clock ticks since boot (field 22). */
  startTicks: bigint;
}

/** Parses the text of /proc/PID/stat; undefined when it is not one. */
export function parseProcStat(stat: string): ProcStat | undefined {
  // comm (field 2) may hold spaces and parentheses: fields restart after the last ")".
  const close = stat.lastIndexOf(")");
  if (close < 0) return undefined;
  const fields = stat.slice(close + 2).split(" ");
  const state = fields[0];
  const start = fields[19];
  if (state === undefined || start === undefined || !/^\d+$/.test(start)) return undefined;
  return { state, startTicks: BigInt(start) };
}

/** Whether `stat` (of the writer's pid now) is the process the probe recorded in `writer`. */
export function isSameProcess(stat: ProcStat, writer: StoppedWriter): boolean {
  return stat.startTicks === writer.startBoottimeNs / NS_PER_CLOCK_TICK;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    return parseProcStat(Deno.readTextFileSync(`/proc/${pid}/stat`));
  } catch {
    return undefined;
  }
}

function cString(text: string): Uint8Array {
  return new TextEncoder().encode(`${text}\0`);
}

function tidKey(tid: number): Uint8Array {
  return new Uint8Array(new Uint32Array([tid]).buffer);
}

/** One recorded writer. */
export interface StoppedWriterRecord {
  tid: number;
  writer: StoppedWriter;
}

/** The `stopped_writers` map, by fd. Close it when done; closing twice is harmless. */
export class StoppedWriterTable {
  #libbpf: Libbpf;
  #libc: Libc;
  #fd: number;
  #ownsFd: boolean;

  private constructor(fd: number, ownsFd: boolean) {
    this.#libbpf = openLibbpf();
    this.#libc = openLibc();
    this.#fd = fd;
    this.#ownsFd = ownsFd;
  }

  /** The table behind a map fd the caller keeps open (the loaded probe's). */
  static fromFd(fd: number): StoppedWriterTable {
    return new StoppedWriterTable(fd, false);
  }

  /** The table a previous agent pinned, or undefined if none is pinned. */
  static openPinned(path = STOPPED_WRITERS_PIN): StoppedWriterTable | undefined {
    try {
      Deno.statSync(path);
    } catch {
      return undefined;
    }
    const libbpf = openLibbpf();
    const fd = libbpf.symbols.bpf_obj_get(cString(path));
    libbpf.close();
    if (fd < 0) {
      const libc = openLibc();
      const error = osError(libc, `Cannot open the pinned map ${path}`, fd);
      libc.close();
      throw error;
    }
    return new StoppedWriterTable(fd, true);
  }

  /** Every recorded writer. */
  entries(): StoppedWriterRecord[] {
    const records: StoppedWriterRecord[] = [];
    const key = new Uint8Array(4);
    const next = new Uint8Array(4);
    const value = new Uint8Array(STOPPED_WRITER_LAYOUT.size);
    let first = true;
    // Bounded by the map's size; a key deleted meanwhile restarts from the first key.
    for (let i = 0; i < 1_000_000; i++) {
      if (this.#libbpf.symbols.bpf_map_get_next_key(this.#fd, first ? null : key, next) < 0) {
        break;
      }
      first = false;
      key.set(next);
      if (this.#libbpf.symbols.bpf_map_lookup_elem(this.#fd, key, value) === 0) {
        records.push({
          tid: new Uint32Array(key.slice().buffer)[0]!,
          writer: decodeStoppedWriter(value),
        });
      }
    }
    return records;
  }

  /** The record for `tid`, or undefined. */
  get(tid: number): StoppedWriter | undefined {
    const value = new Uint8Array(STOPPED_WRITER_LAYOUT.size);
    if (this.#libbpf.symbols.bpf_map_lookup_elem(this.#fd, tidKey(tid), value) !== 0) {
      return undefined;
    }
    return decodeStoppedWriter(value);
  }

  /** Forgets the record for `tid`. */
  delete(tid: number): void {
    this.#libbpf.symbols.bpf_map_delete_elem(this.#fd, tidKey(tid));
  }

  /**
   * Sends SIGCONT to the process recorded for `tid` if it is the process the
   * probe stopped; with `overdue`, only if it is stopped now. A record of a
   * process that is gone, or no longer stopped when `overdue`, is dropped.
   * Returns whether a signal was sent. The record itself stays: the probe
   * drops it when the writer's restarted write passes.
   */
  continueWriter(tid: number, overdue: boolean): boolean {
    const writer = this.get(tid);
    if (writer === undefined) return false;
    const stat = readStat(writer.tgid);
    if (stat === undefined || !isSameProcess(stat, writer) || (overdue && stat.state !== "T")) {
      this.delete(tid);
      return false;
    }
    return this.#libc.symbols.kill(writer.tgid, SIGCONT) === 0;
  }

  /** Pins the map at `path` (replacing nothing: call {@link releaseLeftovers} first). */
  pin(path = STOPPED_WRITERS_PIN): void {
    mountBpfFs(this.#libc);
    Deno.mkdirSync(path.slice(0, path.lastIndexOf("/")), { recursive: true, mode: 0o700 });
    const rc = this.#libbpf.symbols.bpf_obj_pin(this.#fd, cString(path));
    if (rc < 0) throw osError(this.#libc, `Cannot pin the stopped-writer map at ${path}`, rc);
  }

  /** Releases the fd if this table owns it. Idempotent. */
  close(): void {
    if (this.#fd < 0) return;
    if (this.#ownsFd) this.#libc.symbols.close(this.#fd);
    this.#fd = -1;
    this.#libc.close();
    this.#libbpf.close();
  }

  /** Same as {@link close}. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/** Mounts the BPF file system at {@link BPF_FS} unless one is mounted there. */
function mountBpfFs(libc: Libc): void {
  const mounted = Deno.readTextFileSync("/proc/mounts").split("\n")
    .some((line) => line.split(" ")[1] === BPF_FS && line.split(" ")[2] === "bpf");
  if (mounted) return;
  const rc = libc.symbols.mount(
    cString("bpf"),
    cString(BPF_FS),
    cString("bpf"),
    0n,
    cString("mode=0700"),
  );
  if (rc < 0) throw osError(libc, `Cannot mount the BPF file system at ${BPF_FS}`);
}

/** What {@link releaseLeftovers} let go. */
export interface Released {
  /** Sessions whose writers were continued, e.g. `pts/3`. */
  sessions: string[];
  /** The processes continued. */
  pids: number[];
}

/**
 * Continues every writer recorded in the pinned map of an agent that is no
 * longer running (after checking each is the process that was stopped),
 * then removes the pin. Safe to run at any time and more than once.
 */
export function releaseLeftovers(path = STOPPED_WRITERS_PIN): Released {
  const released: Released = { sessions: [], pids: [] };
  using table = StoppedWriterTable.openPinned(path);
  if (table === undefined) return released;
  for (const { tid, writer } of table.entries()) {
    if (table.continueWriter(tid, false)) {
      released.pids.push(writer.tgid);
      released.sessions.push(sessionName(writer.sessionKey));
    }
    table.delete(tid);
  }
  Deno.removeSync(path);
  try {
    Deno.removeSync(path.slice(0, path.lastIndexOf("/")));
  } catch {
    // not empty or already gone: left for whoever else pinned there
  }
  return released;
}

/** Whether the BPF file system is mounted at {@link BPF_FS} (the agent mounts it otherwise). */
export async function bpfFsMounted(): Promise<boolean> {
  return (await findMounts("bpf")).includes(BPF_FS);
}
