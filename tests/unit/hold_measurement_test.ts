/**
 * The hold-precision harness measures what it says: trace lines are read
 * on their clock, an input's landing is its last write() entry before its
 * answer (the restart after a hold), and each input is paired with its own
 * draw.
 */
import assert from "node:assert/strict";
import { type BotInput, holdPrecision, landedFromTrace } from "../support/fast_bot.ts";
import { writeEntriesMs } from "../support/write_trace.ts";

const TRACE = `# tracer: nop
#
#                                _-----=> irqs-off/BH-disabled
#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION
#              | |         |   |||||     |         |
    sshd-session-5012    [001] .....  3449.354518: sys_write(fd: 9, buf: 55d1c2a0b2e0, count: 7)
    sshd-session-5012    [000] .....  3449.379901: sys_write(fd: 9, buf: 55d1c2a0b2e0, count: 7)
`;

function input(writeMs: number, echoMs: number): BotInput {
  return { writeMs, writtenMs: writeMs, echoMs, promptMs: echoMs + 0.1 };
}

Deno.test("write trace: entries are read as CLOCK_MONOTONIC ms", () => {
  assert.deepEqual(writeEntriesMs(TRACE).map((t) => t.toFixed(3)), ["3449354.518", "3449379.901"]);
});

Deno.test("write trace: an input landed at its last write() entry before its answer", () => {
  const [held, free] = landedFromTrace(
    [input(3449354.5, 3449380.2), input(3449380.3, 3449381.0)],
    [3449354.518, 3449379.901, 3449380.4, 3449390.0],
  );
  assert.equal(held!.writtenMs, 3449379.901);
  assert.equal(free!.writtenMs, 3449380.4);
  assert.throws(() => landedFromTrace([input(10, 20)], [5, 25]), /saw no write\(\) for input 0/);
});

Deno.test("hold precision: each input is judged against its own draw", () => {
  const inputs = [input(100, 130), input(130.2, 131), input(131.2, 160)];
  inputs[0]!.writtenMs = 125.5;
  inputs[2]!.writtenMs = 131.3;
  const p = holdPrecision(
    inputs,
    [{ t: 100.01, seconds: 0.025 }, { t: 131.21, seconds: 0.02 }],
    99,
  );
  assert.equal(p.inputs, 3);
  assert.equal(p.undrawn, 1, "the second input had no draw");
  assert.equal(p.onTime, 1, "the third landed 20 ms early: not on time");
  assert.deepEqual(p.errorsMs.map((e) => Math.round(e)), [0, -20]);
  assert.equal(p.reactionMs.length, 2);
});
