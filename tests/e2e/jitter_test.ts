/**
 * The active response on real ptys with the real agent: a scripted session
 * is detected, then each of its inputs reaches the shell its drawn delay
 * after it was typed; the delays follow Exponential(λ); job control never
 * sees it; processes outside the session are untouched; and a SIGKILLed
 * agent leaves nothing held.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { skipWithoutKernel } from "../support/kernel_gate.ts";
import { Pty } from "../support/pty.ts";
import { ksExponential } from "../../src/stats/ks_exponential.ts";

const DELAYS_WANTED = 60;
const CGROUP_BASE = "/sys/fs/cgroup/unified/ghost-hunter";

interface Drawn {
  t: number;
  seconds: number;
  lambda: number;
}

interface Typed {
  t: number;
  latencyMs: number;
}

function drawnDelays(agent: AgentOnPty, session: string): Drawn[] {
  return agent.jsonLines()
    .filter((line) => line.message === "Delay drawn")
    .map((line) => line.properties as Drawn & { session: string })
    .filter((p) => p.session === session);
}

function alertActions(agent: AgentOnPty, session: string): string[] {
  return agent.jsonLines()
    .filter((line) => (line.ghost_hunter as { session?: string } | undefined)?.session === session)
    .map((line) => (line.event as { action: string }).action);
}

/** Types a command line like an expect script: send, wait for its output, pause. */
async function typeLine(pty: Pty, line: string, output: string): Promise<Typed> {
  const before = pty.output.length;
  const t = pty.type(`${line}\r`);
  const seen = await pty.waitForOutputPast(before, 30_000);
  await pty.waitForOutput(output, 30_000);
  await sleep(120);
  return { t, latencyMs: seen - t };
}

async function startScriptedShell(): Promise<Pty> {
  const pty = new Pty();
  pty.spawn("PS1='$ ' exec bash --norc --noprofile -i");
  await pty.waitForOutput("$ ");
  return pty;
}

function heldCgroups(): string[] {
  try {
    return [...Deno.readDirSync(CGROUP_BASE)].map((e) => e.name);
  } catch {
    return [];
  }
}

Deno.test({
  name: "jitter: a scripted session is delayed by Exponential(λ) draws, invisibly",
  ignore: skipWithoutKernel("jitter delays"),
  async fn() {
    const agent = await AgentOnPty.start(
      ["--log-level", "debug", "--max-delay-ms", "30000"],
      "Probe attached",
    );
    const shell = await startScriptedShell();
    const typed: Typed[] = [];
    try {
      for (let i = 0; i < 400; i++) {
        typed.push(await typeLine(shell, `echo m${i}`, `\rm${i}\r\n`));
        if (drawnDelays(agent, shell.sessionName).length >= DELAYS_WANTED + 1) break;
      }
      typed.push(await typeLine(shell, "sleep 1; echo done-fg", "\rdone-fg\r\n"));
      typed.push(await typeLine(shell, "jobs; echo jobs-listed", "\rjobs-listed\r\n"));
    } finally {
      const status = await agent.stop();
      await shell.close();
      assert.equal(status.code, 0, agent.terminal.output.slice(-2000));
    }
    assert.ok(alertActions(agent, shell.sessionName).includes("ghost-hunter-jitter-start"));
    assert.ok(!shell.output.includes("Stopped"), "no job was stopped");
    const jobsOutput = shell.output.slice(
      shell.output.lastIndexOf("jobs; echo jobs-listed"),
      shell.output.lastIndexOf("\rjobs-listed"),
    );
    assert.doesNotMatch(jobsOutput, /\[\d+\]/, "jobs lists nothing");

    // Pair each drawn delay with the input it was drawn for, by time.
    const pairs = drawnDelays(agent, shell.sessionName).map((drawn) => ({
      drawn,
      typed: typed.find((t) => Math.abs(t.t - drawn.t) < 2),
    })).filter((p) => p.typed !== undefined);
    assert.ok(pairs.length >= 50, `at least 50 delays measured, got ${pairs.length}`);
    for (const { drawn, typed } of pairs) {
      const error = typed!.latencyMs - drawn.seconds * 1000;
      assert.ok(
        error > -2 && error < 25 + 0.02 * drawn.seconds * 1000,
        `measured ${typed!.latencyMs.toFixed(1)} ms for a drawn ${
          (drawn.seconds * 1000).toFixed(1)
        } ms`,
      );
    }
    // λ moves with the posterior: λ·x is Exponential(1) whatever each λ was.
    const scaled = pairs.map(({ drawn, typed }) => drawn.lambda * typed!.latencyMs / 1000);
    const mean = scaled.reduce((a, b) => a + b, 0) / scaled.length;
    assert.ok(mean > 0.8 && mean < 1.2, `mean of λ·delay is ${mean.toFixed(3)}, want 1 ± 20 %`);
    const ks = ksExponential(scaled, 1);
    assert.ok(ks.pValue > 0.01, `KS against Exponential(1): D=${ks.statistic}, p=${ks.pValue}`);
    assert.deepEqual(heldCgroups(), [], "nothing left held after a clean stop");
  },
});
