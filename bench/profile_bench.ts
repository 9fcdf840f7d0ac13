/**
 * Impostor detection costs, each beside a baseline measured in the same run:
 *
 * - time per input of the impostor monitor (window slide, and a distance
 *   every 200 inputs) against the automation scorer (`SessionScorer`), the
 *   per-input cost the agent already pays;
 * - heap bytes per tracked session of the monitor against the automation
 *   scorer's;
 * - database bytes per user: a profile database of 1,000 users (each with a
 *   full profile and the 50-session history) against the same database
 *   empty, and a profile's JSON export.
 *
 *     deno run --allow-read --allow-write=/tmp --v8-flags=--expose-gc bench/profile_bench.ts
 *
 * @module
 */
import { syntheticHumanTyping } from "../tools/sessions/automation_sessions.ts";
import { SessionScorer } from "../src/score/session_scorer.ts";
import { ImpostorMonitor, type ProfileSource } from "../src/profile/impostor_monitor.ts";
import { emptyProfile, mergeSession, SessionEnrolment } from "../src/profile/user_profile.ts";
import type { UserProfile } from "../src/profile/user_profile.ts";
import { DEFAULT_IMPOSTOR_MODEL } from "../src/profile/default_model.ts";
import { ProfileStore, SESSION_HISTORY } from "../src/profile/profile_store.ts";
import { exportProfiles } from "../src/profile/profile_export.ts";
import { PAUSE_MS } from "../src/profile/timing_window.ts";
import { InputShape } from "../src/score/input_shape.ts";

const INPUTS = 200_000;
const MEMORY_SESSIONS = 5_000;
const USERS = 1_000;
const ROUNDS = 5;

const gc = (globalThis as { gc?: () => void }).gc;

function usedBytes(): number {
  gc?.();
  const usage = Deno.memoryUsage();
  return usage.heapUsed + usage.external;
}

function best(run: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < ROUNDS; i++) {
    const start = performance.now();
    run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

// The input before each pause ends a line, so every feature (the pause after Enter too) is
// learnt, stored and timed.
const typing = syntheticHumanTyping({ inputs: INPUTS, seed: 7 }).map((e, i, all) => ({
  ...e,
  shape: (all[i + 1]?.t ?? Infinity) - e.t >= PAUSE_MS ? InputShape.ENTER : InputShape.SINGLE,
}));

/** A profile built from `sessions` sessions of 600 inputs of the synthetic typist. */
function builtProfile(user: string, sessions: number): UserProfile {
  let profile = emptyProfile(user, 0);
  for (let s = 0; s < sessions; s++) {
    const session = new SessionEnrolment();
    for (const e of typing.slice(s * 600, (s + 1) * 600)) session.push(e);
    profile = mergeSession(profile, session, DEFAULT_IMPOSTOR_MODEL, s).profile;
  }
  return profile;
}

const enrolled = builtProfile("alice", 3);
const source: ProfileSource = { get: () => enrolled, save: () => {} };

// Time per input.
const scorerMs = best(() => {
  const scorer = new SessionScorer();
  for (const e of typing) scorer.observe(e.t, "in", e.bytes);
});
const monitorMs = best(() => {
  const monitor = new ImpostorMonitor({ profiles: source, maxSessions: 1 });
  for (const e of typing) monitor.observeInput("pts/1", "alice", e);
});

// Bytes per session.
const beforeScorers = usedBytes();
const scorers: SessionScorer[] = [];
for (let s = 0; s < MEMORY_SESSIONS; s++) {
  const scorer = new SessionScorer();
  for (const e of typing.slice(0, 300)) scorer.observe(e.t, "in", e.bytes);
  scorers.push(scorer);
}
const scorerBytes = (usedBytes() - beforeScorers) / MEMORY_SESSIONS;
const beforeMonitor = usedBytes();
const monitor = new ImpostorMonitor({ profiles: source, maxSessions: MEMORY_SESSIONS });
for (let s = 0; s < MEMORY_SESSIONS; s++) {
  for (const e of typing.slice(0, 300)) monitor.observeInput(`pts/${s}`, "alice", e);
}
const monitorBytes = (usedBytes() - beforeMonitor) / MEMORY_SESSIONS;
if (monitor.sessionCount !== MEMORY_SESSIONS || scorers.length !== MEMORY_SESSIONS) {
  throw new Error("Cannot measure memory: sessions were dropped");
}

// Database bytes per user.
function fileBytes(path: string): number {
  let total = 0;
  for (const suffix of ["", "-wal"]) {
    try {
      total += Deno.statSync(path + suffix).size;
    } catch {
      // no such file
    }
  }
  return total;
}
const dir = Deno.makeTempDirSync({ prefix: "gh-profile-bench-" });
let emptyDb: number;
let fullDb: number;
try {
  {
    using store = ProfileStore.open(`${dir}/empty.db`);
    store.list();
  }
  emptyDb = fileBytes(`${dir}/empty.db`);
  {
    using store = ProfileStore.open(`${dir}/full.db`);
    for (let u = 0; u < USERS; u++) {
      const profile = { ...enrolled, user: `user${u}` };
      for (let s = 0; s < SESSION_HISTORY; s++) {
        store.save(profile, { endedAt: s, inputs: 600, distance: 0.01, outcome: "merged" });
      }
    }
  }
  fullDb = fileBytes(`${dir}/full.db`);
} finally {
  Deno.removeSync(dir, { recursive: true });
}
const exportBytes = new TextEncoder().encode(JSON.stringify(exportProfiles([enrolled]))).length;

const ns = (ms: number) => (ms * 1e6 / INPUTS).toFixed(0);
console.log(
  `| Measure (${INPUTS.toLocaleString("en")} inputs; ${
    MEMORY_SESSIONS.toLocaleString("en")
  } sessions; ${
    USERS.toLocaleString("en")
  } users) | Impostor detection | Baseline in the same run | Ratio |
| --- | ---: | ---: | ---: |
| time per input | ${ns(monitorMs)} ns | ${ns(scorerMs)} ns (automation scorer) | ${
    (monitorMs / scorerMs).toFixed(2)
  } |
| heap bytes per tracked session | ${monitorBytes.toFixed(0)} B | ${
    scorerBytes.toFixed(0)
  } B (automation scorer) | ${(monitorBytes / scorerBytes).toFixed(2)} |
| database bytes per user (profile + ${SESSION_HISTORY} sessions) | ${
    ((fullDb - emptyDb) / USERS).toFixed(0)
  } B | ${emptyDb} B (empty database, whole file) | – |
| export bytes per user | ${exportBytes} B | – | – |`,
);
