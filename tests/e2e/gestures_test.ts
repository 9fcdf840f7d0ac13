/**
 * Gestures on real ptys with the real probe, scored live by
 * `ghost-hunter --dry-run`: a person (a real participant's key timing from
 * the Aalto sample) who holds Backspace for 60 repeats and pastes a 300-byte
 * command is never alerted; a bot that writes 5 lines on a fixed sleep is,
 * within its 5 inputs. Both sessions run bash, so echo, prompts and command
 * output are real too. `ghost-hunter record` runs alongside and shows the
 * shapes the probe derived in the kernel: keys and Backspaces single bytes,
 * the paste and the bot's lines ending with Enter.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep, waitForFirstLine } from "../support/agent.ts";
import { humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import { loadHumanSessions } from "../../tools/sessions/human_sessions.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import type { TraceEvent } from "../../src/trace/trace_event.ts";

const TEST_NAME =
  "gestures: a person's held Backspace and 300-byte paste are not alerted, 5 lines on a fixed sleep are";
const BACKSPACE = "\x7f";
const REPEATS = 60;
const BOT_LINES = 5;

/** Types `count` keys at a real participant's times, starting at their `from`th key. */
async function typeLikeThePerson(pty: Pty, gaps: number[], from: number, count: number) {
  for (let i = from; i < from + count; i++) {
    await sleep(gaps[i % gaps.length]!);
    pty.type("a");
  }
}

async function person(pty: Pty): Promise<void> {
  const [session] = await loadHumanSessions({ limit: 1, variant: "plain" });
  assert.ok(session, "one participant loaded");
  const gaps = session.events.slice(1).map((e, i) => e.t - session.events[i]!.t)
    .filter((gap) => gap < 3000);
  await typeLikeThePerson(pty, gaps, 0, 30);
  // Hold Backspace: the press, the 500 ms repeat delay, then 60 repeats at 30 Hz.
  await sleep(400);
  pty.type(BACKSPACE);
  await sleep(500);
  for (let i = 0; i < REPEATS; i++) {
    pty.type(BACKSPACE);
    await sleep(33);
  }
  await typeLikeThePerson(pty, gaps, 30, 20);
  // Paste a 300-byte command line (Enter included) in one write, as a terminal does.
  await sleep(800);
  pty.type(`echo ${"x".repeat(294)}\r`);
  await sleep(1500);
  await typeLikeThePerson(pty, gaps, 50, 30);
}

async function bot(pty: Pty): Promise<void> {
  await sleep(2000);
  for (let i = 0; i < BOT_LINES; i++) {
    pty.type(`echo bot line ${i}\r`);
    await sleep(1000);
  }
}

Deno.test({
  name: TEST_NAME,
  ignore: skipOrFail(TEST_NAME, kernelBlocker(), humanDataBlocker()),
  async fn() {
    const dir = await Deno.makeTempDir({ prefix: "gh-gestures-" });
    const tracePath = `${dir}/trace.jsonl`;
    const recorder = await AgentOnPty.start(["record", "-o", tracePath], "");
    const human = new Pty();
    const scripted = new Pty();
    let agent: AgentOnPty | undefined;
    try {
      await waitForFirstLine(tracePath);
      agent = await AgentOnPty.start(["--dry-run"], "Probe attached");
      human.spawn("exec bash --norc --noprofile -i");
      scripted.spawn("exec bash --norc --noprofile -i");
      await Promise.all([person(human), bot(scripted)]);
      await sleep(1500);
    } finally {
      await human.close();
      await scripted.close();
      if (agent !== undefined) assert.equal((await agent.stop()).code, 0, "the agent exits");
      assert.equal((await recorder.stop()).code, 0, "the recorder exits");
    }
    const trace = (await Deno.readTextFile(tracePath)).split("\n").filter((l) => l.startsWith("{"))
      .map((l) => JSON.parse(l) as TraceEvent).filter((e) => e.dir === "in");
    await Deno.remove(dir, { recursive: true });
    const shapes = (session: string) =>
      trace.filter((e) => e.session === session).map((e) => [e.bytes, e.shape]);
    const humanShapes = shapes(human.sessionName);
    assert.ok(
      humanShapes.filter(([bytes, shape]) => bytes === 1 && shape === InputShape.SINGLE).length >=
        80 + REPEATS,
      "keys and Backspaces are single bytes",
    );
    assert.deepEqual(humanShapes.filter(([bytes]) => bytes! > 1), [[300, InputShape.ENTER]]);
    assert.deepEqual(
      shapes(scripted.sessionName),
      Array.from(
        { length: BOT_LINES },
        (_, i) => [`echo bot line ${i}\r`.length, InputShape.ENTER],
      ),
    );
    const anomalies = agent!.jsonLines().filter((line) =>
      (line.event as { action?: string } | undefined)?.action === "ghost-hunter-anomaly"
    );
    const of = (session: string) =>
      anomalies.filter((a) => (a.ghost_hunter as { session: string }).session === session);
    assert.deepEqual(
      of(human.sessionName),
      [],
      `the person's session ${human.sessionName} is never alerted`,
    );
    const botAlerts = of(scripted.sessionName);
    assert.ok(
      botAlerts.length > 0,
      `the bot's session ${scripted.sessionName} is alerted; anomalies: ${
        JSON.stringify(anomalies)
      }`,
    );
    const features = (botAlerts[0]!.ghost_hunter as { features: Record<string, unknown> })
      .features;
    assert.ok((features.inputs as number) <= BOT_LINES, `alerted at input ${features.inputs}`);
    assert.equal(features.last_gesture, "bulk_again");
  },
});
