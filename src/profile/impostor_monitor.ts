/**
 * Live impostor detection for every session, behind one small interface the
 * pipelines call: each input, "this session alerted as automation", and
 * session end. Per input it is O(1): the session's window slides; every
 * {@linkcode WINDOW_INPUTS} inputs (non-overlapping windows, so the fitted
 * false-alert rate holds per window) the window is compared with the user's
 * profile, if that profile is enrolled and not shared. At session end a
 * session that raised no alert is merged into its user's profile; one that
 * raised an impostor alert is only counted; one alerted as automation changes
 * nothing.
 *
 * @module
 */
import { impostorDistance, type ImpostorModel } from "./impostor_model.ts";
import { DEFAULT_IMPOSTOR_MODEL } from "./default_model.ts";
import { type TimedInput, timingFeatures } from "./timing_window.ts";
import {
  emptyProfile,
  isEnrolled,
  mergeSession,
  recordImpostorAlert,
  SessionEnrolment,
  type UserProfile,
  WINDOW_INPUTS,
} from "./user_profile.ts";
import type { SessionRecord } from "./profile_store.ts";

/** Where profiles live: the SQLite store, or a map in tests. */
export interface ProfileSource {
  get(user: string): UserProfile | undefined;
  save(profile: UserProfile, session?: SessionRecord): void;
}

/** What {@linkcode ImpostorMonitor} reports about a session (for /sessions and top). */
export type ImpostorState =
  | "unknown-user"
  | "no-profile"
  | "enrolling"
  | "shared"
  | "scoring"
  | "impostor"
  | "automation";

/** A session's impostor status. */
export interface ImpostorStatus {
  state: ImpostorState;
  user?: string;
  /** The last window's distance, once one was scored. */
  distance?: number;
}

/** Everything an impostor alert carries. */
export interface ImpostorFinding {
  session: string;
  user: string;
  /** The window's distance and the bound it crossed. */
  distance: number;
  bound: number;
  /** Expected share of the owner's own windows beyond the bound. */
  falseAlertRate: number;
  /** The profile's size: sessions and inputs behind it. */
  profileSessions: number;
  profileInputs: number;
  /** Inputs of this session so far, and the window's length. */
  inputs: number;
  windowInputs: number;
}

/** Options of {@linkcode ImpostorMonitor}. */
export interface ImpostorMonitorOptions {
  profiles: ProfileSource;
  /** Sessions tracked at once; the least recently active is dropped (not merged). */
  maxSessions: number;
  model?: ImpostorModel;
  /** Epoch ms now (tests pass a fixed clock). */
  now?: () => number;
  /** Told when the store cannot be written (the monitor carries on). */
  onStoreError?: (error: unknown, user: string) => void;
}

interface Tracked {
  user?: string;
  enrolment: SessionEnrolment;
  /** The profile as the session found it, if enrolled and usable. */
  profile?: UserProfile;
  profileState: ImpostorState;
  distance?: number;
  impostor: boolean;
  automation: boolean;
}

/** See the module documentation. */
export class ImpostorMonitor {
  readonly #profiles: ProfileSource;
  readonly #model: ImpostorModel;
  readonly #maxSessions: number;
  readonly #now: () => number;
  readonly #onStoreError: (error: unknown, user: string) => void;
  // Insertion order is recency order: a touched session is moved to the end.
  readonly #sessions = new Map<string, Tracked>();

