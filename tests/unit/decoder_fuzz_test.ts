/**
 * Hostile input to the ring-buffer event decoder (`decodeTtyEvent`): for any
 * bytes at any integer offset it either returns a well-formed TtyEvent (a
 * kind of EventKind) or throws one of its two documented errors (RangeError when fewer than 64
 * bytes remain, Error "unknown kind" otherwise), never anything else; valid
 * field values written at the offsets of TTY_EVENT_LAYOUT decode back
 * unchanged, also through a DataView that starts inside a larger buffer.
 * Ignored tests pin down contract gaps found by fuzzing (see each comment).
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  decodeTtyEvent,
  EventKind,
  TTY_EVENT_LAYOUT,
  type TtyEvent,
} from "../../src/kernel/abi.ts";
import { traceEventFromProbe } from "../../src/trace/trace_from_probe.ts";
import { formatTraceEvent } from "../../src/trace/trace_event.ts";
import { parseTraceLine } from "../../src/trace/trace_reader.ts";

const U32_MAX = 0xffff_ffff;
const U64_MAX = 2n ** 64n - 1n;
const COMM_BYTES = 16;
const KNOWN_KINDS: readonly number[] = Object.values(EventKind);

/** A buffer, an offset that may lie outside it, and the kind planted at that offset when it fits. */
const hostileInput = fc.record({
  bytes: fc.uint8Array({ maxLength: 3 * TTY_EVENT_LAYOUT.size }),
  offset: fc.integer({ min: -2 * TTY_EVENT_LAYOUT.size, max: 4 * TTY_EVENT_LAYOUT.size }),
  // Random bytes almost never hold kind 1 or 2: plant a valid kind most of the time.
  plantedKind: fc.option(
    fc.oneof(fc.constantFrom(...KNOWN_KINDS), fc.nat({ max: U32_MAX })),
    { freq: 4 },
  ),
});

function fitsAt(view: DataView, offset: number): boolean {
  return offset >= 0 && offset + TTY_EVENT_LAYOUT.size <= view.byteLength;
}

function assertU32(value: number, field: string): void {
  assert.ok(Number.isInteger(value) && value >= 0 && value <= U32_MAX, `${field} = ${value}`);
}

/** The structural contract of a decoded event; `commBytes` are the 16 raw comm bytes. */
function assertWellFormed(event: TtyEvent, commBytes: Uint8Array): void {
  assert.ok(KNOWN_KINDS.includes(event.kind), `kind ${event.kind}`);
  assert.equal(typeof event.timestampNs, "bigint");
  assert.ok(event.timestampNs >= 0n && event.timestampNs <= U64_MAX);
  assertU32(event.flags, "flags");
  assertU32(event.tgid, "tgid");
  assertU32(event.tid, "tid");
  assertU32(event.uid, "uid");
  assertU32(event.sessionKey, "sessionKey");
  assert.ok(Number.isInteger(event.bytes) && event.bytes >= 0, `bytes = ${event.bytes}`);
  assert.ok(!event.comm.includes("\0"), "comm holds no NUL");
  const nul = commBytes.indexOf(0);
  assert.equal(event.comm.length, nul === -1 ? COMM_BYTES : nul, "one character per comm byte");
  for (let i = 0; i < event.comm.length; i++) {
    if (commBytes[i]! < 0x80) assert.equal(event.comm.charCodeAt(i), commBytes[i], "ASCII as is");
  }
}

Deno.test("fuzz: any bytes at any offset decode to a well-formed event or a documented error", () => {
  fc.assert(
    fc.property(hostileInput, ({ bytes, offset, plantedKind }) => {
      const view = new DataView(bytes.buffer);
      if (plantedKind !== null && fitsAt(view, offset)) {
        view.setUint32(offset + TTY_EVENT_LAYOUT.kind, plantedKind, true);
      }
      let event: TtyEvent;
      try {
        event = decodeTtyEvent(view, offset);
      } catch (error) {
        if (!fitsAt(view, offset)) {
          assert.ok(error instanceof RangeError, `a RangeError, got ${error}`);
          assert.match(error.message, new RegExp(`^Cannot decode TtyEvent at offset ${offset}: `));
          return;
        }
        const kind = view.getUint32(offset + TTY_EVENT_LAYOUT.kind, true);
        assert.ok(error instanceof Error && error.constructor === Error, `an Error, got ${error}`);
        assert.equal(
          error.message,
          `Cannot decode TtyEvent at offset ${offset}: unknown kind ${kind}`,
        );
        assert.ok(!KNOWN_KINDS.includes(kind), "a known kind decodes");
        return;
      }
      assert.ok(fitsAt(view, offset), "decoded only with 64 bytes available");
      const commStart = offset + TTY_EVENT_LAYOUT.comm;
      assertWellFormed(event, bytes.subarray(commStart, commStart + COMM_BYTES));
    }),
    { numRuns: 5000 },
  );
});

const validEvent: fc.Arbitrary<TtyEvent> = fc.record({
  timestampNs: fc.bigInt({ min: 0n, max: U64_MAX }),
  kind: fc.constantFrom(...KNOWN_KINDS),
  flags: fc.nat({ max: U32_MAX }),
  tgid: fc.nat({ max: U32_MAX }),
  tid: fc.nat({ max: U32_MAX }),
  uid: fc.nat({ max: U32_MAX }),
  sessionKey: fc.nat({ max: U32_MAX }),
  bytes: fc.maxSafeNat(),
  // What the kernel's task comm holds: up to 15 printable characters, NUL-terminated.
  comm: fc.string({
    unit: fc.integer({ min: 0x20, max: 0x7e }).map(String.fromCharCode),
    maxLength: 15,
  }),
  loginId: fc.nat({ max: U32_MAX }),
  shape: fc.nat({ max: 255 }),
});

