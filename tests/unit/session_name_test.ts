import assert from "node:assert/strict";
import fc from "fast-check";
import { sessionName } from "../../src/kernel/session_name.ts";
import { formatTraceEvent, nsToTraceMs } from "../../src/trace/trace_event.ts";

const mkdev = (major: number, minor: number) => ((major << 20) | minor) >>> 0;

Deno.test("session names: pty slaves, virtual consoles, serial lines, others", () => {
  assert.equal(sessionName(mkdev(136, 0)), "pts/0");
  assert.equal(sessionName(mkdev(136, 4321)), "pts/4321");
  assert.equal(sessionName(mkdev(4, 1)), "tty1");
  assert.equal(sessionName(mkdev(4, 64)), "ttyS0");
  assert.equal(sessionName(mkdev(5, 1)), "tty:5:1");
});

Deno.test("session names: every pty slave key names a distinct pts", () => {
  fc.assert(fc.property(fc.integer({ min: 0, max: 0xfffff }), (index) => {
    assert.equal(sessionName(mkdev(136, index)), `pts/${index}`);
  }));
});

Deno.test("trace time: nanoseconds become milliseconds exact to the microsecond", () => {
  assert.equal(nsToTraceMs(852_279_118_456n), 852_279.118);
  fc.assert(fc.property(fc.bigInt({ min: 0n, max: 1n << 62n }), (ns) => {
    const ms = nsToTraceMs(ns);
    assert.ok(Math.abs(ms * 1e6 - Number(ns)) <= 1000 + Number(ns) * 1e-15);
  }));
});

Deno.test("trace lines: one JSON object with the v1 fields, t rounded to the microsecond", () => {
  const line = formatTraceEvent({ t: 12.3456789, session: "pts/3", dir: "in", bytes: 1 });
  assert.deepEqual(JSON.parse(line), { t: 12.346, session: "pts/3", dir: "in", bytes: 1 });
  assert.ok(!line.includes("\n"));
});
