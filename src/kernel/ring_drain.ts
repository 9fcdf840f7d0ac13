/**
 * The consumer side of a BPF ring buffer (`BPF_MAP_TYPE_RINGBUF`), pure: it
 * walks records between the consumer and producer positions of a ring given
 * as typed arrays, so it runs the same over the kernel's mapping and over a
 * synthetic ring in a unit test.
 *
 * Record format (include/uapi/linux/bpf.h, kernel/bpf/ringbuf.c): an
 * 8-byte header (`BPF_RINGBUF_HDR_SZ`), a u32 length whose top bits are
 * `BPF_RINGBUF_BUSY_BIT` (1 << 31, still being written) and
 * `BPF_RINGBUF_DISCARD_BIT` (1 << 30, submitted as discarded), then a u32
 * page offset the kernel keeps for itself; the sample follows, and the next
 * record starts at the header plus the length rounded up to 8 bytes.
 * Positions only grow; a position's offset in the data area is
 * `position & (size − 1)`. The data area is mapped twice back to back, so a
 * record that wraps past the end reads as one contiguous run.
 *
 * @module
 */

/** `BPF_RINGBUF_HDR_SZ`: bytes of the header in front of every sample. */
export const RINGBUF_HEADER_SIZE = 8;
/** `BPF_RINGBUF_BUSY_BIT`: the producer has reserved the record and not yet committed it. */
export const RINGBUF_BUSY_BIT = 0x80000000;
/** `BPF_RINGBUF_DISCARD_BIT`: the record was discarded; it is skipped but consumed. */
export const RINGBUF_DISCARD_BIT = 0x40000000;
const LENGTH_MASK = 0x3fffffff;

/** A ring buffer seen through typed arrays. */
export interface RingView {
  /** Size of the data area in bytes, a power of two. */
  size: number;
  /** Element 0 is the consumer position: written by us, read by the kernel. */
  consumerPosition: BigUint64Array;
  /** Element 0 is the producer position: written by the kernel. */
  producerPosition: BigUint64Array;
  /** The data area mapped twice: `2 × size` bytes. */
  data: DataView;
  /** The same bytes as u32 words, so a header is loaded atomically. */
  words: Uint32Array;
}

/** Bytes a record with header length word `header` takes in the ring. */
export function recordSpan(header: number): number {
  return ((header & LENGTH_MASK) + RINGBUF_HEADER_SIZE + 7) & ~7;
}

/**
 * Hands every committed, not discarded sample between the consumer and
 * producer positions to `onSample` (the sample's byte offset in `ring.data`
 * and its length), oldest first, and releases each record by advancing the
 * consumer position past it. Stops at a record still being written (BUSY);
 * returns how many samples it handed over.
 */
export function drainRing(
  ring: RingView,
  onSample: (offset: number, length: number) => void,
): number {
  const mask = ring.size - 1;
  let consumer = Number(Atomics.load(ring.consumerPosition, 0));
  const producer = Number(Atomics.load(ring.producerPosition, 0));
  let count = 0;
  while (consumer < producer) {
    const offset = consumer & mask;
    const header = Atomics.load(ring.words, offset / 4);
    if (header & RINGBUF_BUSY_BIT) break;
    if (!(header & RINGBUF_DISCARD_BIT)) {
      onSample(offset + RINGBUF_HEADER_SIZE, header & LENGTH_MASK);
      count++;
    }
    consumer += recordSpan(header);
    Atomics.store(ring.consumerPosition, 0, BigInt(consumer));
  }
  return count;
}
