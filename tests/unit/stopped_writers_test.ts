/**
 * The release's identity check: a stopped writer is continued only if the
 * pid still belongs to the process the probe stopped (same start time), so a
 * reused pid is never signalled.
 */
import assert from "node:assert/strict";
import { decodeStoppedWriter, STOPPED_WRITER_LAYOUT } from "../../src/kernel/abi.ts";
import { isSameProcess, parseProcStat } from "../../src/actuation/stopped_writers.ts";

const STAT =
  "4242 (tmux: server (1)) T 1 4242 4242 0 -1 4194624 1207 0 0 0 3 5 0 0 20 0 1 0 98765 8826880 1000 18446744073709551615";

Deno.test("parseProcStat reads state and start time after a comm with spaces and parentheses", () => {
  assert.deepEqual(parseProcStat(STAT), { state: "T", startTicks: 98765n });
  assert.equal(parseProcStat("garbage"), undefined);
  assert.equal(parseProcStat("1 (x) S 0"), undefined);
});

Deno.test("isSameProcess compares the probe's start_boottime with /proc's clock ticks", () => {
  const stat = parseProcStat(STAT)!;
  const writer = {
    stoppedNs: 0n,
    tgid: 4242,
    sessionKey: 1,
    startBoottimeNs: 987_650_000_000n + 9_999_999n,
  };
  assert.equal(isSameProcess(stat, writer), true);
  assert.equal(isSameProcess(stat, { ...writer, startBoottimeNs: 987_660_000_000n }), false);
});

Deno.test("decodeStoppedWriter reads the 24-byte C layout", () => {
  const bytes = new Uint8Array(STOPPED_WRITER_LAYOUT.size);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(STOPPED_WRITER_LAYOUT.stopped_ns, 5n, true);
  view.setBigUint64(STOPPED_WRITER_LAYOUT.start_boottime_ns, 7n, true);
  view.setUint32(STOPPED_WRITER_LAYOUT.tgid, 4242, true);
  view.setUint32(STOPPED_WRITER_LAYOUT.session_key, 99, true);
  assert.deepEqual(decodeStoppedWriter(bytes), {
    stoppedNs: 5n,
    startBoottimeNs: 7n,
    tgid: 4242,
    sessionKey: 99,
  });
  assert.throws(() => decodeStoppedWriter(bytes.subarray(0, 23)), RangeError);
});