  constructor(options: ImpostorMonitorOptions) {
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1) {
      throw new RangeError(
        `Cannot create the impostor monitor: maxSessions must be an integer ≥ 1, got ${options.maxSessions}`,
      );
    }
    this.#profiles = options.profiles;
    this.#model = options.model ?? DEFAULT_IMPOSTOR_MODEL;
    this.#maxSessions = options.maxSessions;
    this.#now = options.now ?? Date.now;
    this.#onStoreError = options.onStoreError ?? (() => {});
  }

  /** Sessions tracked now. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /**
   * One input of `session` typed by `user` (the account that logged in;
   * undefined while unknown). Returns a finding the first time a window of
   * the session is beyond the bound.
   */
  observeInput(
    session: string,
    user: string | undefined,
    input: TimedInput,
  ): ImpostorFinding | undefined {
    const tracked = this.#touch(session);
    if (tracked.user === undefined && user !== undefined) this.#bindUser(tracked, user);
    tracked.enrolment.push(input);
    const inputs = tracked.enrolment.inputs;
    if (
      tracked.profile === undefined || tracked.impostor || tracked.automation ||
      inputs % WINDOW_INPUTS !== 0
    ) {
      return undefined;
    }
    const distance = impostorDistance(
      tracked.profile.mean,
      timingFeatures(tracked.enrolment.window.summary),
      this.#model,
    );
    if (Number.isNaN(distance)) return undefined;
    tracked.distance = distance;
    if (distance <= this.#model.bound) return undefined;
    tracked.impostor = true;
    return {
      session,
      user: tracked.user!,
      distance,
      bound: this.#model.bound,
      falseAlertRate: this.#model.falseAlertRate,
      profileSessions: tracked.profile.sessions,
      profileInputs: tracked.profile.inputs,
      inputs,
      windowInputs: WINDOW_INPUTS,
    };
  }

  /** The session alerted as automation: it will update no profile. */
  markAutomation(session: string): void {
    this.#touch(session).automation = true;
  }

  /** Where the session stands. */
  status(session: string): ImpostorStatus | undefined {
    const tracked = this.#sessions.get(session);
    if (tracked === undefined) return undefined;
    const state: ImpostorState = tracked.automation
      ? "automation"
      : tracked.impostor
      ? "impostor"
      : tracked.profileState;
    return {
      state,
      ...(tracked.user === undefined ? {} : { user: tracked.user }),
      ...(tracked.distance === undefined ? {} : { distance: tracked.distance }),
    };
  }

  /**
   * The session ended: merge it into its user's profile (re-read, so that
   * another terminal's session that ended meanwhile is not lost), or count
   * its impostor alert. Forgets the session.
   */
  endSession(session: string): void {
    const tracked = this.#sessions.get(session);
    if (tracked === undefined) return;
    this.#sessions.delete(session);
    const user = tracked.user;
    if (user === undefined || tracked.automation) return;
    const now = this.#now();
    try {
      const latest = this.#profiles.get(user) ?? emptyProfile(user, now);
      if (tracked.impostor) {
        this.#profiles.save(recordImpostorAlert(latest, now), {
          endedAt: now,
          inputs: tracked.enrolment.inputs,
          ...(tracked.distance === undefined ? {} : { distance: tracked.distance }),
          outcome: "impostor-alert",
        });
        return;
      }
      const outcome = mergeSession(latest, tracked.enrolment, this.#model, now);
      if (outcome.profile === latest) return;
      this.#profiles.save(outcome.profile, {
        endedAt: now,
        inputs: tracked.enrolment.inputs,
        ...(outcome.distance === undefined ? {} : { distance: outcome.distance }),
        outcome: outcome.disagreed ? "disagreed" : "merged",
      });
    } catch (error) {
      this.#onStoreError(error, user);
    }
  }

  /** Forgets a session without learning from it (it was evicted while still running). */
  dropSession(session: string): void {
    this.#sessions.delete(session);
  }

  /** Ends every session (the agent is stopping). */
  endAll(): void {
    for (const session of [...this.#sessions.keys()]) this.endSession(session);
  }

  #touch(session: string): Tracked {
    let tracked = this.#sessions.get(session);
    if (tracked !== undefined) {
      this.#sessions.delete(session);
    } else {
      tracked = {
        enrolment: new SessionEnrolment(),
        profileState: "unknown-user",
        impostor: false,
        automation: false,
      };
      if (this.#sessions.size >= this.#maxSessions) {
        const oldest = this.#sessions.keys().next().value!;
        this.#sessions.delete(oldest);
      }
    }
    this.#sessions.set(session, tracked);
    return tracked;
  }

  #bindUser(tracked: Tracked, user: string): void {
    tracked.user = user;
    let profile: UserProfile | undefined;
    try {
      profile = this.#profiles.get(user);
    } catch (error) {
      this.#onStoreError(error, user);
    }
    if (profile === undefined) {
      tracked.profileState = "no-profile";
    } else if (profile.shared) {
      tracked.profileState = "shared";
    } else if (!isEnrolled(profile)) {
      tracked.profileState = "enrolling";
    } else {
      tracked.profileState = "scoring";
      tracked.profile = profile;
    }
  }
}
