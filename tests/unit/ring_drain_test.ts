/**
 * drainRing over a synthetic ring laid out as the kernel lays out a
 * BPF_MAP_TYPE_RINGBUF (kernel/bpf/ringbuf.c): 8-byte headers with BUSY and
 * DISCARD bits, 8-byte rounding, positions that only grow, and the data area
 * mapped twice so a wrapping record reads contiguously.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  drainRing,
  RINGBUF_BUSY_BIT,
  RINGBUF_DISCARD_BIT,
  RINGBUF_HEADER_SIZE,
  type RingView,
} from "../../src/kernel/ring_drain.ts";
import { decodeTtyEvent, TTY_EVENT_LAYOUT } from "../../src/kernel/abi.ts";

/** What the kernel's producer side does, over one buffer standing for the double mapping. */
class SyntheticRing {
  readonly view: RingView;
  #bytes: Uint8Array;

  /** A ring of `size` bytes whose positions both start at `start`. */
  constructor(size: number, start = 0) {
    const buffer = new ArrayBuffer(2 * size);
    this.#bytes = new Uint8Array(buffer);
    this.view = {
      size,
      consumerPosition: new BigUint64Array([BigInt(start)]),
      producerPosition: new BigUint64Array([BigInt(start)]),
      data: new DataView(buffer),
      words: new Uint32Array(buffer),
    };
  }

  get consumer(): number {
    return Number(this.view.consumerPosition[0]);
  }

  get producer(): number {
    return Number(this.view.producerPosition[0]);
  }

  /** Reserves and fills a record; returns its position. Flags: BUSY stays set until commit. */
  write(sample: Uint8Array, flags = 0): number {
    const position = this.producer;
    const span = (sample.length + RINGBUF_HEADER_SIZE + 7) & ~7;
    assert.ok(position + span - this.consumer <= this.view.size, "the ring is full");
    const header = new Uint8Array(RINGBUF_HEADER_SIZE);
    new DataView(header.buffer).setUint32(0, (sample.length | flags) >>> 0, true);
    this.#put(position, header);
    this.#put(position + RINGBUF_HEADER_SIZE, sample);
    this.view.producerPosition[0] = BigInt(position + span);
    return position;
  }

  /** Clears BUSY on the record at `position`, as bpf_ringbuf_submit does. */
  commit(position: number): void {
    const offset = position & (this.view.size - 1);
    const header = this.view.data.getUint32(offset, true);
    this.#put(position, u32(header & ~RINGBUF_BUSY_BIT));
  }

  /** Writes at a position into both mappings of its bytes. */
  #put(position: number, bytes: Uint8Array): void {
    const size = this.view.size;
    bytes.forEach((byte, i) => {
      const offset = (position + i) & (size - 1);
      this.#bytes[offset] = byte;
      this.#bytes[offset + size] = byte;
    });
  }
}

function u32(value: number): Uint8Array {
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, value >>> 0, true);
  return bytes;
}

function sampleOf(length: number, seed: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (seed * 31 + i * 7) & 0xff);
}

function drained(ring: SyntheticRing): Uint8Array[] {
  const samples: Uint8Array[] = [];
  drainRing(ring.view, (offset, length) => {
    samples.push(new Uint8Array(ring.view.data.buffer, offset, length).slice());
  });
  return samples;
}

Deno.test("drainRing: hands over each sample once, in order, and releases every record", () => {
  const ring = new SyntheticRing(4096);
  const samples = [1, 8, 13, 64].map((length, i) => sampleOf(length, i));
  for (const sample of samples) ring.write(sample);
  // Spans: 1 + 8 → 16, 8 + 8 → 16, 13 + 8 → 24, 64 + 8 → 72.
  assert.equal(ring.producer, 16 + 16 + 24 + 72);
  assert.deepEqual(drained(ring), samples);
  assert.equal(ring.consumer, ring.producer);
  assert.deepEqual(drained(ring), [], "a second drain finds nothing");
});

