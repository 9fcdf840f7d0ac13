/**
 * Load: `ghost-hunter --dry-run` with the real probe while 200 real ptys are
 * typed into at once for 65 s — 100 replays of real people (the first 100
 * Aalto participants, their real timing, each from a random point in their
 * typing so the whole window is busy) and 100 automation sessions (25 per
 * class). Proves that the ring buffer keeps up (no kernel drops), that every
 * automation session is alerted and that no human one is. Measures the
 * agent's peak RSS and CPU and prints them as one JSON line (figures for
 * README.md, not asserted).
 *
 * One timer loop writes every keystroke of every pty from one merged
 * schedule, so 200 sessions cost no more than the writes themselves.
 *
 * The 200 sessions use {@linkcode SilentPty}, not tests/support/pty.ts: a
 * `Pty` drains its master with a blocking `read` on Deno's FFI thread pool,
 * which has 32 threads, so 200 of them whose readers print nothing hold every
 * thread forever, and the agent's own terminal (an `AgentOnPty`) is never
 * read again: the agent would block writing its alerts.
 */
import assert from "node:assert/strict";
import { AgentOnPty, sleep } from "../support/agent.ts";
import { humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { openPtyLibc, type PtyLibc } from "../support/pty_libc.ts";
import { osError } from "../../src/kernel/os_error.ts";
import { type InputEvent, loadHumanSessions } from "../../tools/sessions/human_sessions.ts";
import {
  AUTOMATION_CLASSES,
  generateAutomationSession,
} from "../../tools/sessions/automation_sessions.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";

const HUMAN_SESSIONS = 100;
const AUTOMATION_SESSIONS_PER_CLASS = 25;
const WINDOW_MS = 65_000;
/**
 * Inputs an automation session must have typed with 5 s of the window to
 * spare, so it has time to give the scorer enough evidence (README,
 * "Calibration": typing programs alert after a median 22–30 inputs).
 */
const INPUTS_TO_JUDGE = 20;
/** Enough inputs for the fastest class (one byte every 10 ms) to fill the window. */
const AUTOMATION_INPUTS = Math.ceil(WINDOW_MS / 10) + 1;
const SEED = 6;
const O_RDWR = 2;
const O_NOCTTY = 0o400;
const O_CLOEXEC = 0o2000000;

/** One write into one pty, `at` ms after the window opens. */
interface Keystroke {
  at: number;
  pty: number;
  bytes: number;
}

/** A session to type: who it is and its inputs, `t` in ms from the window's start. */
interface ScheduledSession {
  kind: "human" | "automation";
  label: string;
  events: InputEvent[];
}

/**
 * A pty pair whose slave side runs a raw-mode reader that prints nothing
 * (no echo, input to /dev/null), as a readline shell reads: every input is
 * timed. Nothing comes out of the master, so nothing reads it.
 */
class SilentPty {
  readonly #libc: PtyLibc;
  readonly #masterFd: number;
  readonly #reader: Deno.ChildProcess;
  /** The session name the probe reports, e.g. `pts/7`. */
  readonly sessionName: string;

  constructor(libc: PtyLibc) {
    this.#libc = libc;
    this.#masterFd = libc.symbols.posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    const name = new Uint8Array(128);
    if (
      this.#masterFd < 0 || libc.symbols.grantpt(this.#masterFd) !== 0 ||
      libc.symbols.unlockpt(this.#masterFd) !== 0 ||
      libc.symbols.ptsname_r(this.#masterFd, name, BigInt(name.length)) !== 0
    ) {
      throw osError(libc, "Cannot open a pseudo-terminal");
    }
    const slavePath = new TextDecoder().decode(name.subarray(0, name.indexOf(0)));
    this.sessionName = slavePath.replace("/dev/", "");
    // setsid and sh exec in place, so the reader keeps the child's pid.
    this.#reader = new Deno.Command("setsid", {
      args: [
        "sh",
        "-c",
        `exec <${slavePath} >${slavePath} 2>&1; stty -icanon -echo min 1 time 0 && exec dd bs=1 of=/dev/null status=none`,
      ],
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).spawn();
  }

  /** Resolves once the reader runs (its terminal set up); rejects after `timeoutMs`. */
  async waitForReader(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (Deno.readTextFileSync(`/proc/${this.#reader.pid}/comm`) !== "dd\n") {
      if (Date.now() > deadline) throw new Error(`No reader on ${this.sessionName}`);
      await sleep(20);
    }
  }

  /** Writes `bytes` into the master side now, as sshd does with a keystroke. */
  type(bytes: Uint8Array): void {
    const written = this.#libc.symbols.write(this.#masterFd, bytes, BigInt(bytes.length));
    if (Number(written) !== bytes.length) {
      throw osError(this.#libc, `Cannot write to the pty master of ${this.sessionName}`);
    }
  }

  /** Kills the reader and closes the master. */
  async close(): Promise<void> {
    try {
      this.#reader.kill("SIGKILL");
    } catch {
      // already exited
    }
    await this.#reader.status;
    this.#libc.symbols.close(this.#masterFd);
  }
}

/** Each participant from a random point of their typing, WINDOW_MS of it. */
async function humanSessions(): Promise<ScheduledSession[]> {
  const random = seededRandom(SEED);
  const sessions = await loadHumanSessions({ limit: HUMAN_SESSIONS, variant: "plain", seed: SEED });
  assert.equal(sessions.length, HUMAN_SESSIONS, "participants loaded");
  return sessions.map((session) => {
    const duration = session.events[session.events.length - 1]!.t;
    const offset = random.uniform(0, Math.max(0, duration - WINDOW_MS));
    const events = session.events
      .filter((e) => e.t >= offset && e.t < offset + WINDOW_MS)
      .map((e) => ({ t: e.t - offset, bytes: e.bytes }));
    return { kind: "human", label: `participant ${session.participant}`, events };
  });
}

/**
 * Automation sessions of every class from consecutive seeds, keeping those
 * that type {@linkcode INPUTS_TO_JUDGE} inputs with 5 s of the window to
 * spare (only slow line-at-once scripts, 0.5–5 s per line, ever fall short).
 */
function automationSessions(): ScheduledSession[] {
  const result: ScheduledSession[] = [];
  for (const kind of AUTOMATION_CLASSES) {
    let seed = SEED * 1000;
    let kept = 0;
    while (kept < AUTOMATION_SESSIONS_PER_CLASS) {
      seed++;
      const session = generateAutomationSession(kind, { seed, inputs: AUTOMATION_INPUTS });
      if (session.events[INPUTS_TO_JUDGE - 1]!.t > WINDOW_MS - 5000) continue;
      const events = session.events.filter((e) => e.t < WINDOW_MS);
      result.push({ kind: "automation", label: `${kind} seed ${seed}`, events });
      kept++;
    }
  }
  return result;
}

/** Every input of every session in time order. */
function mergedSchedule(sessions: ScheduledSession[]): Keystroke[] {
  const schedule = sessions.flatMap((session, pty) =>
    session.events.map((e) => ({ at: e.t, pty, bytes: e.bytes }))
  );
  return schedule.sort((a, b) => a.at - b.at);
}

/** Writes each keystroke once it is due; one loop, one timer for all ptys. */
async function typeSchedule(ptys: SilentPty[], schedule: Keystroke[]): Promise<void> {
  const payloads = new Map<number, Uint8Array>();
  const payload = (bytes: number) => {
    let p = payloads.get(bytes);
    if (p === undefined) {
      p = new TextEncoder().encode("a".repeat(bytes));
      payloads.set(bytes, p);
    }
    return p;
  };
  const start = performance.now();
  let next = 0;
  while (next < schedule.length) {
    const now = performance.now() - start;
    while (next < schedule.length && schedule[next]!.at <= now) {
      const keystroke = schedule[next]!;
      ptys[keystroke.pty]!.type(payload(keystroke.bytes));
      next++;
    }
    if (next < schedule.length) {
      await sleep(Math.max(0, schedule[next]!.at - (performance.now() - start)));
    }
  }
}

/** VmRSS of `pid` in KiB. */
function rssKiB(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  const match = status.match(/^VmRSS:\s+(\d+) kB$/m);
  assert.ok(match, `VmRSS in /proc/${pid}/status`);
  return Number(match[1]);
}

/** utime + stime of `pid`, in clock ticks (fields 14 and 15 of /proc/<pid>/stat). */
function cpuTicks(pid: number): number {
  const stat = Deno.readTextFileSync(`/proc/${pid}/stat`);
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // fields[0] is field 3 (state), so field n is fields[n - 3].
  return Number(fields[14 - 3]) + Number(fields[15 - 3]);
}

async function clockTicksPerSecond(): Promise<number> {
  const output = await new Deno.Command("getconf", { args: ["CLK_TCK"] }).output();
  return Number(new TextDecoder().decode(output.stdout).trim());
}

Deno.test({
  name: "load: 200 concurrent pty sessions for 65 s — no drops, every script alerted, no human",
  ignore: skipOrFail("load", kernelBlocker(), humanDataBlocker()),
  async fn() {
    const sessions = [...await humanSessions(), ...automationSessions()];
    const schedule = mergedSchedule(sessions);
    const ticksPerSecond = await clockTicksPerSecond();
    const agent = await AgentOnPty.start(["--dry-run", "--log-level", "info"], "Probe attached");
    const libc = openPtyLibc();
    const ptys: SilentPty[] = [];
    let rssSampler: ReturnType<typeof setInterval> | undefined;
    let maxRssKiB = rssKiB(agent.pid);
    let cpuPercent = 0;
    let status: Deno.CommandStatus;
    try {
      for (let i = 0; i < sessions.length; i++) ptys.push(new SilentPty(libc));
      await Promise.all(ptys.map((pty) => pty.waitForReader()));
      rssSampler = setInterval(() => {
        maxRssKiB = Math.max(maxRssKiB, rssKiB(agent.pid));
      }, 1000);
      const ticksBefore = cpuTicks(agent.pid);
      const started = performance.now();
      await typeSchedule(ptys, schedule);
      await sleep(500);
      const seconds = (performance.now() - started) / 1000;
      cpuPercent = (cpuTicks(agent.pid) - ticksBefore) / ticksPerSecond / seconds * 100;
      maxRssKiB = Math.max(maxRssKiB, rssKiB(agent.pid));
    } finally {
      clearInterval(rssSampler);
      status = await agent.stop();
      await Promise.all(ptys.map((pty) => pty.close()));
      libc.close();
    }
    assert.equal(
      status.code,
      0,
      `agent exit status; output: ${agent.terminal.output.slice(-2000)}`,
    );

    const lines = agent.jsonLines();
    const summary = agent.stopSummary();
    const anomalySessions = new Set<string>();
    const alertedSessions = new Set<string>();
    for (const line of lines) {
      if ((line.event as { kind?: string } | undefined)?.kind !== "alert") continue;
      const session = (line.ghost_hunter as { session: string }).session;
      alertedSessions.add(session);
      if ((line.event as { action: string }).action === "ghost-hunter-anomaly") {
        anomalySessions.add(session);
      }
    }
    const typed = sessions.map((s, i) => ({ ...s, tty: ptys[i]!.sessionName }));
    const humans = typed.filter((s) => s.kind === "human");
    const automation = typed.filter((s) => s.kind === "automation");
    const missed = automation.filter((s) => !anomalySessions.has(s.tty));
    const falseAlerts = humans.filter((s) => alertedSessions.has(s.tty));
    const figures = {
      sessions: sessions.length,
      human: humans.length,
      humanWithInputsToJudge: humans.filter((s) => s.events.length >= INPUTS_TO_JUDGE).length,
      automation: automation.length,
      windowSeconds: WINDOW_MS / 1000,
      inputsTyped: schedule.length,
      agentEvents: summary.events,
      kernelDrops: summary.kernelDrops,
      alerts: summary.alerts,
      automationAlerted: automation.length - missed.length,
      humanAlerted: falseAlerts.length,
      maxRssMiB: Math.round(maxRssKiB / 102.4) / 10,
      cpuPercentOfOneCore: Math.round(cpuPercent * 10) / 10,
    };
    console.log(JSON.stringify({ load: figures }));

    assert.equal(
      summary.kernelDrops,
      0,
      `kernel drops under load: ${summary.kernelDrops} of ${summary.events} events`,
    );
    assert.ok(
      summary.events >= schedule.length,
      `the agent saw every input typed: ${summary.events} events for ${schedule.length} inputs`,
    );
    assert.deepEqual(
      missed.map((s) => `${s.label} (${s.tty})`),
      [],
      "every automation session is alerted",
    );
    assert.deepEqual(
      falseAlerts.map((s) => `${s.label} (${s.tty})`),
      [],
      "no human session is alerted",
    );
  },
});
