/**
 * Impostor detection end to end, on real ptys with the real probe: a user is
 * enrolled from replayed sessions of one Aalto participant (`replay
 * --profiles --enrol`), then the live agent watches two terminals of that
 * user at once: one typed with another participant's timing raises
 * `ghost-hunter-impostor`, the owner's own later typing does not. The
 * profile persists across a restart and a SIGKILL of the agent, contains no
 * byte of what was typed (a secret is typed and searched for in the database
 * and the export), and `profile forget` removes every row of the user.
 */
import assert from "node:assert/strict";
import { DatabaseSync } from "node:sqlite";
import { AGENT_PATH, AgentOnPty, sleep } from "../support/agent.ts";
import { humanDataBlocker, kernelBlocker, skipOrFail } from "../support/gate.ts";
import { Pty } from "../support/pty.ts";
import { runToEnd } from "../support/run_to_end.ts";
import {
  type InputEvent,
  loadParticipantTyping,
  toHumanSession,
} from "../../tools/sessions/human_sessions.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";
import { DEFAULT_IMPOSTOR_MODEL } from "../../src/profile/default_model.ts";
import { impostorDistance } from "../../src/profile/impostor_model.ts";
import {
  emptyProfile,
  mergeSession,
  SessionEnrolment,
  WINDOW_INPUTS,
} from "../../src/profile/user_profile.ts";
import { FEATURE_NAMES, timingFeatures, TimingWindow } from "../../src/profile/timing_window.ts";
import { ProfileStore } from "../../src/profile/profile_store.ts";
import { loginUidOf, userNameOf } from "../../src/profile/session_user.ts";
import { InputShape } from "../../src/score/input_shape.ts";

const SECRET = "correct-horse-battery-staple-4711";
const ENROL_SESSION_INPUTS = 250;
const ENROL_SESSIONS = 2;
const LIVE_INPUTS = WINDOW_INPUTS + 10;
// Pauses between sentences last up to a minute; cut to 5 s. Only the after-Enter median can change
// (pauses count from 1 s, rhythm stops at 3 s, and they are far fewer than the 10 % above the top
// quantile), and the choice of people, the enrolment and the typing all see the same cut.
const MAX_PAUSE_MS = 5000;
const AFTER_ENTER = FEATURE_NAMES.indexOf("after_enter_gap_median");

/** The same typing with every pause longer than {@linkcode MAX_PAUSE_MS} cut to it. */
function shortenPauses(events: InputEvent[]): InputEvent[] {
  let t = 0;
  return events.map((e, i) => {
    if (i > 0) t += Math.min(e.t - events[i - 1]!.t, MAX_PAUSE_MS);
    return { ...e, t };
  });
}

interface Participant {
  id: string;
  events: InputEvent[];
}

function enrolmentSessions(events: InputEvent[]): InputEvent[][] {
  return Array.from(
    { length: ENROL_SESSIONS },
    (_, k) => events.slice(k * ENROL_SESSION_INPUTS, (k + 1) * ENROL_SESSION_INPUTS),
  );
}

function windowOf(events: InputEvent[]): Float64Array {
  const window = new TimingWindow(WINDOW_INPUTS);
  for (const e of events) window.push(e);
  return timingFeatures(window.summary);
}

/**
 * The owner: the participant whose own later window sits furthest inside the
 * bound of the profile its first sessions build; the impostor: the one
 * furthest outside it. Chosen from data, so the test exercises the pipeline,
 * not the luck of a pair.
 */
