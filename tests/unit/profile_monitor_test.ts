import assert from "node:assert/strict";
import { ImpostorMonitor, type ProfileSource } from "../../src/profile/impostor_monitor.ts";
import { impostorAlert } from "../../src/profile/impostor_alert.ts";
import type { SessionRecord } from "../../src/profile/profile_store.ts";
import type { UserProfile } from "../../src/profile/user_profile.ts";
import { WINDOW_INPUTS } from "../../src/profile/user_profile.ts";
import { FEATURE_NAMES } from "../../src/profile/timing_window.ts";
import { InputShape } from "../../src/score/input_shape.ts";
import { seededRandom } from "../../tools/sessions/seeded_random.ts";

class MapSource implements ProfileSource {
  readonly profiles = new Map<string, UserProfile>();
  readonly records: { user: string; record?: SessionRecord }[] = [];
  get(user: string) {
    return this.profiles.get(user);
  }
  save(profile: UserProfile, record?: SessionRecord) {
    this.profiles.set(profile.user, profile);
    this.records.push({ user: profile.user, record });
  }
}

/** A typist: log-normal gaps around `medianMs`, a pause now and then, some arrow keys. */
function typist(medianMs: number, spread: number, arrows: number) {
  return (inputs: number, seed: number) => {
    const random = seededRandom(seed);
    const events: { t: number; bytes: number }[] = [];
    let t = 0;
    for (let i = 0; i < inputs; i++) {
      const u = Math.max(1e-9, random.next());
      const v = random.next();
      const z = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
      t += random.next() < 0.04 ? 1500 + 3000 * random.next() : medianMs * Math.exp(spread * z);
      events.push({ t, bytes: random.next() < arrows ? 3 : 1 });
    }
    return events;
  };
}

const owner = typist(170, 0.45, 0.02);
const other = typist(320, 0.7, 0);

function typeSession(
  monitor: ImpostorMonitor,
  session: string,
  user: string | undefined,
  events: { t: number; bytes: number }[],
) {
  const findings = [];
  for (const e of events) {
    const finding = monitor.observeInput(session, user, e);
    if (finding !== undefined) findings.push(finding);
  }
  return findings;
}

function enrolled(source = new MapSource()) {
  const monitor = new ImpostorMonitor({ profiles: source, maxSessions: 16, now: () => 1000 });
  for (let k = 0; k < 3; k++) {
    assert.deepEqual(typeSession(monitor, "pts/1", "alice", owner(400, k)), []);
    monitor.endSession("pts/1");
  }
  return { source, monitor };
}

Deno.test("A new user has no profile and no score; sessions enrol it, then it is scored", () => {
  const source = new MapSource();
  const monitor = new ImpostorMonitor({ profiles: source, maxSessions: 16 });
  typeSession(monitor, "pts/1", "alice", owner(50, 1));
  assert.deepEqual(monitor.status("pts/1"), { state: "no-profile", user: "alice" });
  monitor.endSession("pts/1");
  assert.equal(source.profiles.get("alice"), undefined, "too short for a window: nothing stored");
  const { monitor: m2 } = enrolled(source);
  typeSession(m2, "pts/2", "alice", owner(10, 9));
  assert.equal(m2.status("pts/2")!.state, "scoring");
});

Deno.test("Another person's timing raises one finding; the owner's own session does not", () => {
  const { source, monitor } = enrolled();
  const findings = typeSession(monitor, "pts/2", "alice", other(3 * WINDOW_INPUTS, 50));
  assert.equal(findings.length, 1, "one alert per session");
  const finding = findings[0]!;
  assert.equal(finding.user, "alice");
  assert.ok(finding.distance > finding.bound);
  assert.equal(finding.profileSessions, 3);
  assert.equal(finding.inputs % WINDOW_INPUTS, 0);
  assert.equal(monitor.status("pts/2")!.state, "impostor");
  assert.deepEqual(typeSession(monitor, "pts/3", "alice", owner(3 * WINDOW_INPUTS, 60)), []);
  const before = source.profiles.get("alice")!;
  monitor.endSession("pts/2");
  const after = source.profiles.get("alice")!;
  assert.deepEqual(after.mean, before.mean, "an impostor's session is never merged");
  assert.equal(after.impostorAlerts, 1);
  assert.equal(source.records.at(-1)!.record!.outcome, "impostor-alert");
  monitor.endSession("pts/3");
  assert.equal(source.profiles.get("alice")!.sessions, 4);
});

