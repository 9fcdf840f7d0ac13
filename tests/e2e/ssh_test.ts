/**
 * Logins through a real sshd on 127.0.0.1 and the real `ssh -tt` client,
 * the path a server's sessions take (sshd writes each input into the pty
 * master of a login shell): a person typing at real Aalto timing is never
 * alerted; whole-line bots, one answering each prompt as it appears and one
 * on a fixed sleep, are alerted and delayed; a bot that logs in on a pts a
 * person just used is a new session, alerted at the same input count as on a
 * fresh one; and once every login has ended the agent tracks no session.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { buildBlocker, humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { alertActions } from "../support/held_sessions.ts";
import { SSH_PROMPT, SSH_TOOLS, type SshLogin, TestSshd } from "../support/sshd.ts";
import { typeLikeAPerson } from "../support/human_typing.ts";
import { freeLoopbackPort } from "../support/loopback_port.ts";

const HUMAN_INPUTS = 60;
const MAX_BOT_LINES = 100;
const DELAYS_WANTED = 5;

/** A person's first keystrokes, then Ctrl-U, so `exit` is the shell's next command. */
async function typeAsPersonThenClear(login: SshLogin): Promise<void> {
  await typeLikeAPerson((text) => login.type(text), HUMAN_INPUTS);
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

/**
 * Logs in on terminal `name` (any terminal when undefined). The kernel hands
 * out the lowest free pts, which is `name` once its last login has ended,
 * unless another process on this machine took it meanwhile: then log in again.
 */
async function loginOn(sshd: TestSshd, name: string | undefined): Promise<SshLogin> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const login = await sshd.login();
    if (name === undefined || login.sessionName === name) return login;
    await login.close();
  }
  throw new Error(`Cannot log in on ${name}: another process keeps it`);
}

/** The alerts the agent printed for `session` with this `action`, in order. */
function alertsOf(agent: AgentOnPty, session: string, action: string): Record<string, unknown>[] {
  return agent.jsonLines().filter((line) =>
    (line.event as { action?: string } | undefined)?.action === action &&
    (line.ghost_hunter as { session?: string } | undefined)?.session === session
  ).map((line) => line.ghost_hunter as Record<string, unknown>);
}

/** Waits until the agent's /sessions lists nothing; resolves to its metrics text then. */
async function waitForNoSessions(port: number): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const body = await (await fetch(`http://127.0.0.1:${port}/sessions`)).json();
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    if (body.sessions.length === 0) return metrics;
    if (Date.now() > deadline) {
      throw new Error(`Sessions still tracked after every login ended: ${JSON.stringify(body)}`);
    }
    await sleep(100);
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
        typeAsPersonThenClear(person),
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

Deno.test({
  name: "ssh: a bot on a pts a person just used is a new session; ended sessions leave no state",
  ignore: skipOrFail(
    "ssh session lifecycle",
    kernelBlocker(),
    humanDataBlocker(),
    buildBlocker(SSH_TOOLS),
  ),
  async fn() {
    await using sshd = await TestSshd.start();
    const port = freeLoopbackPort();
    const agent = await AgentOnPty.start(
      ["--log-level", "debug", "--max-delay-ms", "500", "--metrics-listen", `127.0.0.1:${port}`],
      "Probe attached",
    );
    const terminals: string[] = [];
    let metrics = "";
    try {
      // A bot on a pts this agent has never seen, then a person on the same
      // pts, then a bot again: each login starts from nothing.
      for (const typist of ["bot", "person", "bot"]) {
        const login = await loginOn(sshd, terminals[0]);
        terminals.push(login.sessionName);
        if (typist === "bot") {
          const name = login.sessionName;
          const alertsBefore = alertsOf(agent, name, "ghost-hunter-anomaly").length;
          const delaysBefore = delaysApplied(agent, name);
          await sleepBot(
            login,
            () =>
              alertsOf(agent, name, "ghost-hunter-anomaly").length > alertsBefore &&
              delaysApplied(agent, name) - delaysBefore >= DELAYS_WANTED,
          );
        } else {
          await typeAsPersonThenClear(login);
        }
        await login.close();
      }
      metrics = await waitForNoSessions(port);
    } finally {
      const status = await agent.stop();
      assert.equal(status.code, 0, agent.terminal.output.slice(-2000));
    }
    const [first, ...rest] = terminals;
    assert.deepEqual(rest, [first, first], `every login reused ${first}`);
    const anomalies = alertsOf(agent, first!, "ghost-hunter-anomaly");
    assert.equal(anomalies.length, 2, "each bot alerted once, the person never");
    const [fresh, reused] = anomalies.map((a) => (a.features as { inputs: number }).inputs);
    assert.equal(reused, fresh, "the bot on the reused pts alerted at the same input count");
    const stops = alertsOf(agent, first!, "ghost-hunter-jitter-stop");
    assert.deepEqual(stops.map((s) => s.reason), ["ended", "ended"], "each bot's jitter ended");
    assert.match(metrics, /^ghost_hunter_sessions_tracked 0$/m);
  },
});

/** Whether the disclosure test reached a verdict for `session`, either way. */
function disclosureDecided(agent: AgentOnPty, session: string): boolean {
  return alertsOf(agent, session, "ghost-hunter-disclosure-confirmed").length > 0 ||
    agent.jsonLines().some((line) =>
      line.message === "No disclosure after jitter" &&
      (line.properties as { session: string }).session === session
    );
}

Deno.test({
  name: "ssh: --dry-run confirms no disclosure for bots whose tempo did not change, and ends them",
  ignore: skipOrFail("ssh dry run", kernelBlocker(), buildBlocker(SSH_TOOLS)),
  async fn() {
    await using sshd = await TestSshd.start();
    const port = freeLoopbackPort();
    const agent = await AgentOnPty.start(
      ["--dry-run", "--log-level", "debug", "--metrics-listen", `127.0.0.1:${port}`],
      "Probe attached",
    );
    const bots: string[] = [];
    let metrics = "";
    try {
      const prompted = await sshd.login();
      const sleeper = await sshd.login();
      bots.push(prompted.sessionName, sleeper.sessionName);
      await Promise.all([
        promptBot(prompted, () => disclosureDecided(agent, prompted.sessionName)),
        sleepBot(sleeper, () => disclosureDecided(agent, sleeper.sessionName)),
      ]);
      await prompted.close();
      await sleeper.close();
      metrics = await waitForNoSessions(port);
    } finally {
      const status = await agent.stop();
      assert.equal(status.code, 0, agent.terminal.output.slice(-2000));
    }
    for (const bot of bots) {
      assert.ok(disclosureDecided(agent, bot), `the disclosure test on ${bot} reached a verdict`);
      assert.deepEqual(alertsOf(agent, bot, "ghost-hunter-disclosure-confirmed"), [], bot);
      const stops = alertsOf(agent, bot, "ghost-hunter-jitter-stop");
      assert.deepEqual(stops.map((s) => [s.reason, s.dry_run]), [["ended", true]], bot);
    }
    assert.match(metrics, /^ghost_hunter_sessions_tracked 0$/m);
  },
});
