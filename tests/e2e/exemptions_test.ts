/**
 * What the agent must never delay: its own terminal, and sessions on the
 * allowlist; and what a restarted agent must undo: a writer a previous agent
 * left stopped when it and its guardian were both killed.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import {
  alertActions,
  processState,
  recordedWriters,
  startAgentHoldingBot,
  startScriptedShell,
  waitUntil,
} from "../support/held_sessions.ts";

/** Scripted command lines, each sent once the previous one has run. */
async function typeScripted(pty: Pty, lines: number, tag: string): Promise<void> {
  for (let i = 0; i < lines; i++) {
    pty.type(`echo ${tag}${i}\r`);
    await pty.waitForOutput(`\r${tag}${i}\r\n`, 30_000);
    await sleep(60);
  }
}

Deno.test({
  name: "exemptions: an allowlisted terminal is never scored or held",
  ignore: skipOrFail("allowlist", kernelBlocker()),
  async fn() {
    const shell = new Pty();
    const config = await Deno.makeTempFile({ suffix: ".json" });
    await Deno.writeTextFile(config, JSON.stringify({ allow: { ttys: [shell.sessionName] } }));
    const agent = await AgentOnPty.start(["--config", config], "Probe attached");
    try {
      await startScriptedShell(shell);
      await typeScripted(shell, 30, "a");
    } finally {
      const status = await agent.stop();
      await shell.close();
      await Deno.remove(config);
      assert.equal(status.code, 0);
    }
    assert.deepEqual(alertActions(agent, shell.sessionName), []);
  },
});

Deno.test({
  name: "exemptions: the agent's own terminal is scored, alerts, but is never held",
  ignore: skipOrFail("own terminal", kernelBlocker()),
  async fn() {
    const agent = await AgentOnPty.start([], "Probe attached");
    try {
      const own = agent.terminal;
      for (let i = 0; i < 40; i++) {
        own.type(`scripted line ${i}\r`);
        await sleep(80);
      }
      await sleep(300);
      assert.deepEqual(recordedWriters(), [], "nothing held");
    } finally {
      const status = await agent.stop();
      assert.equal(status.code, 0);
    }
    const actions = alertActions(agent, agent.terminal.sessionName);
    assert.ok(actions.includes("ghost-hunter-anomaly"), `scored as scripted: ${actions}`);
    assert.ok(!actions.includes("ghost-hunter-jitter-start"), `actions: ${actions}`);
  },
});

Deno.test({
  name: "exemptions: a restarted agent releases what a killed agent and guardian left held",
  ignore: skipOrFail("restart release", kernelBlocker()),
  async fn() {
    await using held = await startAgentHoldingBot();
    const { agent: first, bot } = held;
    // Both die at once: nothing is left to release the session.
    await new Deno.Command("pkill", {
      args: ["-KILL", "-P", String(first.pid), "-f", "ghost-hunter-guardian"],
    }).output();
    first.process.kill("SIGKILL");
    await first.process.status;
    await sleep(1500);
    assert.equal(processState(bot.process.pid), "T", "still stopped");

    const second = await AgentOnPty.start([], "Probe attached");
    try {
      await waitUntil(
        "the new agent resumed the bot",
        () => processState(bot.process.pid) !== "T",
        5000,
      );
      await waitUntil(
        "the release is logged",
        () =>
          second.jsonLines().some((line) =>
            line.message === "Released sessions a previous agent left held" &&
            (line.properties as { pids: number[] }).pids.includes(bot.process.pid)
          ),
        5000,
      );
    } finally {
      assert.equal((await second.stop()).code, 0);
    }
  },
});
