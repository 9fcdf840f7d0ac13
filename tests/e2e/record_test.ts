/**
 * `ghost-hunter record` on real pseudo-terminals with the real probe: what a
 * person types into a pty master comes out as `in` events with the right
 * session, size and time; what the session writes comes out as `out`.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import type { TraceEvent } from "../../src/trace/trace_event.ts";

const TIME_TOLERANCE_MS = 2;

interface Typed {
  t: number;
  bytes: number;
}

/** Types `chunks` into `pty` with human-like gaps; returns when and how much. */
async function typeChunks(pty: Pty, chunks: string[]): Promise<Typed[]> {
  const typed: Typed[] = [];
  for (const [i, chunk] of chunks.entries()) {
    await sleep(25 + (i * 17) % 40);
    typed.push({
      t: pty.type(chunk),
      bytes: new TextEncoder().encode(chunk).length,
    });
  }
  return typed;
}

function inputsOf(events: TraceEvent[], pty: Pty): TraceEvent[] {
  return events.filter((e) => e.session === pty.sessionName && e.dir === "in");
}

function assertMatches(recorded: TraceEvent[], typed: Typed[]): void {
  assert.equal(
    recorded.length,
    typed.length,
    `expected ${typed.length} in events, got ${JSON.stringify(recorded)}`,
  );
  for (const [i, want] of typed.entries()) {
    const got = recorded[i]!;
    assert.equal(got.bytes, want.bytes, `event ${i} byte count`);
    const skew = got.t - want.t;
    assert.ok(
      skew >= 0 && skew < TIME_TOLERANCE_MS,
      `event ${i} is ${skew.toFixed(3)} ms from its write`,
    );
  }
}

const KEYSTROKES = ["l", "s", " ", "-", "l", "\x1b[A", "\t", "x", "\r"];

Deno.test({
  name: "record: terminal timing on real ptys",
  ignore: skipOrFail("record: terminal timing on real ptys", kernelBlocker()),
  async fn(t) {
    const agent = await AgentOnPty.start(["record"], '"ghost_hunter_trace"');
    const typedBy = new Map<Pty, Typed[]>();
    const ptys: Pty[] = [];
    let fileWriter: Deno.ChildProcess | undefined;
    try {
      await t.step("raw-mode reader: one in event per chunk", async () => {
        const pty = new Pty();
        ptys.push(pty);
        pty.spawn(
          "stty -icanon -echo min 1 time 0 && echo READY && exec dd bs=1 of=/dev/null status=none",
        );
        await pty.waitForOutput("READY");
        typedBy.set(pty, await typeChunks(pty, KEYSTROKES));
      });
      await t.step(
        "canonical-mode reader (cat): keystrokes timed before the line is read",
        async () => {
          const pty = new Pty();
          ptys.push(pty);
          pty.spawn("stty icanon echo && echo READY && exec cat");
          await pty.waitForOutput("READY");
          typedBy.set(pty, await typeChunks(pty, ["e", "c", "h", "o", "\r"]));
          await pty.waitForOutput("echo\r\necho");
        },
      );
      await t.step(
        "readline-style prompt (non-canonical, ECHO off) is timed",
        async () => {
          const pty = new Pty();
          ptys.push(pty);
          pty.spawn(
            "stty -icanon -echo min 1 time 0 && echo READY && exec dd bs=1 of=/dev/null status=none",
          );
          await pty.waitForOutput("READY");
          typedBy.set(pty, await typeChunks(pty, ["p", "w", "\r"]));
        },
      );
      await t.step(
        "password prompt (canonical, ECHO off) is not timed",
        async () => {
          const pty = new Pty();
          ptys.push(pty);
          pty.spawn("stty icanon -echo && echo READY && exec cat >/dev/null");
          await pty.waitForOutput("READY");
          await typeChunks(pty, ["s", "3", "c", "r", "3", "t", "\r"]);
          typedBy.set(pty, []);
        },
      );
      await t.step("writes to a regular file are not traced", async () => {
        fileWriter = new Deno.Command("dd", {
          args: [
            "if=/dev/zero",
            `of=${await Deno.makeTempFile()}`,
            "bs=1",
            "count=200",
            "status=none",
          ],
        }).spawn();
        assert.equal((await fileWriter.status).code, 0);
      });
      await sleep(300);
    } finally {
      const status = await agent.stop();
      for (const pty of ptys) await pty.close();
      assert.equal(status.code, 0, "record exits 0 on SIGTERM");
    }
    const events = agent.traceEvents();
    for (const [pty, typed] of typedBy) {
      assertMatches(inputsOf(events, pty), typed);
    }

    const catOutput = events.filter((e) => e.session === ptys[1]!.sessionName && e.dir === "out");
    assert.ok(
      catOutput.some((e) => e.bytes === "echo\n".length),
      "cat's echo of the line is an out event",
    );
    const ready = events.filter((e) => e.dir === "out" && e.bytes === "READY\n".length);
    assert.ok(
      ready.length >= ptys.length,
      "each reader's READY is an out event",
    );
    assert.ok(
      !events.some((e) => e.pid === fileWriter?.pid),
      "no event from the process writing a file",
    );
    assert.ok(
      !events.some((e) => e.pid === agent.pid),
      "no event from the agent itself",
    );
    assert.ok(
      !events.some((e) => e.session === agent.terminal.sessionName),
      "no event on the agent's own terminal",
    );
  },
});
