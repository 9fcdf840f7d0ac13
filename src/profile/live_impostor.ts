/**
 * Impostor detection inside the live agent: the one object the agent calls
 * with each input, each automation alert and each session end. It finds the
 * session's user (login uid of the session leader), scores the input against
 * the user's profile, writes `ghost-hunter-impostor` alerts, and tells the
 * agent whether the session should now be treated as suspect for jitter
 * (only with `response.impostor` = `jitter`).
 *
 * @module
 */
import { getLogger } from "@logtape/logtape";
import type { EcsAlert } from "../alerts/ecs_alert.ts";
import { impostorAlert } from "./impostor_alert.ts";
import { ImpostorMonitor, type ImpostorStatus } from "./impostor_monitor.ts";
import type { ProfileStore } from "./profile_store.ts";
import { SessionUsers } from "./session_user.ts";
import type { TimedInput } from "./timing_window.ts";
import { WINDOW_INPUTS } from "./user_profile.ts";

/** What the agent does about an impostor alert. */
export type ImpostorResponse = "alert" | "jitter";

/** Options of {@linkcode LiveImpostor}. */
export interface LiveImpostorOptions {
  store: ProfileStore;
  /** `alert` (default): only the alert; `jitter`: also treat the session as suspect. */
  response: ImpostorResponse;
  maxSessions: number;
  dryRun: boolean;
  /** Pids never taken as a session's (the agent itself). */
  exclude: ReadonlySet<number>;
  emit: (alert: EcsAlert) => void | Promise<void>;
}

const logger = getLogger(["ghost-hunter", "profile"]);

/** See the module documentation. */
export class LiveImpostor {
  readonly #options: LiveImpostorOptions;
  readonly #monitor: ImpostorMonitor;
  readonly #users: SessionUsers;
  readonly #suspect = new Set<string>();
  readonly #inputs = new Map<string, number>();

  constructor(options: LiveImpostorOptions) {
    this.#options = options;
    this.#monitor = new ImpostorMonitor({
      profiles: options.store,
      maxSessions: options.maxSessions,
      onStoreError: (error, user) =>
        logger.error("Cannot save a timing profile", {
          user,
          path: options.store.path,
          error: String(error),
        }),
    });
    this.#users = new SessionUsers({ exclude: options.exclude, maxSessions: options.maxSessions });
  }

  /**
   * One input of `session` on tty `ttyNr`; emits an impostor alert when one
   * is due. The user is looked up again every window: a terminal now used by
   * another login ends the earlier session (until the kernel reports logins).
   */
  async onInput(session: string, ttyNr: number, input: TimedInput): Promise<void> {
    const user = this.#users.userOf(session, ttyNr);
    const status = this.#monitor.status(session);
    if (user !== undefined && status?.user !== undefined && status.user !== user) {
      this.#monitor.endSession(session);
      this.#suspect.delete(session);
    }
    const seen = this.#inputs.get(session);
    if (seen === undefined && this.#inputs.size >= this.#options.maxSessions) {
      this.#inputs.delete(this.#inputs.keys().next().value!);
    }
    const inputs = (seen ?? 0) + 1;
    this.#inputs.set(session, inputs);
    if (inputs % WINDOW_INPUTS === 0) this.#users.refresh(session, ttyNr);
    const finding = this.#monitor.observeInput(session, user, input);
    if (finding === undefined) return;
    if (this.#options.response === "jitter") this.#suspect.add(session);
    await this.#options.emit(impostorAlert(finding, {
      timestamp: new Date(),
      dryRun: this.#options.dryRun,
      response: this.#options.response,
    }));
  }

  /** Whether jitter should treat the session as past the threshold (`response.impostor` = `jitter`). */
  isSuspect(session: string): boolean {
    return this.#suspect.has(session);
  }

  /** The session alerted as automation: it updates no profile. */
  onAutomationAlert(session: string): void {
    this.#monitor.markAutomation(session);
  }

  /** The session ended: merge or count it, and forget it. */
  onSessionEnd(session: string): void {
    this.#monitor.endSession(session);
    this.#users.forget(session);
    this.#suspect.delete(session);
    this.#inputs.delete(session);
  }

  /** The session was evicted while still running: forget it without learning from it. */
  onSessionDropped(session: string): void {
    this.#monitor.dropSession(session);
    this.#users.forget(session);
    this.#suspect.delete(session);
    this.#inputs.delete(session);
  }

  /** Where a session stands, for /sessions and `top` (undefined: no input seen). */
  status(session: string): ImpostorStatus | undefined {
    return this.#monitor.status(session);
  }

  /** The agent is stopping: every open session ends (and is merged if it may be). */
  close(): void {
    this.#monitor.endAll();
  }
}