Deno.test("drainRing: a record that wraps past the end reads whole through the double mapping", () => {
  const size = 4096;
  const ring = new SyntheticRing(size, 3 * size - 40);
  const event = new Uint8Array(TTY_EVENT_LAYOUT.size);
  const fields = new DataView(event.buffer);
  fields.setBigUint64(TTY_EVENT_LAYOUT.timestamp_ns, 123_456_789n, true);
  fields.setUint32(TTY_EVENT_LAYOUT.kind, 1, true);
  fields.setUint32(TTY_EVENT_LAYOUT.session_key, (136 << 20) | 5, true);
  fields.setBigUint64(TTY_EVENT_LAYOUT.bytes, 42n, true);
  event.set(new TextEncoder().encode("sshd"), TTY_EVENT_LAYOUT.comm);
  // 16 bytes, then the event's header 24 bytes before the end: its sample straddles the end.
  ring.write(sampleOf(5, 1));
  ring.write(event);
  const events: ReturnType<typeof decodeTtyEvent>[] = [];
  const count = drainRing(ring.view, (offset, length) => {
    if (length === TTY_EVENT_LAYOUT.size) events.push(decodeTtyEvent(ring.view.data, offset));
  });
  assert.equal(count, 2);
  assert.equal(events.length, 1);
  assert.equal(events[0]!.timestampNs, 123_456_789n);
  assert.equal(events[0]!.sessionKey, (136 << 20) | 5);
  assert.equal(events[0]!.bytes, 42);
  assert.equal(events[0]!.comm, "sshd");
  assert.equal(ring.consumer, 3 * size - 40 + 16 + 72);
});

Deno.test("drainRing: stops at a BUSY record and resumes there once it is committed", () => {
  const ring = new SyntheticRing(4096);
  const first = sampleOf(10, 1);
  const reserved = sampleOf(20, 2);
  const after = sampleOf(30, 3);
  ring.write(first);
  const busyAt = ring.write(reserved, RINGBUF_BUSY_BIT);
  ring.write(after);
  assert.deepEqual(drained(ring), [first]);
  assert.equal(ring.consumer, busyAt, "the consumer waits at the uncommitted record");
  ring.commit(busyAt);
  assert.deepEqual(drained(ring), [reserved, after]);
  assert.equal(ring.consumer, ring.producer);
});

Deno.test("drainRing: a DISCARD record is skipped but consumed", () => {
  const ring = new SyntheticRing(4096);
  const kept = [sampleOf(9, 1), sampleOf(9, 3)];
  ring.write(kept[0]!);
  ring.write(sampleOf(9, 2), RINGBUF_DISCARD_BIT);
  ring.write(kept[1]!);
  assert.deepEqual(drained(ring), kept);
  assert.equal(ring.consumer, ring.producer);
});

Deno.test("drainRing against a list model: any mix of lengths, discards, one reservation, any start", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 34 }),
      fc.array(
        fc.record({ length: fc.integer({ min: 1, max: 200 }), discard: fc.boolean() }),
        { maxLength: 40 },
      ),
      fc.option(fc.nat(), { nil: undefined }),
      (startRaw, records, busyPick) => {
        const size = 16_384;
        const start = startRaw - (startRaw % 8);
        const ring = new SyntheticRing(size, start);
        const busyIndex = busyPick === undefined || records.length === 0
          ? undefined
          : busyPick % records.length;
        const expected: Uint8Array[] = [];
        let stopAt: number | undefined;
        records.forEach(({ length, discard }, i) => {
          const sample = sampleOf(length, i);
          const busy = i === busyIndex;
          const position = ring.write(
            sample,
            (discard ? RINGBUF_DISCARD_BIT : 0) | (busy ? RINGBUF_BUSY_BIT : 0),
          );
          if (busy) stopAt = position;
          if (stopAt === undefined && !discard) expected.push(sample);
        });
        assert.deepEqual(drained(ring), expected);
        assert.equal(ring.consumer, stopAt ?? ring.producer);
      },
    ),
    { numRuns: 300 },
  );
});
