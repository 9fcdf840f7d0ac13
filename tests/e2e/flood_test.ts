/**
 * Flood: a program writes 200,000 one-byte writes to its terminal as fast
 * as it can (each one a probe event) while the agent (`--dry-run`) reads the
 * smallest ring buffer allowed (4096 bytes). Proves that the overflow is
 * counted as kernel drops, that the agent stays up through it, that it
 * still scores sessions afterwards (a scripted session typed after the flood
 * is alerted), and that it exits 0. Prints the events and drops it reported.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";

const FLOOD_WRITES = 200_000;
/** Inputs of the session typed after the flood: past the 20 the scorer needs. */
const SCRIPTED_INPUTS = 30;
/** One byte every 20 ms: the fixed-delay automation class. */
const SCRIPTED_GAP_MS = 20;

/** True while the process exists and the child's exit has not been seen (`kill -0`). */
async function isAlive(agent: AgentOnPty, exited: () => boolean): Promise<boolean> {
  const kill = await new Deno.Command("kill", { args: ["-0", String(agent.pid)], stderr: "null" })
    .output();
  return kill.success && !exited();
}

Deno.test({
  name: "flood: a 4 KiB ring overflows, drops are counted, the agent survives and keeps scoring",
  ignore: skipOrFail("flood", kernelBlocker()),
  async fn() {
    const agent = await AgentOnPty.start(
      ["--dry-run", "--ring-buffer-bytes", "4096", "--log-level", "info"],
      "Probe attached",
    );
    let agentExited = false;
    agent.process.status.then(() => agentExited = true);
    const flood = new Pty();
    const scripted = new Pty();
    let status: Deno.CommandStatus;
    try {
      const writer = flood.spawn(
        `exec dd if=/dev/zero bs=1 count=${FLOOD_WRITES} status=none`,
      );
      const aliveDuring: boolean[] = [];
      let flooding = true;
      const watching = (async () => {
        while (flooding) {
          aliveDuring.push(await isAlive(agent, () => agentExited));
          await sleep(100);
        }
      })();
      const writerStatus = await writer.status;
      flooding = false;
      await watching;
      assert.equal(writerStatus.code, 0, "the flooding writer finished");
      assert.ok(
        aliveDuring.length > 0 && aliveDuring.every((alive) => alive),
        "alive during the flood",
      );
      assert.ok(await isAlive(agent, () => agentExited), "alive right after the flood");

      scripted.spawn(
        "stty -icanon -echo min 1 time 0 && echo reader-ready && exec dd bs=1 of=/dev/null status=none",
      );
      await scripted.waitForOutput("reader-ready");
      const start = performance.now();
      for (let i = 0; i < SCRIPTED_INPUTS; i++) {
        await sleep(Math.max(0, start + i * SCRIPTED_GAP_MS - performance.now()));
        scripted.type("x");
      }
      await sleep(1000);
      assert.ok(await isAlive(agent, () => agentExited), "alive after scoring resumed");
    } finally {
      status = await agent.stop();
      await flood.close();
      await scripted.close();
    }
    assert.equal(
      status.code,
      0,
      `agent exit status; output: ${agent.terminal.output.slice(-2000)}`,
    );

    const lines = agent.jsonLines();
    const summary = agent.stopSummary();
    console.log(JSON.stringify({
      flood: {
        writes: FLOOD_WRITES,
        ringBufferBytes: 4096,
        events: summary.events,
        kernelDrops: summary.kernelDrops,
      },
    }));
    assert.ok(summary.kernelDrops > 0, `the overflow is counted: ${summary.kernelDrops} drops`);
    assert.ok(
      summary.events + summary.kernelDrops >= FLOOD_WRITES + SCRIPTED_INPUTS,
      `every write is delivered or counted as dropped: ${summary.events} events + ${summary.kernelDrops} drops`,
    );
    assert.ok(
      lines.some((line) =>
        (line.event as { action?: string } | undefined)?.action === "ghost-hunter-anomaly" &&
        (line.ghost_hunter as { session: string }).session === scripted.sessionName
      ),
      `the session typed after the flood (${scripted.sessionName}) is alerted`,
    );
  },
});