/** Writes `event` at `offset` of `view` with DataView, at the offsets of TTY_EVENT_LAYOUT. */
function encodeTtyEvent(view: DataView, offset: number, event: TtyEvent): void {
  const at = (field: number) => offset + field;
  view.setBigUint64(at(TTY_EVENT_LAYOUT.timestamp_ns), event.timestampNs, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.kind), event.kind, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.flags), event.flags, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.tgid), event.tgid, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.tid), event.tid, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.uid), event.uid, true);
  view.setUint32(at(TTY_EVENT_LAYOUT.session_key), event.sessionKey, true);
  view.setBigUint64(at(TTY_EVENT_LAYOUT.bytes), BigInt(event.bytes), true);
  view.setUint32(at(TTY_EVENT_LAYOUT.login_id), event.loginId, true);
  view.setUint8(at(TTY_EVENT_LAYOUT.shape), event.shape);
  for (let i = 0; i < COMM_BYTES; i++) {
    view.setUint8(
      at(TTY_EVENT_LAYOUT.comm) + i,
      i < event.comm.length ? event.comm.charCodeAt(i) : 0,
    );
  }
}

Deno.test("fuzz: valid field values round-trip through the 64-byte layout, at any view and offset", () => {
  fc.assert(
    fc.property(
      validEvent,
      fc.nat({ max: 32 }),
      fc.nat({ max: 3 }),
      fc.uint8Array({ minLength: 3 * TTY_EVENT_LAYOUT.size, maxLength: 3 * TTY_EVENT_LAYOUT.size }),
      (event, viewStart, slot, garbage) => {
        // The view starts inside a larger buffer full of garbage, so the comm
        // must be read relative to the view, not to the buffer.
        const view = new DataView(garbage.buffer, viewStart, garbage.length - viewStart);
        const offset = Math.min(slot * 8, view.byteLength - TTY_EVENT_LAYOUT.size);
        encodeTtyEvent(view, offset, event);
        assert.deepEqual(decodeTtyEvent(view, offset), { ...event });
      },
    ),
    { numRuns: 3000 },
  );
});

Deno.test("the documented edges: exactly 64 bytes decode, 63 do not, unlisted kinds are unknown", () => {
  const bytes = new Uint8Array(TTY_EVENT_LAYOUT.size);
  const view = new DataView(bytes.buffer);
  view.setUint32(TTY_EVENT_LAYOUT.kind, EventKind.OUTPUT, true);
  assert.equal(decodeTtyEvent(view, 0).kind, EventKind.OUTPUT);
  assert.throws(() => decodeTtyEvent(new DataView(bytes.buffer, 1), 0), RangeError);
  assert.throws(() => decodeTtyEvent(view, 1), RangeError);
  assert.throws(() => decodeTtyEvent(view, -1), RangeError);
  for (const kind of [0, Math.max(...KNOWN_KINDS) + 1, U32_MAX]) {
    view.setUint32(TTY_EVENT_LAYOUT.kind, kind, true);
    assert.throws(() => decodeTtyEvent(view, 0), { message: new RegExp(`unknown kind ${kind}$`) });
  }
});

Deno.test({
  // Regression: a comm field with no NUL in its 16 bytes decoded to 16
  // characters. The kernel NUL-terminates comm, so only corrupt input hits it.
  name: "an unterminated comm still decodes to at most 15 characters",
  fn() {
    const bytes = new Uint8Array(TTY_EVENT_LAYOUT.size).fill(0x41);
    new DataView(bytes.buffer).setUint32(TTY_EVENT_LAYOUT.kind, EventKind.INPUT, true);
    const event = decodeTtyEvent(new DataView(bytes.buffer), 0);
    assert.ok(event.comm.length <= 15, `comm ${JSON.stringify(event.comm)}`);
  },
});

Deno.test({
  // Regression: a NaN or fractional offset passed the range check and
  // DataView truncated it, decoding the event at offset 0.
  name: "a non-integer offset is refused with a RangeError",
  fn() {
    // Every u32 holds a valid kind, so a truncated offset decodes instead of failing on kind.
    const bytes = new Uint8Array(2 * TTY_EVENT_LAYOUT.size);
    const view = new DataView(bytes.buffer);
    for (let at = 0; at < bytes.length; at += 4) view.setUint32(at, EventKind.INPUT, true);
    for (const offset of [Number.NaN, 0.5]) {
      assert.throws(() => decodeTtyEvent(view, offset), RangeError);
    }
  },
});

Deno.test({
  // Regression: the probe reports write(2)'s raw count, any u64 the writer
  // chooses; counts ≥ 2^53 used to decode to unsafe integers that the trace
  // reader refuses, so one write(fd, buf, huge) made a trace unreplayable.
  name: "every decodable event becomes a trace line the trace reader accepts",
  fn() {
    fc.assert(
      fc.property(
        validEvent,
        // The kinds `record` turns into trace lines.
        fc.constantFrom(EventKind.INPUT, EventKind.OUTPUT),
        fc.bigInt({ min: 0n, max: U64_MAX }),
        (event, kind, bytes) => {
          const buffer = new Uint8Array(TTY_EVENT_LAYOUT.size);
          const view = new DataView(buffer.buffer);
          encodeTtyEvent(view, 0, { ...event, kind });
          view.setBigUint64(TTY_EVENT_LAYOUT.bytes, bytes, true);
          const line = formatTraceEvent(traceEventFromProbe(decodeTtyEvent(view, 0)));
          assert.notEqual(parseTraceLine(line, 2, "trace.jsonl"), null);
        },
      ),
    );
  },
});
