/**
 * The actuator's state machine with fake ports: each held input is let
 * through exactly at its timestamp plus its draw, never before an earlier
 * input of the same session, stops release everything at once, and a writer
 * whose release never came is let go after maxHoldMs.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import type { ActuatorReport } from "../../src/actuation/actuator_protocol.ts";
import { releaseAtCommand } from "../../src/actuation/actuator_protocol.ts";
import {
  HoldController,
  type HoldPorts,
  type StoppedWriterEntry,
} from "../../src/actuation/hold_controller.ts";

/** Fake ports: a manual clock with a timer queue, and a log of every kernel and signal action. */
class FakePorts implements HoldPorts {
  now = 0;
  timers: { atMs: number; fire: () => void; cancelled: boolean }[] = [];
  commands = new Map<number, number>();
  stopped: StoppedWriterEntry[] = [];
  /** tid and the clock when SIGCONT was sent. */
  continued: { tid: number; atMs: number; overdue: boolean }[] = [];
  reports: ActuatorReport[] = [];

  nowMs(): number {
    return this.now;
  }

  at(atMs: number, fire: () => void): () => void {
    const timer = { atMs, fire, cancelled: false };
    this.timers.push(timer);
    return () => timer.cancelled = true;
  }

  writeCommand(sessionKey: number, lambdaScaled: number): void {
    this.commands.set(sessionKey, lambdaScaled);
  }

  deleteCommand(sessionKey: number): void {
    this.commands.delete(sessionKey);
  }

  stoppedWriters(): StoppedWriterEntry[] {
    return this.stopped;
  }

  continueWriter(tid: number, overdue: boolean): boolean {
    this.continued.push({ tid, atMs: this.now, overdue });
    this.stopped = this.stopped.filter((entry) => entry.tid !== tid);
    return true;
  }

  report(report: ActuatorReport): void {
    this.reports.push(report);
  }

  /** Advances the clock to `ms`, firing due timers in time order. */
  advanceTo(ms: number): void {
    for (;;) {
      const due = this.timers.filter((t) => !t.cancelled && t.atMs <= ms)
        .sort((a, b) => a.atMs - b.atMs)[0];
      if (due === undefined) break;
      this.now = Math.max(this.now, due.atMs);
      due.cancelled = true;
      due.fire();
    }
    this.now = ms;
  }
}

const KEY = (136 << 20) | 3;

function held(ports = new FakePorts()): { ports: FakePorts; controller: HoldController } {
  const controller = new HoldController(ports, { dryRun: false, maxHoldMs: 3000 });
  controller.apply({ type: "hold", session: "pts/3", sessionKey: KEY, lambdaScaled: 20_000 });
  return { ports, controller };
}

Deno.test("hold: writes the session's command; lambda rewrites it; stop deletes it", () => {
  const { ports, controller } = held();
  assert.equal(ports.commands.get(KEY), 20_000);
  controller.apply({ type: "lambda", session: "pts/3", lambdaScaled: 7_000 });
  assert.equal(ports.commands.get(KEY), 7_000);
  controller.apply({ type: "stop", session: "pts/3" });
  assert.equal(ports.commands.has(KEY), false);
  assert.deepEqual(controller.sessions, []);
});

Deno.test("release-at: the stopped writer is continued at input time + drawn delay, not before", () => {
  const { ports, controller } = held();
  ports.now = 1000.5;
  controller.apply(
    releaseAtCommand({ session: "pts/3", t: 1000, seconds: 0.25 }, 4242),
  );
  ports.advanceTo(1249.9);
  assert.deepEqual(ports.continued, [], "not continued before its delay");
  ports.advanceTo(1300);
  assert.deepEqual(ports.continued, [{ tid: 4242, atMs: 1250, overdue: false }]);
  const released = ports.reports.find((r) => r.type === "released");
  assert.deepEqual(released, {
    type: "released",
    session: "pts/3",
    inputMs: 1000,
    atMs: 1250,
    appliedMs: 1250,
  });
});

Deno.test("release-at: an input the probe did not stop releases nothing", () => {
  const { ports, controller } = held();
  controller.apply(releaseAtCommand({ session: "pts/3", t: 10, seconds: 0.1 }, null));
  ports.advanceTo(10_000);
  assert.deepEqual(ports.continued, []);
  assert.equal(ports.timers.length, 0);
});

Deno.test("release-at: a later input never goes through before an earlier one", () => {
  const { ports, controller } = held();
  // Two writers of one session: the second input draws a shorter delay.
  controller.apply(releaseAtCommand({ session: "pts/3", t: 0, seconds: 0.5 }, 1));
  controller.apply(releaseAtCommand({ session: "pts/3", t: 10, seconds: 0.005 }, 2));
  ports.advanceTo(1000);
  assert.deepEqual(ports.continued.map((c) => [c.tid, c.atMs]), [[1, 500], [2, 500]]);
});