Deno.test("The pause after Enter, from the inputs' shapes, reaches the profile", () => {
  const source = new MapSource();
  const monitor = new ImpostorMonitor({ profiles: source, maxSessions: 16 });
  let t = 0;
  for (let i = 0; i < 2 * WINDOW_INPUTS; i++) {
    const lineEnd = i % 20 === 19;
    monitor.observeInput("pts/1", "alice", {
      t,
      bytes: 1,
      shape: lineEnd ? InputShape.ENTER : InputShape.SINGLE,
    });
    t += lineEnd ? 1500 : 180 + (i % 3) * 15;
  }
  monitor.endSession("pts/1");
  const afterEnter = source.profiles.get("alice")!.mean[
    FEATURE_NAMES.indexOf("after_enter_gap_median")
  ]!;
  assert.ok(Math.abs(afterEnter - Math.log10(1500)) <= 0.025, `${afterEnter}`);
});

Deno.test("A session alerted as automation updates no profile", () => {
  const { source, monitor } = enrolled();
  const saves = source.records.length;
  typeSession(monitor, "pts/4", "alice", owner(400, 70));
  monitor.markAutomation("pts/4");
  assert.equal(monitor.status("pts/4")!.state, "automation");
  monitor.endSession("pts/4");
  assert.equal(source.records.length, saves);
});

Deno.test("One user on two terminals at once: both sessions are scored and both are merged", () => {
  const { source, monitor } = enrolled();
  const a = owner(400, 80);
  const b = owner(400, 81);
  for (let i = 0; i < 400; i++) {
    assert.equal(monitor.observeInput("pts/5", "alice", a[i]!), undefined);
    assert.equal(monitor.observeInput("pts/6", "alice", b[i]!), undefined);
  }
  monitor.endSession("pts/5");
  monitor.endSession("pts/6");
  assert.equal(source.profiles.get("alice")!.sessions, 5);
});

Deno.test("An account whose sessions disagree is marked shared and no longer scored", () => {
  const { source, monitor } = enrolled();
  for (let k = 0; k < 3; k++) {
    typeSession(monitor, "pts/7", "alice", other(WINDOW_INPUTS, 90 + k));
    monitor.endSession("pts/7");
  }
  assert.ok(source.profiles.get("alice")!.shared);
  assert.deepEqual(typeSession(monitor, "pts/8", "alice", other(WINDOW_INPUTS, 99)), []);
  assert.equal(monitor.status("pts/8")!.state, "shared");
});

Deno.test("Sessions beyond the limit are dropped oldest first, unmerged; an unknown user is never stored", () => {
  const source = new MapSource();
  const monitor = new ImpostorMonitor({ profiles: source, maxSessions: 2 });
  typeSession(monitor, "pts/1", "alice", owner(300, 1));
  typeSession(monitor, "pts/2", undefined, owner(300, 2));
  typeSession(monitor, "pts/3", "bob", owner(300, 3));
  assert.equal(monitor.sessionCount, 2);
  assert.equal(monitor.status("pts/1"), undefined);
  assert.deepEqual(monitor.status("pts/2"), { state: "unknown-user" });
  monitor.endAll();
  assert.deepEqual([...source.profiles.keys()], ["bob"]);
  assert.throws(() => new ImpostorMonitor({ profiles: source, maxSessions: 0 }), /maxSessions/);
});

Deno.test("A store that fails is reported and the monitor carries on", () => {
  const errors: string[] = [];
  const broken: ProfileSource = {
    get: () => undefined,
    save: () => {
      throw new Error("disk full");
    },
  };
  const monitor = new ImpostorMonitor({
    profiles: broken,
    maxSessions: 4,
    onStoreError: (error, user) => errors.push(`${user}: ${(error as Error).message}`),
  });
  typeSession(monitor, "pts/1", "alice", owner(300, 1));
  monitor.endSession("pts/1");
  assert.deepEqual(errors, ["alice: disk full"]);
});

Deno.test("The impostor alert is ECS with the user, distance, profile size and false-alert rate", () => {
  const alert = impostorAlert({
    session: "pts/2",
    user: "alice",
    distance: 0.5,
    bound: 0.04,
    falseAlertRate: 0.01,
    profileSessions: 3,
    profileInputs: 1200,
    inputs: 400,
    windowInputs: 200,
  }, { timestamp: new Date(0), dryRun: true, response: "alert" });
  assert.deepEqual(alert.event, {
    kind: "alert",
    category: ["intrusion_detection"],
    type: ["info"],
    action: "ghost-hunter-impostor",
    module: "ghost_hunter",
  });
  assert.deepEqual(alert.user, { name: "alice" });
  const gh = alert.ghost_hunter as Record<string, Record<string, number>>;
  assert.equal(gh.impostor!.distance, 0.5);
  assert.equal(gh.impostor!.expected_false_alert_rate, 0.01);
  assert.equal(gh.impostor!.profile_inputs, 1200);
});
