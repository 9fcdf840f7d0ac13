/**
 * Logins through a real sshd on 127.0.0.1 and the real `ssh -tt` client,
 * the path a server's sessions take (sshd writes each input into the pty
 * master of a login shell): a person typing at real Aalto timing is never
 * alerted; whole-line bots, one answering each prompt as it appears and one
 * on a fixed sleep, are alerted and delayed.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { buildBlocker, humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { alertActions } from "../support/held_sessions.ts";
import { SSH_PROMPT, type SshLogin, TestSshd } from "../support/sshd.ts";
import { loadHumanSessions } from "../../tools/sessions/human_sessions.ts";

const HUMAN_INPUTS = 60;
const MAX_BOT_LINES = 100;
const DELAYS_WANTED = 5;
const SSH_TOOLS = { tools: ["ssh", "ssh-keygen", "sshd", "useradd", "userdel"] };

/** The first keystrokes of a real participant, at their real times. */
async function typeLikeAPerson(login: SshLogin): Promise<void> {
  const [session] = await loadHumanSessions({ limit: 1, variant: "plain" });
  assert.ok(session, "one participant loaded");
  const events = session.events.slice(0, HUMAN_INPUTS);
  const start = performance.now();
  const t0 = events[0]!.t;
  for (const event of events) {
    const wait = event.t - t0 - (performance.now() - start);
    if (wait > 0) await sleep(wait);
    await login.type("a".repeat(event.bytes));
  }
  // Clear the half-typed line so `exit` is the shell's next command.
  await login.type("\x15");
}

/** Whole command lines, each sent as soon as the previous prompt is back, until `enough`. */
async function promptBot(login: SshLogin, enough: () => boolean): Promise<void> {
  for (let i = 0; i < MAX_BOT_LINES && !enough(); i++) {
    const prompts = login.output.split(SSH_PROMPT).length - 1;
    await login.type(`echo p${i}\r`);
    await login.waitForOccurrences(SSH_PROMPT, prompts + 1, 30_000);
  }
}

/** Whole command lines on a fixed sleep, never looking at the output, until `enough`. */
async function sleepBot(login: SshLogin, enough: () => boolean): Promise<void> {
  for (let i = 0; i < MAX_BOT_LINES && !enough(); i++) {
    await login.type(`ls -la /tmp/${i}\r`);
    await sleep(300);
  }
}

function delaysApplied(agent: AgentOnPty, session: string): number {
  return agent.jsonLines().filter((line) =>
    line.message === "Delay applied" &&
    (line.properties as { session: string }).session === session
  ).length;
}

Deno.test({
  name: "ssh: a person over ssh is never alerted; prompt and sleep bots are alerted and delayed",
  ignore: skipOrFail("ssh detection", kernelBlocker(), humanDataBlocker(), buildBlocker(SSH_TOOLS)),
  async fn() {
    await using sshd = await TestSshd.start();
    const agent = await AgentOnPty.start(
      ["--log-level", "debug", "--max-delay-ms", "500"],
      "Probe attached",
    );
    const sessions: string[] = [];
    try {
      const person = await sshd.login();
      const prompted = await sshd.login();
      const sleeper = await sshd.login();
      sessions.push(person.sessionName, prompted.sessionName, sleeper.sessionName);
      const delayed = (login: SshLogin) => () =>
        delaysApplied(agent, login.sessionName) >= DELAYS_WANTED;
      await Promise.all([
        typeLikeAPerson(person),
        promptBot(prompted, delayed(prompted)),
        sleepBot(sleeper, delayed(sleeper)),
      ]);
      for (const login of [person, prompted, sleeper]) {
        const status = await login.close();
        assert.equal(status.signal, null, `ssh ended by logout: ${login.output.slice(-500)}`);
      }
    } finally {
      const status = await agent.stop();
      assert.equal(status.code, 0, agent.terminal.output.slice(-2000));
    }
    const [person, prompted, sleeper] = sessions as [string, string, string];
    assert.deepEqual(alertActions(agent, person), [], `the person on ${person} is never alerted`);
    for (const bot of [prompted, sleeper]) {
      const actions = alertActions(agent, bot);
      assert.ok(actions.includes("ghost-hunter-anomaly"), `${bot} alerted: ${actions}`);
      assert.ok(actions.includes("ghost-hunter-jitter-start"), `${bot} jittered: ${actions}`);
      assert.ok(
        delaysApplied(agent, bot) >= DELAYS_WANTED,
        `${bot} delayed: ${delaysApplied(agent, bot)}`,
      );
    }
  },
});
