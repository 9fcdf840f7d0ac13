/**
 * `ghost-hunter` live on real ptys with the real probe: a scripted session is
 * alerted and jittered, a person's typing replayed from the Aalto sample is
 * never alerted nor delayed.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import { typeLikeAPerson } from "../support/human_typing.ts";

const HUMAN_INPUTS = 60;

/** Whole command lines arriving at once, as from a C2 shell or expect script. */
async function typeScripted(pty: Pty): Promise<void> {
  for (let i = 0; i < 26; i++) {
    pty.type(`ls -la /tmp/${i}\r`);
    await sleep(500 + (i % 3) * 40);
  }
}

Deno.test({
  name: "run: a scripted pty session is alerted and jittered, a human one never",
  ignore: skipOrFail("run detection", kernelBlocker(), humanDataBlocker()),
  async fn() {
    const agent = await AgentOnPty.start(["--log-level", "debug"], "Probe attached");
    const scripted = new Pty();
    const human = new Pty();
    try {
      scripted.spawn("exec bash --norc --noprofile -i");
      human.spawn("stty -icanon -echo min 1 time 0 && exec dd bs=1 of=/dev/null status=none");
      await sleep(200);
      await Promise.all([
        typeScripted(scripted),
        typeLikeAPerson((text) => human.type(text), HUMAN_INPUTS),
      ]);
      await sleep(300);
    } finally {
      const status = await agent.stop();
      await scripted.close();
      await human.close();
      assert.equal(
        status.code,
        0,
        `agent exit status; output: ${agent.terminal.output.slice(-2000)}`,
      );
    }
    const alerts = agent.jsonLines().filter((line) =>
      (line.event as { kind?: string } | undefined)?.kind === "alert"
    );
    const sessionOf = (alert: Record<string, unknown>) =>
      (alert.ghost_hunter as { session: string }).session;
    const anomalies = alerts.filter((a) =>
      (a.event as { action: string }).action === "ghost-hunter-anomaly"
    );
    assert.ok(
      anomalies.some((a) => sessionOf(a) === scripted.sessionName),
      `the scripted session ${scripted.sessionName} is alerted; alerts: ${JSON.stringify(alerts)}`,
    );
    assert.ok(
      !alerts.some((a) => sessionOf(a) === human.sessionName),
      `the human session ${human.sessionName} is never alerted`,
    );
    for (const alert of alerts) {
      assert.equal((alert.ghost_hunter as { dry_run: boolean }).dry_run, false);
      assert.equal(typeof alert["@timestamp"], "string");
    }
    assert.ok(
      alerts.some((a) =>
        sessionOf(a) === scripted.sessionName &&
        (a.event as { action: string }).action === "ghost-hunter-jitter-start"
      ),
      "the scripted session is jittered",
    );
    const humanDelays = agent.jsonLines().filter((line) =>
      line.message === "Delay drawn" &&
      (line.properties as { session: string }).session === human.sessionName
    );
    assert.deepEqual(humanDelays, [], "no delay is ever drawn for the human session");
    const anomaly = anomalies.find((a) => sessionOf(a) === scripted.sessionName)!;
    assert.equal((anomaly.process as { tty: { name: string } }).tty.name, scripted.sessionName);
    assert.ok((anomaly.ghost_hunter as { score: number }).score >= 0.72);
  },
});
