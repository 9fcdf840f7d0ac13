/**
 * What the agent must never delay: its own terminal, and sessions on the
 * allowlist; and what a restarted agent must undo: sessions a previous agent
 * left held when it and its guardian were both killed.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import {
  alertActions,
  CGROUP_BASE,
  heldCgroups,
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
      assert.deepEqual(heldCgroups(), [], "nothing held");
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
    const first = await AgentOnPty.start(["--max-delay-ms", "30000"], "Probe attached");
    const shell = new Pty();
    let second: AgentOnPty | undefined;
    try {
      await startScriptedShell(shell);
      const cgroup = `${CGROUP_BASE}/${shell.sessionName.replace("/", "-")}`;
      for (let i = 0; i < 60 && !heldCgroups().length; i++) await typeScripted(shell, 1, `k${i}-`);
      await waitUntil("the session is frozen", () => {
        try {
          return Deno.readTextFileSync(`${cgroup}/cgroup.events`).includes("frozen 1");
        } catch {
          return false;
        }
      }, 5000);
      // Both die at once: nothing is left to release the session.
      await new Deno.Command("pkill", { args: ["-KILL", "-f", "ghost-hunter-guardian"] }).output();
      first.process.kill("SIGKILL");
      await first.process.status;
      await sleep(1500);
      assert.deepEqual(heldCgroups(), [shell.sessionName.replace("/", "-")], "still held");

      second = await AgentOnPty.start([], "Probe attached");
      await waitUntil(
        "the new agent released the session",
        () => heldCgroups().length === 0,
        5000,
      );
      const before = shell.output.length;
      const typedAt = shell.type("echo back\r");
      const seenAt = await shell.waitForOutputPast(before, 5000);
      assert.ok(seenAt - typedAt < 1000, "the session runs again");
      await waitUntil(
        "the release is logged",
        () =>
          second!.jsonLines().some((line) =>
            line.message === "Released sessions a previous agent left held"
          ),
        5000,
      );
    } finally {
      await first.stop();
      if (second !== undefined) assert.equal((await second.stop()).code, 0);
      await shell.close();
    }
  },
});
