/**
 * Which login each terminal carries now: the agent's one table of live
 * sessions and its one bound. A session is a login, not a device number:
 * the probe tags every event with the pid of the terminal's session leader
 * (`login_id`) and reports that leader's exit, so a new login on a reused
 * `pts/N` is a new session, and every session ends. Pure: no I/O.
 *
 * @module
 */
import type { TtyEvent } from "../kernel/abi.ts";
import { sessionName } from "../kernel/session_name.ts";

/** Who a session is, from the probe event onwards. */
export interface SessionIdentity {
  /** Kernel dev_t of the session's terminal (`major << 20 | minor`). */
  key: number;
  /** The terminal's name, e.g. `pts/3`: what alerts, logs and `/sessions` show. */
  name: string;
  /** Pid of the login's session leader; 0 when the terminal is no session's controlling tty. */
  loginId: number;
}

/** Why a session left the table. */
export type SessionEndReason = "ended" | "evicted";

/** A session that left the table, and why. */
export interface EndedSession {
  identity: SessionIdentity;
  reason: SessionEndReason;
}

/** The identity a probe event names. */
export function sessionIdentityOf(event: TtyEvent): SessionIdentity {
  return { key: event.sessionKey, name: sessionName(event.sessionKey), loginId: event.loginId };
}

/** Options of {@linkcode SessionTable}. */
export interface SessionTableOptions {
  /** Sessions tracked at once (≥ 1); beyond it the least recently active is evicted. */
  maxSessions: number;
}

/** The live sessions, one per terminal, least recently active first. */
export class SessionTable {
  readonly #maxSessions: number;
  // Insertion order is activity order: re-inserting on activity keeps the
  // least recently active first, for O(1) eviction.
  readonly #byKey = new Map<number, SessionIdentity>();
  #evictions = 0;

  /** Throws a RangeError when `maxSessions` is not a positive integer. */
  constructor(options: SessionTableOptions) {
    if (!Number.isInteger(options.maxSessions) || options.maxSessions < 1) {
      throw new RangeError(
        `Cannot create the session table: maxSessions must be an integer ≥ 1, got ${options.maxSessions}`,
      );
    }
    this.#maxSessions = options.maxSessions;
  }

  /** Sessions tracked now. */
  get size(): number {
    return this.#byKey.size;
  }

  /** Sessions evicted so far to stay within `maxSessions`. */
  get evictions(): number {
    return this.#evictions;
  }

  /** The live sessions, least recently active first. */
  sessions(): IterableIterator<SessionIdentity> {
    return this.#byKey.values();
  }

  /** The live session on terminal `name`, if any. */
  byName(name: string): SessionIdentity | undefined {
    for (const identity of this.#byKey.values()) if (identity.name === name) return identity;
    return undefined;
  }

  /**
   * Takes the identity of a terminal event and returns the session it belongs
   * to, with the sessions that left the table because of it: the previous
   * login on the same terminal when this event names another one (its end
   * was never seen, e.g. dropped by a full ring buffer), and the least
   * recently active session when the table was full. An event with no login
   * (0) belongs to whatever session its terminal carries.
   */
  admit(identity: SessionIdentity): { session: SessionIdentity; left: EndedSession[] } {
    const left: EndedSession[] = [];
    const current = this.#byKey.get(identity.key);
    if (current !== undefined) {
      this.#byKey.delete(identity.key);
      if (identity.loginId === 0 || identity.loginId === current.loginId) {
        this.#byKey.set(identity.key, current);
        return { session: current, left };
      }
      left.push({ identity: current, reason: "ended" });
    } else if (this.#byKey.size >= this.#maxSessions) {
      const oldest = this.#byKey.values().next().value!;
      this.#byKey.delete(oldest.key);
      this.#evictions++;
      left.push({ identity: oldest, reason: "evicted" });
    }
    const session = { ...identity };
    this.#byKey.set(identity.key, session);
    return { session, left };
  }

  /**
   * The kernel saw login `loginId` on terminal `key` end: removes and returns
   * that session, or undefined when the table does not hold it (already
   * ended, evicted, or never seen).
   */
  end(key: number, loginId: number): SessionIdentity | undefined {
    const current = this.#byKey.get(key);
    if (current === undefined || current.loginId !== loginId) return undefined;
    this.#byKey.delete(key);
    return current;
  }
}