async function chooseParticipants(): Promise<{ owner: Participant; impostor: Participant }> {
  const typing = await loadParticipantTyping({ limit: 40 });
  const random = seededRandom(1);
  const people = typing.map((t) => ({
    id: t.participant,
    events: shortenPauses(toHumanSession(t, "plain", random).events),
  })).filter((p) => p.events.length >= ENROL_SESSIONS * ENROL_SESSION_INPUTS + LIVE_INPUTS);
  const model = DEFAULT_IMPOSTOR_MODEL;
  let best: { owner: Participant; impostor: Participant; margin: number } | undefined;
  for (const owner of people) {
    let profile = emptyProfile("x", 0);
    for (const events of enrolmentSessions(owner.events)) {
      const session = new SessionEnrolment();
      for (const e of events) session.push(e);
      profile = mergeSession(profile, session, model, 0).profile;
    }
    const later = owner.events.slice(ENROL_SESSIONS * ENROL_SESSION_INPUTS);
    const own = impostorDistance(profile.mean, windowOf(later.slice(0, WINDOW_INPUTS)), model);
    for (const other of people) {
      if (other === owner) continue;
      const theirs = impostorDistance(
        profile.mean,
        windowOf(other.events.slice(100, 100 + WINDOW_INPUTS)),
        model,
      );
      const margin = Math.min(model.bound - own, theirs - model.bound);
      if (best === undefined || margin > best.margin) best = { owner, impostor: other, margin };
    }
  }
  assert.ok(best !== undefined && best.margin > 0, "a separable owner and impostor exist");
  return best;
}

function writeTrace(path: string, events: InputEvent[]): void {
  const lines = events.map((e) =>
    JSON.stringify({ t: e.t, session: "pts/900", dir: "in", bytes: e.bytes, shape: e.shape })
  );
  Deno.writeTextFileSync(path, lines.join("\n") + "\n");
}

/** Types `events` at their own times; Enter as CR, other 1-byte inputs are the secret's characters. */
async function typeAt(pty: Pty, events: InputEvent[]): Promise<void> {
  const start = performance.now();
  const t0 = events[0]!.t;
  let k = 0;
  for (const event of events) {
    const wait = event.t - t0 - (performance.now() - start);
    if (wait > 0) await sleep(wait);
    if (event.shape === InputShape.ENTER) pty.type("\r");
    else if (event.bytes === 3) pty.type("\x1b[D");
    else if (event.bytes === 4) pty.type("\x1b[3~");
    else pty.type(SECRET[k++ % SECRET.length]!.repeat(event.bytes));
  }
}

function contains(haystack: Uint8Array, needle: string): boolean {
  return new TextDecoder("latin1").decode(haystack).includes(needle);
}

const TEST_NAME =
  "impostor: another person's timing alerts, the owner's does not; profiles persist, hold no content, and are forgotten";

