/**
 * Scores many sessions at once, keyed by session name, with a hard bound on
 * how many it tracks: when full, the least recently active session is
 * evicted (and counted). Decides when a session alerts.
 *
 * Alert policy: a session alerts when its score first reaches the
 * threshold; it re-arms once its score falls below `threshold − rearmMargin`,
 * so one sustained episode gives one alert, and a later one another.
 *
 * @module
 */
import type { EvidenceModel } from "./evidence_model.ts";
import { DEFAULT_EVIDENCE_MODEL } from "./evidence_tables.ts";
import { type ScoreFeatures, SessionScorer } from "./session_scorer.ts";
import { DEFAULT_CONFIG } from "../config/defaults.ts";

/** Options of {@linkcode ScoringEngine}. */
export interface ScoringEngineOptions {
  /** Score at which a session alerts; default `DEFAULT_CONFIG.threshold`. */
  threshold?: number;
  /** Sessions tracked at most (≥ 1); the least recently active is evicted. */
  maxSessions: number;
  /** Score drop below the threshold that re-arms a session's alert; default 0.2. */
  rearmMargin?: number;
  /** Evidence model; default the calibrated {@linkcode DEFAULT_EVIDENCE_MODEL}. */
  scorer?: EvidenceModel;
}

/** The engine's answer to one event. */
export interface Verdict {
  /** The session the event belongs to. */
  session: string;
  /** Score after the event, in [0, 1]. */
  score: number;
  /** True when this event made the session alert. */
  alert: boolean;
  /** Feature values behind the score; present when `alert` is true. */
  features?: ScoreFeatures;
}

interface Tracked {
  scorer: SessionScorer;
  armed: boolean;
  /** Who the session is: the last writer of its output (its shell), else of its input. */
  uid: number | undefined;
  comm: string | undefined;
}

/** One tracked session, as a live view shows it. */
export interface SessionSnapshot {
  session: string;
  score: number;
  inputs: number;
  outputs: number;
  /** True from its alert until the score falls back and re-arms. */
  alerted: boolean;
  uid: number | undefined;
  comm: string | undefined;
}

/** Per-session scorers behind one threshold and one session bound. */
export class ScoringEngine {
  readonly #threshold: number;
  readonly #rearmBelow: number;
  readonly #maxSessions: number;
  readonly #model: EvidenceModel;
  // A Map iterates in insertion order: re-inserting on activity keeps the
  // least recently active session first, for O(1) eviction.
  readonly #sessions = new Map<string, Tracked>();
  #evictions = 0;

  /** @param options Threshold, session bound and scorer constants. */
  constructor(options: ScoringEngineOptions) {
    const threshold = options.threshold ?? DEFAULT_CONFIG.threshold;
    if (!(threshold >= 0 && threshold <= 1)) {
      throw new RangeError(
        `Cannot create scoring engine: threshold must be a number from 0 to 1, got ${threshold}`,
      );
    }
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1) {
      throw new RangeError(
        `Cannot create scoring engine: maxSessions must be an integer ≥ 1, got ${options.maxSessions}`,
      );
    }
    this.#threshold = threshold;
    this.#rearmBelow = threshold - (options.rearmMargin ?? 0.2);
    this.#maxSessions = options.maxSessions;
    this.#model = options.scorer ?? DEFAULT_EVIDENCE_MODEL;
  }

  /** The alert threshold. */
  get threshold(): number {
    return this.#threshold;
  }

  /** Sessions currently tracked. */
  get sessionCount(): number {
    return this.#sessions.size;
  }

  /** Sessions evicted so far to stay within `maxSessions`. */
  get evictions(): number {
    return this.#evictions;
  }

  /** Estimated bytes of state per tracked session. */
  get stateBytesPerSession(): number {
    return SessionScorer.stateBytes();
  }

  /** Scores one event (`t` in ms) and says whether it makes its session alert. */
  observe(
    event: {
      t: number;
      session: string;
      dir: "in" | "out";
      bytes: number;
      /** The probe's InputShape of an input; unknown when absent. */
      shape?: number;
      uid?: number;
      comm?: string;
    },
  ): Verdict {
    const tracked = this.#touch(event.session);
    if (event.dir === "out" || tracked.uid === undefined) {
      tracked.uid = event.uid;
      tracked.comm = event.comm;
    }
    const score = tracked.scorer.observe(event.t, event.dir, event.bytes, event.shape);
    if (score < this.#rearmBelow) tracked.armed = true;
    if (tracked.armed && score >= this.#threshold) {
      tracked.armed = false;
      return {
        session: event.session,
        score,
        alert: true,
        features: tracked.scorer.features(),
      };
    }
    return { session: event.session, score, alert: false };
  }

  /** The tracked sessions, least recently active first. */
  *sessions(): Generator<SessionSnapshot> {
    for (const [session, tracked] of this.#sessions) {
      yield {
        session,
        score: tracked.scorer.score,
        inputs: tracked.scorer.inputs,
        outputs: tracked.scorer.outputs,
        alerted: !tracked.armed,
        uid: tracked.uid,
        comm: tracked.comm,
      };
    }
  }

  /** Forgets a session (for example when its terminal closes). */
  forget(session: string): void {
    this.#sessions.delete(session);
  }

  #touch(session: string): Tracked {
    let tracked = this.#sessions.get(session);
    if (tracked !== undefined) {
      this.#sessions.delete(session);
    } else {
      if (this.#sessions.size >= this.#maxSessions) {
        const oldest = this.#sessions.keys().next().value;
        if (oldest !== undefined) this.#sessions.delete(oldest);
        this.#evictions += 1;
      }
      tracked = {
        scorer: new SessionScorer(this.#model),
        armed: true,
        uid: undefined,
        comm: undefined,
      };
    }
    this.#sessions.set(session, tracked);
    return tracked;
  }
}