Deno.test("release order follows input order for any draws (property)", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.tuple(fc.integer({ min: 0, max: 50 }), fc.double({ min: 0, max: 2, noNaN: true })),
        {
          minLength: 1,
          maxLength: 30,
        },
      ),
      (inputs) => {
        const { ports, controller } = held();
        let t = 0;
        inputs.forEach(([gap, seconds], tid) => {
          t += gap;
          controller.apply(releaseAtCommand({ session: "pts/3", t, seconds }, tid + 1));
        });
        ports.advanceTo(1e9);
        const order = ports.continued.map((c) => c.tid);
        assert.deepEqual(order, inputs.map((_, i) => i + 1));
        // None before its own draw.
        let at = 0;
        inputs.forEach(([gap, seconds], i) => {
          at += gap;
          assert.ok(ports.continued[i]!.atMs >= at + seconds * 1000 - 1e-9);
        });
      },
    ),
  );
});

Deno.test("stop: pending writers are continued at once and their timers cancelled", () => {
  const { ports, controller } = held();
  controller.apply(releaseAtCommand({ session: "pts/3", t: 0, seconds: 1.5 }, 7));
  ports.advanceTo(100);
  controller.apply({ type: "stop", session: "pts/3" });
  assert.deepEqual(ports.continued, [{ tid: 7, atMs: 100, overdue: false }]);
  ports.advanceTo(5000);
  assert.equal(ports.continued.length, 1, "the cancelled timer does not fire");
});

Deno.test("shutdown: every session is stopped and every pending writer continued", () => {
  const { ports, controller } = held();
  controller.apply({ type: "hold", session: "pts/4", sessionKey: KEY + 1, lambdaScaled: 1 });
  controller.apply(releaseAtCommand({ session: "pts/3", t: 0, seconds: 1 }, 1));
  controller.apply(releaseAtCommand({ session: "pts/4", t: 0, seconds: 1 }, 2));
  controller.apply({ type: "shutdown" });
  assert.deepEqual(ports.continued.map((c) => c.tid).sort(), [1, 2]);
  assert.equal(ports.commands.size, 0);
  assert.deepEqual(controller.sessions, []);
});

Deno.test("release-at for a session no longer held continues the writer at once", () => {
  const { ports, controller } = held();
  controller.apply({ type: "stop", session: "pts/3" });
  ports.now = 50;
  controller.apply(releaseAtCommand({ session: "pts/3", t: 40, seconds: 1 }, 9));
  assert.deepEqual(ports.continued, [{ tid: 9, atMs: 50, overdue: false }]);
});

Deno.test("tick refreshes live commands; only the agent's stop ends a session", () => {
  const { ports, controller } = held();
  controller.apply(releaseAtCommand({ session: "pts/3", t: 0, seconds: 1 }, 5));
  ports.commands.clear();
  ports.now = 200;
  controller.tick();
  assert.equal(ports.commands.get(KEY), 20_000, "refreshed");
  assert.deepEqual(controller.sessions, ["pts/3"], "still held: the controller ends nothing");
  assert.equal(ports.continued.length, 0, "its writer waits for its release");
  controller.apply({ type: "stop", session: "pts/3" });
  assert.deepEqual(ports.continued.map((c) => c.tid), [5], "its pending writer is let go");
  assert.equal(ports.commands.has(KEY), false);
});

Deno.test("tick: a stopped writer with no release is let go only after maxHoldMs", () => {
  const { ports, controller } = held();
  controller.apply(releaseAtCommand({ session: "pts/3", t: 0, seconds: 50 }, 1));
  ports.stopped = [
    { tid: 1, sessionKey: KEY, stoppedMs: 0 },
    { tid: 2, sessionKey: KEY, stoppedMs: 0 },
  ];
  ports.now = 2999;
  controller.tick();
  assert.deepEqual(ports.continued, []);
  ports.now = 3000;
  controller.tick();
  assert.deepEqual(ports.continued, [{ tid: 2, atMs: 3000, overdue: true }], "not the pending one");
});

Deno.test("dry run: logs what it would do, continues nothing", () => {
  const ports = new FakePorts();
  const controller = new HoldController(ports, { dryRun: true, maxHoldMs: 3000 });
  controller.apply({ type: "hold", session: "pts/3", sessionKey: KEY, lambdaScaled: 1 });
  ports.stopped = [{ tid: 1, sessionKey: KEY, stoppedMs: 0 }];
  ports.now = 10_000;
  controller.tick();
  assert.deepEqual(ports.continued, []);
  assert.ok(
    ports.reports.some((r) => r.type === "log" && r.message === "Would hold session (dry run)"),
  );
});

Deno.test("releaseAtCommand: the release is the input's timestamp plus its delay", () => {
  assert.deepEqual(releaseAtCommand({ session: "pts/1", t: 1000, seconds: 0.125 }, 3), {
    type: "release-at",
    session: "pts/1",
    inputMs: 1000,
    atMs: 1125,
    writerTid: 3,
  });
});
