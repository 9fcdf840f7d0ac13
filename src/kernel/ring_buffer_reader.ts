/**
 * The shell around the probe's BPF ring buffer: maps it into memory and
 * waits for it in `epoll_wait` on a worker thread, so the event loop is never
 * blocked. Reading records is the pure `drainRing` (ring_drain.ts), which
 * this class runs over the mapping.
 *
 * Mapping (kernel/bpf/ringbuf.c): page 0 holds the consumer position (ours to
 * write), page 1 the producer position, then the data area mapped twice.
 *
 * @module
 */
import { type Libc, openLibc } from "../../ffi/libc.ts";
import { decodeTtyEvent, type TtyEvent } from "./abi.ts";
import { osError } from "./os_error.ts";
import { drainRing, type RingView } from "./ring_drain.ts";

const PROT_READ = 1;
const PROT_WRITE = 2;
const MAP_SHARED = 1;
const MAP_FAILED = 0xffffffffffffffffn;
const EPOLL_CLOEXEC = 0o2000000;
const EPOLL_CTL_ADD = 1;
const EPOLLIN = 1;
const EPOLL_EVENT_SIZE = 12;
const EINTR = 4;
const PAGE_SIZE = 4096;

function isMapped(pointer: Deno.PointerValue): pointer is Deno.PointerObject {
  return pointer !== null && Deno.UnsafePointer.value(pointer) !== MAP_FAILED;
}

/** Reads `struct gh_tty_event` records from a ring buffer map. Close it when done; closing twice is harmless. */
export class RingBufferReader {
  #libc: Libc;
  #size: number;
  #consumerPage: Deno.PointerValue;
  #producerPages: Deno.PointerValue;
  #ring: RingView;
  #epollFd: number;
  #epollEvents = new Uint8Array(EPOLL_EVENT_SIZE);
  #pendingWait: Promise<number> | null = null;

  /**
   * Maps the ring of map `mapFd`, `size` bytes (the map's max_entries).
   * Throws when the kernel refuses the mapping.
   */
  constructor(mapFd: number, size: number) {
    const libc = openLibc();
    this.#libc = libc;
    this.#size = size;
    this.#consumerPage = libc.symbols.mmap(
      null,
      BigInt(PAGE_SIZE),
      PROT_READ | PROT_WRITE,
      MAP_SHARED,
      mapFd,
      0n,
    );
    this.#producerPages = libc.symbols.mmap(
      null,
      BigInt(PAGE_SIZE + 2 * size),
      PROT_READ,
      MAP_SHARED,
      mapFd,
      BigInt(PAGE_SIZE),
    );
    this.#epollFd = libc.symbols.epoll_create1(EPOLL_CLOEXEC);
    if (
      !isMapped(this.#consumerPage) || !isMapped(this.#producerPages) ||
      this.#epollFd < 0
    ) {
      const error = osError(libc, "Cannot map the ring buffer");
      this.#closeNow();
      throw error;
    }
    const consumer = Deno.UnsafePointerView.getArrayBuffer(
      this.#consumerPage!,
      PAGE_SIZE,
    );
    const producer = Deno.UnsafePointerView.getArrayBuffer(
      this.#producerPages!,
      PAGE_SIZE + 2 * size,
    );
    this.#ring = {
      size,
      consumerPosition: new BigUint64Array(consumer, 0, 1),
      producerPosition: new BigUint64Array(producer, 0, 1),
      data: new DataView(producer, PAGE_SIZE, 2 * size),
      words: new Uint32Array(producer, PAGE_SIZE, (2 * size) / 4),
    };
    const event = new DataView(new ArrayBuffer(EPOLL_EVENT_SIZE));
    event.setUint32(0, EPOLLIN, true);
    const rc = libc.symbols.epoll_ctl(
      this.#epollFd,
      EPOLL_CTL_ADD,
      mapFd,
      new Uint8Array(event.buffer),
    );
    if (rc < 0) {
      const error = osError(libc, "Cannot watch the ring buffer with epoll");
      this.#closeNow();
      throw error;
    }
  }

  /**
   * Decodes every committed record, oldest first, and hands each to
   * `onEvent`; returns how many it read. Stops at a record the kernel is
   * still writing. Synchronous and bounded by what is in the ring.
   */
  drain(onEvent: (event: TtyEvent) => void): number {
    const data = this.#ring.data;
    return drainRing(this.#ring, (offset) => onEvent(decodeTtyEvent(data, offset)));
  }

  /**
   * Waits up to `timeoutMs` for the kernel to signal new records, on a
   * worker thread. Resolves true when records may be ready.
   */
  async wait(timeoutMs: number): Promise<boolean> {
    this.#pendingWait = this.#libc.symbols.epoll_wait(
      this.#epollFd,
      this.#epollEvents,
      1,
      timeoutMs,
    );
    const ready = await this.#pendingWait;
    this.#pendingWait = null;
    if (ready < 0) {
      const error = osError(this.#libc, "Cannot wait on the ring buffer");
      if (error.errno === EINTR) return false;
      throw error;
    }
    return ready > 0;
  }

  /** Unmaps the ring and closes the epoll descriptor, after any wait in flight returns. */
  async close(): Promise<void> {
    if (this.#pendingWait !== null) await this.#pendingWait.catch(() => 0);
    this.#closeNow();
  }

  #closeNow(): void {
    if (this.#epollFd === -2) return;
    const libc = this.#libc;
    if (isMapped(this.#consumerPage)) {
      libc.symbols.munmap(this.#consumerPage, BigInt(PAGE_SIZE));
    }
    if (isMapped(this.#producerPages)) {
      libc.symbols.munmap(
        this.#producerPages,
        BigInt(PAGE_SIZE + 2 * this.#size),
      );
    }
    if (this.#epollFd >= 0) libc.symbols.close(this.#epollFd);
    this.#consumerPage = null;
    this.#producerPages = null;
    this.#epollFd = -2;
    libc.close();
  }

  /** Same as {@link close}. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }
}
