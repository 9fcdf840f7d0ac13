/**
 * Who logged in to a terminal session: the audit login uid
 * (`/proc/PID/loginuid`, set by PAM at login and kept across `su` and
 * `sudo`) of the session's leader, falling back to its real uid where the
 * login uid is unset; as a user name from /etc/passwd where it has one.
 * The uid a process switched to is not the account's owner.
 *
 * @module
 */
import { ttyNrOfStat } from "../kernel/tty_nr.ts";

/** `/proc/PID/loginuid` when no login set it. */
export const UNSET_LOGIN_UID = 4294967295;

/** The real uid on the `Uid:` line of /proc/PID/status. */
export function realUidOfStatus(status: string): number | undefined {
  const match = /^Uid:\s+(\d+)/m.exec(status);
  return match === null ? undefined : Number(match[1]);
}

/** The session id (field 6) in the text of /proc/PID/stat. */
export function sessionIdOfStat(stat: string): number | undefined {
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const sid = Number(fields[3]);
  return Number.isInteger(sid) ? sid : undefined;
}

/** The name of `uid` in an /etc/passwd text, or the uid in decimal. */
export function userNameOf(uid: number, passwd: string): string {
  for (const line of passwd.split("\n")) {
    const fields = line.split(":");
    if (fields.length >= 3 && Number(fields[2]) === uid && fields[0] !== "") return fields[0]!;
  }
  return String(uid);
}

/** The login uid of a process, or its real uid where no login set one; undefined if it is gone. */
export async function loginUidOf(pid: number): Promise<number | undefined> {
  try {
    const login = Number((await Deno.readTextFile(`/proc/${pid}/loginuid`)).trim());
    if (Number.isInteger(login) && login !== UNSET_LOGIN_UID) return login;
    return realUidOfStatus(await Deno.readTextFile(`/proc/${pid}/status`));
  } catch {
    return undefined;
  }
}

/**
 * The session's user, found once per session and then remembered: lookups
 * are asynchronous (a /proc scan), so {@linkcode userOf} answers undefined
 * until one has finished, and asks again later if none found a process.
 */
export class SessionUsers {
  readonly #users = new Map<string, string>();
  readonly #pending = new Set<string>();
  readonly #exclude: ReadonlySet<number>;
  readonly #maxSessions: number;

  /** `exclude`: pids never taken as the session's (the agent itself). */
  constructor(options: { exclude: ReadonlySet<number>; maxSessions: number }) {
    this.#exclude = options.exclude;
    this.#maxSessions = options.maxSessions;
  }

  /** The user of `session` (on tty `ttyNr`) if known; starts a lookup if not. */
  userOf(session: string, ttyNr: number): string | undefined {
    const known = this.#users.get(session);
    if (known !== undefined || this.#pending.has(session)) return known;
    this.#pending.add(session);
    this.#lookup(ttyNr).then((user) => {
      if (user === undefined || !this.#pending.has(session)) return;
      if (this.#users.size >= this.#maxSessions) {
        this.#users.delete(this.#users.keys().next().value!);
      }
      this.#users.set(session, user);
    }).finally(() => this.#pending.delete(session));
    return undefined;
  }

  /**
   * Looks the session's user up again in the background (the terminal may
   * now belong to another login); the last answer stands until then.
   */
  refresh(session: string, ttyNr: number): void {
    if (this.#pending.has(session) || !this.#users.has(session)) return;
    this.#pending.add(session);
    this.#lookup(ttyNr).then((user) => {
      if (user !== undefined && this.#pending.has(session)) this.#users.set(session, user);
    }).finally(() => this.#pending.delete(session));
  }

  /** Forgets a session (it ended; its terminal may be reused by someone else). */
  forget(session: string): void {
    this.#users.delete(session);
    this.#pending.delete(session);
  }

  async #lookup(ttyNr: number): Promise<string | undefined> {
    // One pass over /proc: the session leader on this terminal, else its lowest pid.
    let chosen: number | undefined;
    let lowest: number | undefined;
    for await (const entry of Deno.readDir("/proc")) {
      const pid = Number(entry.name);
      if (!Number.isInteger(pid) || this.#exclude.has(pid)) continue;
      try {
        const stat = await Deno.readTextFile(`/proc/${pid}/stat`);
        if (ttyNrOfStat(stat) !== ttyNr) continue;
        if (sessionIdOfStat(stat) === pid) {
          chosen = pid;
          break;
        }
        if (lowest === undefined || pid < lowest) lowest = pid;
      } catch {
        // exited while we looked
      }
    }
    chosen ??= lowest;
    if (chosen === undefined) return undefined;
    const uid = await loginUidOf(chosen);
    if (uid === undefined) return undefined;
    let passwd = "";
    try {
      passwd = await Deno.readTextFile("/etc/passwd");
    } catch {
      // no names: the uid stands for the user
    }
    return userNameOf(uid, passwd);
  }
}
