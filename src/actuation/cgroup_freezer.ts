/**
 * Holds a terminal session with the cgroup v2 freezer: the session's
 * processes are moved into a cgroup of their own, which is frozen and thawed
 * at will. Frozen tasks are invisible to job control (no SIGSTOP, no
 * "Stopped" job) and only the session's own processes are touched. Every
 * move is written to the held state first, so `release` can undo it all
 * from another process if this one dies.
 *
 * @module
 */
import { findMounts } from "./mounts.ts";
import { type HeldState, readHeldState, writeHeldState } from "./held_state.ts";

const BASE_NAME = "ghost-hunter";

function cgroupName(session: string): string {
  return session.replaceAll("/", "-");
}

async function writeControl(path: string, value: string): Promise<void> {
  await Deno.writeTextFile(path, value);
}

async function originOf(mount: string, pid: number): Promise<string | undefined> {
  try {
    const line = (await Deno.readTextFile(`/proc/${pid}/cgroup`)).split("\n")
      .find((l) => l.startsWith("0::"));
    return line === undefined ? undefined : `${mount}${line.slice(3).replace(/\/$/, "")}`;
  } catch {
    return undefined;
  }
}

async function cgroupPids(cgroup: string): Promise<number[]> {
  try {
    return (await Deno.readTextFile(`${cgroup}/cgroup.procs`)).split("\n").filter((l) => l !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/** Freezes and thaws whole sessions. Use {@link CgroupFreezer.open}. */
export class CgroupFreezer {
  #mount: string;
  #base: string;
  #state: HeldState;

  private constructor(mount: string, state: HeldState) {
    this.#mount = mount;
    this.#base = `${mount}/${BASE_NAME}`;
    this.#state = state;
  }

  /**
   * Finds the cgroup v2 hierarchy in /proc/mounts and loads what a previous
   * process left held. Throws naming the fix when there is no cgroup v2.
   */
  static async open(): Promise<CgroupFreezer> {
    const [mount] = await findMounts("cgroup2");
    if (mount === undefined) {
      throw new Error(
        "Cannot hold sessions: no cgroup v2 hierarchy in /proc/mounts; mount one (mount -t cgroup2 none /sys/fs/cgroup/unified) or run with --dry-run",
      );
    }
    return new CgroupFreezer(mount, await readHeldState());
  }

  /**
   * Moves `pids` (a session's processes) into the session's cgroup, frozen
   * or not as `frozen` says. Resolves to how many were moved.
   */
  async hold(session: string, pids: readonly number[], frozen: boolean): Promise<number> {
    const cgroup = `${this.#base}/${cgroupName(session)}`;
    await Deno.mkdir(cgroup, { recursive: true });
    const held = this.#state[session] ?? { cgroup, origins: {} };
    this.#state[session] = held;
    const origins = await Promise.all(pids.map((pid) => originOf(this.#mount, pid)));
    pids.forEach((pid, i) => {
      const origin = origins[i];
      if (origin !== undefined && origin !== cgroup) held.origins[pid] = origin;
    });
    await writeHeldState(this.#state);
    await writeControl(`${cgroup}/cgroup.freeze`, frozen ? "1" : "0");
    let moved = 0;
    for (const pid of pids) {
      try {
        await writeControl(`${cgroup}/cgroup.procs`, String(pid));
        moved++;
      } catch {
        // exited, or a kernel thread: nothing to hold
      }
    }
    return moved;
  }

  /** Whether any process is left in a held session's cgroup (false once they all exited). */
  async populated(session: string): Promise<boolean> {
    const held = this.#state[session];
    if (held === undefined) return false;
    try {
      return (await Deno.readTextFile(`${held.cgroup}/cgroup.events`)).includes("populated 1");
    } catch {
      return false;
    }
  }

  /** Freezes a held session (idempotent). */
  async freeze(session: string): Promise<void> {
    const held = this.#state[session];
    if (held !== undefined) await writeControl(`${held.cgroup}/cgroup.freeze`, "1");
  }

  /** Thaws a held session (idempotent). */
  async thaw(session: string): Promise<void> {
    const held = this.#state[session];
    if (held !== undefined) await writeControl(`${held.cgroup}/cgroup.freeze`, "0");
  }

  /**
   * Thaws a session, puts every process back where it came from (processes
   * born while held go to where the session's first process came from) and
   * removes its cgroup.
   */
  async release(session: string): Promise<void> {
    const held = this.#state[session];
    if (held === undefined) return;
    await this.#empty(held.cgroup, held.origins);
    delete this.#state[session];
    await writeHeldState(this.#state);
  }

  /**
   * Releases every held session, including ones a dead agent left behind
   * (from the held state and from cgroups under the base directory), and
   * removes the base directory. Resolves to the sessions released.
   */
  async releaseAll(): Promise<string[]> {
    const released = Object.keys(this.#state);
    for (const session of released) await this.release(session);
    try {
      for await (const entry of Deno.readDir(this.#base)) {
        if (entry.isDirectory) {
          await this.#empty(`${this.#base}/${entry.name}`, {});
          released.push(entry.name);
        }
      }
      await Deno.remove(this.#base);
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    }
    return released;
  }

  async #empty(cgroup: string, origins: Record<string, string>): Promise<void> {
    const fallback = Object.values(origins)[0] ?? this.#mount;
    try {
      await writeControl(`${cgroup}/cgroup.freeze`, "0");
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return;
      throw error;
    }
    for (const pid of await cgroupPids(cgroup)) {
      for (const target of [origins[pid] ?? fallback, this.#mount]) {
        try {
          await writeControl(`${target}/cgroup.procs`, String(pid));
          break;
        } catch {
          // origin gone: fall back to the hierarchy's root
        }
      }
    }
    await Deno.remove(cgroup);
  }
}