Deno.test({
  name: TEST_NAME,
  ignore: skipOrFail(TEST_NAME, kernelBlocker(), humanDataBlocker()),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const { owner, impostor } = await chooseParticipants();
    const dir = Deno.makeTempDirSync({ prefix: "gh-impostor-" });
    const db = `${dir}/profiles.db`;
    // The agent names a session's user from its leader's login uid: here, this process's.
    const user = userNameOf((await loginUidOf(Deno.pid))!, Deno.readTextFileSync("/etc/passwd"));
    try {
      for (const [k, events] of enrolmentSessions(owner.events).entries()) {
        writeTrace(`${dir}/enrol${k}.jsonl`, events);
        const enrol = await runToEnd(AGENT_PATH, [
          "replay",
          `${dir}/enrol${k}.jsonl`,
          "--profiles",
          db,
          "--user",
          user,
          "--enrol",
        ]);
        assert.equal(enrol.code, 0, enrol.stderr);
      }
      const enrolledAfterEnter = (() => {
        using store = ProfileStore.open(db, { readOnly: true });
        return store.get(user)!.weight[AFTER_ENTER]!;
      })();
      assert.ok(enrolledAfterEnter > 0, "replay passes the Enter shapes on");
      const agent = await AgentOnPty.start(
        ["--dry-run", "--profiles", db, "--log-level", "info"],
        "Probe attached",
      );
      const own = new Pty();
      const other = new Pty();
      try {
        for (const pty of [own, other]) {
          pty.spawn("stty -icanon -echo min 1 time 0 && exec dd bs=1 of=/dev/null status=none");
        }
        await sleep(300);
        const later = ENROL_SESSIONS * ENROL_SESSION_INPUTS;
        await Promise.all([
          typeAt(own, owner.events.slice(later, later + LIVE_INPUTS)),
          typeAt(other, impostor.events.slice(100, 100 + LIVE_INPUTS)),
        ]);
        await sleep(1000);
      } finally {
        await own.close();
        await other.close();
        await agent.stop();
      }
      const sessionOf = (a: Record<string, unknown>) =>
        (a.process as { tty: { name: string } } | undefined)?.tty.name;
      // Only this test's two terminals: another root terminal on the machine is not ours to judge.
      const alerts = agent.jsonLines().filter((l) =>
        (l.event as { action?: string } | undefined)?.action === "ghost-hunter-impostor" &&
        [own.sessionName, other.sessionName].includes(sessionOf(l)!)
      );
      assert.deepEqual(alerts.map(sessionOf), [other.sessionName], "only the impostor alerts");
      const alert = alerts[0]!;
      assert.deepEqual(alert.user, { name: user });
      const details = (alert.ghost_hunter as { impostor: Record<string, number> }).impostor;
      assert.ok(details.distance! > details.bound!);
      assert.equal(details.profile_sessions, ENROL_SESSIONS);
      assert.equal(details.profile_inputs, ENROL_SESSIONS * ENROL_SESSION_INPUTS);
      assert.equal(details.expected_false_alert_rate, DEFAULT_IMPOSTOR_MODEL.falseAlertRate);
      assert.ok(
        !agent.jsonLines().some((l) =>
          (l.event as { action?: string } | undefined)?.action === "ghost-hunter-jitter-start" &&
          sessionOf(l) === other.sessionName
        ),
        "by default an impostor alert starts no jitter",
      );

      // The agent stopped: the owner's session was merged, the impostor's only counted
      // (other terminals of this user on the machine, if any, count too).
      const afterFirst = (() => {
        using store = ProfileStore.open(db, { readOnly: true });
        return store.get(user)!;
      })();
      assert.ok(afterFirst.sessions >= ENROL_SESSIONS + 1, `${afterFirst.sessions} sessions`);
      assert.ok(afterFirst.impostorAlerts >= 1);
      assert.ok(
        afterFirst.weight[AFTER_ENTER]! > enrolledAfterEnter,
        "the probe's Enter shapes reach the profile",
      );

      // A restarted agent finds the profile; a SIGKILL leaves it intact.
      const second = await AgentOnPty.start(
        ["--dry-run", "--profiles", db],
        "Probe attached",
      );
      second.process.kill("SIGKILL");
      await second.stop();
      {
        using store = ProfileStore.open(db);
        assert.deepEqual(store.get(user), afterFirst);
      }
      const check = new DatabaseSync(db, { readOnly: true });
      try {
        assert.equal(
          (check.prepare("PRAGMA integrity_check").get() as Record<string, string>).integrity_check,
          "ok",
        );
      } finally {
        check.close();
      }

      // No byte of what was typed, in the database or in an export.
      const exported = await runToEnd(AGENT_PATH, [
        "profile",
        "export",
        `${dir}/export.json`,
        "--profiles",
        db,
      ]);
      assert.equal(exported.code, 0, exported.stderr);
      for (const file of [db, `${db}-wal`, `${dir}/export.json`]) {
        let bytes: Uint8Array;
        try {
          bytes = Deno.readFileSync(file);
        } catch {
          continue;
        }
        for (const piece of [SECRET, SECRET.slice(0, 8), "horse", "staple"]) {
          assert.ok(!contains(bytes, piece), `${file} holds "${piece}"`);
        }
      }

      const forget = await runToEnd(AGENT_PATH, ["profile", "forget", user, "--profiles", db]);
      assert.equal(forget.code, 0, forget.stderr);
      const after = new DatabaseSync(db, { readOnly: true });
      try {
        for (const table of ["profiles", "profile_features", "profile_sessions"]) {
          const row = after.prepare(`SELECT count(*) AS n FROM ${table} WHERE user = ?`).get(
            user,
          ) as { n: number };
          assert.equal(row.n, 0, `${table} still holds ${user}`);
        }
      } finally {
        after.close();
      }
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
